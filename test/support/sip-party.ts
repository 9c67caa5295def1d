import {
  Inviter,
  Registerer,
  RegistererState,
  SessionState,
  SIPExtension,
  UserAgent,
  type Invitation,
  type Session,
} from 'sip.js';
import { installWebSocketGlobal } from '../../electron/node/phone/sip-websocket';
import { fakeSdhFactory, type FakeSessionDescriptionHandler } from './fake-media';

/**
 * A far end for integration tests: a plain SIP.js user agent in Node, registered to the lab, with fake media.
 * It records what it receives (INVITEs and their headers, INFO bodies, REFERs, BYEs) so tests assert on what
 * really crossed the SIP server.
 */
export class SipParty {
  readonly ua: UserAgent;
  readonly invitations: Invitation[] = [];
  readonly infos: string[] = [];
  readonly refers: string[] = [];
  readonly byes: number[] = [];
  /** ACKs received for answered calls (the dialog is confirmed at both ends from then on). */
  readonly acks: number[] = [];
  readonly handlers: FakeSessionDescriptionHandler[] = [];
  /** Final non-2xx statuses our own INVITEs received. */
  readonly rejections: number[] = [];
  sessions: Session[] = [];
  /** What to do with the next INVITE: answer it, reject it with a code, or leave it ringing. */
  onInvite: 'answer' | 'ring' | number = 'answer';
  private registerer: Registerer | undefined;

  constructor(o: { server: string; aor: string; user: string; password: string; displayName?: string }) {
    installWebSocketGlobal();
    const uri = UserAgent.makeURI(o.aor);
    if (!uri) throw new Error(`bad aor ${o.aor}`);
    this.ua = new UserAgent({
      uri,
      authorizationUsername: o.user,
      authorizationPassword: o.password,
      displayName: o.displayName,
      transportOptions: { server: o.server },
      logLevel: process.env.DIADEMA_TEST_LOG ? 'debug' : 'error',
      logBuiltinEnabled: Boolean(process.env.DIADEMA_TEST_LOG),
      sipExtensionReplaces: SIPExtension.Supported,
      sessionDescriptionHandlerFactory: fakeSdhFactory(this.handlers),
      delegate: {
        onInvite: (inv) => {
          this.invitations.push(inv);
          this.track(inv);
          if (this.onInvite === 'answer') void inv.accept();
          else if (typeof this.onInvite === 'number') void inv.reject({ statusCode: this.onInvite });
          else void inv.progress();
        },
      },
    });
  }

  async start(): Promise<this> {
    await this.ua.start();
    this.registerer = new Registerer(this.ua, { expires: 120 });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('far end did not register')), 10_000);
      this.registerer!.stateChange.addListener((s) => {
        if (s === RegistererState.Registered) {
          clearTimeout(t);
          resolve();
        }
      });
      void this.registerer!.register();
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.registerer?.unregister().catch(() => undefined);
    await this.ua.stop().catch(() => undefined);
  }

  call(target: string, extraHeaders: string[] = []): Inviter {
    const uri = UserAgent.makeURI(target);
    if (!uri) throw new Error(`bad target ${target}`);
    const inviter = new Inviter(this.ua, uri, { extraHeaders });
    this.track(inviter);
    void inviter.invite({
      requestDelegate: {
        onReject: (r) => {
          this.rejections.push(r.message.statusCode ?? 0);
        },
      },
    });
    return inviter;
  }

  lastSession(): Session | undefined {
    return this.sessions.at(-1);
  }
  established(): Session[] {
    return this.sessions.filter((s) => s.state === SessionState.Established);
  }

  private track(s: Session): void {
    this.sessions.push(s);
    s.delegate = {
      onInfo: (info) => {
        this.infos.push(info.request.body ?? '');
        void info.accept();
      },
      onAck: (ack) => {
        this.acks.push(Date.now());
        void ack;
      },
      onBye: (bye) => {
        this.byes.push(Date.now());
        void bye.accept();
      },
      onRefer: (referral) => {
        this.refers.push(referral.referTo.toString());
        void referral.accept().then(() => {
          const follow = referral.makeInviter({ sessionDescriptionHandlerOptions: {} });
          this.track(follow);
          void follow.invite();
        });
      },
    };
  }
}

export async function until(cond: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
