import type { Core, Session, URI } from 'sip.js';
import type { Clock } from '@common/clock';
import { ignorePromise } from '@common/ignore-promise';
import { plainText } from './caller-identity';

/**
 * SIP requests inside an established dialog, on a SIP.js `Session`: re-INVITE (hold, resume, fresh media), REFER
 * for blind and attended transfer with the NOTIFYs that follow it, and DTMF by SIP INFO. No call state lives
 * here: each function reports what the far end answered and the call manager decides what it means for the call.
 */

/** How long to wait before retrying a re-INVITE the far end could not take yet: 150 ms plus up to 600 ms. */
const glareWaitMs = (random: () => number): number => 150 + Math.floor(random() * 600);

/**
 * Sends a re-INVITE and resolves its final status (0: could not be sent). When the far end is mid-transaction
 * (491 glare, or 500 + Retry-After per RFC 5407: our previous ACK not yet seen), waits a short random while
 * and tries again, twice at most, rather than report a failure the agent would see.
 */
export async function reinvite(session: Session, o: { clock: Clock; random?: () => number }): Promise<number> {
  const random = o.random ?? Math.random;
  const once = () =>
    new Promise<{ status: number; retry: boolean }>((resolve) => {
      session
        .invite({
          requestDelegate: {
            onAccept: () => resolve({ status: 200, retry: false }),
            onReject: (r) => {
              const status = r.message.statusCode ?? 500;
              resolve({ status, retry: status === 491 || (status === 500 && r.message.hasHeader('Retry-After')) });
            },
          },
        })
        .catch(() => resolve({ status: 0, retry: false }));
    });
  let { status, retry } = await once();
  for (let attempt = 0; retry && attempt < 2; attempt++) {
    await new Promise<void>((resolve) => {
      o.clock.setTimeout(resolve, glareWaitMs(random));
    });
    ({ status, retry } = await once());
  }
  return status;
}

export interface ReferOutcome {
  /** The far end refused the REFER, it could not be sent, or the transfer target failed; the call stays up. */
  failed(detail: string | undefined): void;
  /** A NOTIFY says the transfer target answered: the transfer is done and this call may end. */
  targetAnswered(): void;
}

/**
 * REFER to a URI (blind transfer) or to another session (attended: REFER with Replaces). Resolves once the far
 * end accepted or refused the REFER; what the transfer target does arrives later, in NOTIFYs (RFC 3515 sipfrag).
 */
export function refer(session: Session, target: Session | URI, outcome: ReferOutcome): Promise<void> {
  return new Promise<void>((resolve) => {
    session
      .refer(target as never, {
        requestDelegate: {
          onAccept: () => resolve(),
          onReject: (response: Core.IncomingResponse) => {
            outcome.failed(plainText(`${response.message.statusCode} ${response.message.reasonPhrase}`, 200));
            resolve();
          },
        },
        onNotify: (notification) => {
          ignorePromise(notification.accept());
          const status = /^SIP\/2\.0\s+(\d{3})/m.exec(notification.request.body ?? '')?.[1];
          const code = Number(status ?? 0);
          if (code >= 200 && code < 300) outcome.targetAnswered();
          // The target failed: the original call stays up, the agent is told why.
          else if (code >= 300) outcome.failed(plainText(notification.request.body?.trim().split(/\r?\n/)[0], 200));
        },
      })
      .catch((err: unknown) => {
        outcome.failed(plainText(String((err as Error)?.message ?? err), 200));
        resolve();
      });
  });
}

const dtmfRelay = (digit: string): string => `Signal=${digit}\r\nDuration=160\r\n`;

/** DTMF as SIP INFO (application/dtmf-relay), one request per digit, in order. */
export async function sendInfoDtmf(session: Session, digits: string): Promise<void> {
  for (const d of digits) {
    await session.info({
      requestOptions: {
        body: { contentDisposition: 'render', contentType: 'application/dtmf-relay', content: dtmfRelay(d) },
      },
    });
  }
}
