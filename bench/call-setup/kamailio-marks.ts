import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import type { LabEnv } from '../../test/support/lab-env';

/**
 * The lab's Kamailio logs, on the machine's wall clock (`$TV(Sn)`), when it accepted each new INVITE
 * (`diadema-invite`), when a callee's 200 OK to an INVITE reached it (`diadema-200`, with From and To users) and
 * when each ACK reached it (`diadema-ack`). The bench reads the log from an offset taken before each call, so the
 * calls of a busy pair running beside it are told apart by who called whom.
 */
export interface CallMarks {
  inviteAt: number;
  okAt: number;
  ackAt: number;
}

const seconds = (s: string, us: string): number => Number(s) * 1000 + Number(us.padEnd(6, '0')) / 1000;

export class KamailioMarks {
  private readonly file: string;
  constructor(env: LabEnv) {
    this.file = path.join(env.logs, 'kamailio.log');
  }

  /** Where the log ends now: the next call's lines come after it. */
  offset(): number {
    return statSync(this.file).size;
  }

  /** The marks of the one call `fromUser` made to `toUser` since `offset`; throws unless there is exactly one. */
  call(offset: number, fromUser: string, toUser: string): CallMarks {
    const text = this.readFrom(offset);
    const oks = [...text.matchAll(/diadema-200 ci=(\S+) fu=(\S+) tu=(\S+) t=(\d+)\.(\d+)/g)].filter(
      (m) => m[2] === fromUser && m[3] === toUser,
    );
    const callIds = new Set(oks.map((m) => m[1]));
    if (callIds.size !== 1) throw new Error(`expected one answered call ${fromUser}→${toUser}, saw ${callIds.size}`);
    const [ok] = oks;
    const ci = ok![1]!;
    const okAt = seconds(ok![4]!, ok![5]!);
    const of = (kind: string) =>
      [...text.matchAll(new RegExp(`diadema-${kind} ci=(\\S+) t=(\\d+)\\.(\\d+)`, 'g'))]
        .filter((m) => m[1] === ci)
        .map((m) => seconds(m[2]!, m[3]!));
    const invites = of('invite');
    if (invites.length !== 1) throw new Error(`expected one accepted INVITE for ${ci}, saw ${invites.length}`);
    // The first ACK after the 200 OK: the ACK of the digest challenge (407) comes earlier in the same call.
    const ackAt = of('ack').find((t) => t >= okAt);
    if (ackAt === undefined) throw new Error(`no ACK after the 200 OK of ${ci}`);
    return { inviteAt: invites[0]!, okAt, ackAt };
  }

  private readFrom(offset: number): string {
    const fd = openSync(this.file, 'r');
    try {
      const size = statSync(this.file).size;
      const buf = Buffer.alloc(Math.max(0, size - offset));
      readSync(fd, buf, 0, buf.length, offset);
      return buf.toString('utf8');
    } finally {
      closeSync(fd);
    }
  }
}
