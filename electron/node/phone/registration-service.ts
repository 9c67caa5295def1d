import { RegistererState, type Registerer, type UserAgent, type UserAgentDelegate } from 'sip.js';
import { onServer, type ParsedAccount } from '@common/contract/account';
import type { FailureReason, RegistrationSnapshot, StepReport } from '@common/contract/registration';
import type { Logger } from '../log';
import { systemClock, type Clock } from '@common/clock';
import { Emitter } from '@common/emitter';
import { ignorePromise } from '@common/ignore-promise';
import { backoffDelay } from './backoff';
import { answerOutOfDialogNotify, CheckSyncGate } from './check-sync';
import { probeServer } from './connection-probe';
import { attemptRegistration, bounded, type AttemptOptions, type AttemptOutcome } from './registration-attempt';

export interface RegistrationServiceOptions {
  log: Logger;
  clock?: Clock;
  random?: () => number;
  registerTimeoutMs?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  userAgentString?: string;
  traceSip?: boolean;
  /** Calls plug their delegate and user-agent options in here. */
  userAgentDelegate?: () => UserAgentDelegate;
  extraUserAgentOptions?: () => AttemptOptions['extraOptions'];
  /** Injected for tests of the state machine without a network. */
  attempt?: typeof attemptRegistration;
  /** Whether a call is up: then a network change or resume refreshes the registration in place, keeping the calls. */
  liveCalls?: () => boolean;
  /** At most one `onCheckSync` per this many ms however many check-sync NOTIFYs arrive (default 1000). */
  checkSyncWindowMs?: number;
  /** On a later server of `account.servers`: how often to look whether the first one is back (default 60 s). */
  failbackCheckMs?: number;
  /** Whether a server accepts WebSocket connections again (default: `probeServer`, DNS → TCP/TLS → upgrade). */
  probe?: (account: ParsedAccount) => Promise<boolean>;
  /**
   * How long calls are kept while the transport is down (their media does not need it): reconnect, re-REGISTER,
   * and hand the calls back; past this, they are ended here (default 32 s, a SIP transaction's timeout).
   */
  keepCallsMs?: number;
}

/** What the calls are told about the signalling under them while they are kept through an outage. */
export type SignallingChange = 'down' | 'restored' | 'lost';

/** Failures that another server may not have: it is down, silent, refuses the connection's TLS, or answers 5xx. */
export function worthFailover(outcome: { reason?: FailureReason; detail?: string }): boolean {
  if (outcome.reason === 'unreachable' || outcome.reason === 'timeout' || outcome.reason === 'tls') return true;
  return outcome.reason === 'rejected' && /^5\d\d\b/.test(outcome.detail ?? '');
}

/** Reasons that will not heal by retrying: the agent or IT must change something first. */
const permanent: ReadonlySet<FailureReason> = new Set(['credentials', 'config', 'tls', 'rejected']);

/**
 * The registration state machine of the main process. It owns the SIP.js UserAgent and Registerer, tells the
 * truth about the state (a lost transport is `reconnecting` at once, not `registered` until the next refresh),
 * retries with back-off while the failure may heal, and re-registers at once when the shell reports a network
 * change or a resume from sleep.
 */
export class RegistrationService {
  private account: ParsedAccount | undefined;
  private password = '';
  private ua: UserAgent | undefined;
  private registerer: Registerer | undefined;
  private state: RegistrationSnapshot = { state: 'unregistered' };
  private wanted = false;
  private failures = 0;
  private retryTimer: unknown;
  private generation = 0;
  private inFlight: Promise<RegistrationSnapshot> | undefined;
  private healing: Promise<void> | undefined;
  private readonly changes = new Emitter<RegistrationSnapshot>();
  private readonly checkSyncs = new Emitter<void>();
  private readonly checkSyncGate: CheckSyncGate;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly attempt: typeof attemptRegistration;
  /** Index in the account's server list of the server in use (0 = the first, preferred one). */
  private serverIndex = 0;
  /** Why the phone is on a later server: what the first one did on the last pass. */
  private failedOver: { reason: FailureReason; detail: string } | undefined;
  private failbackTimer: unknown;
  /** The transport died with calls up: the same user agent is being reconnected until `until`. */
  private keeping: { until: number; timer: unknown; attempt: number } | undefined;
  private readonly signalling = new Emitter<SignallingChange>();

  constructor(private readonly o: RegistrationServiceOptions) {
    this.clock = o.clock ?? systemClock;
    this.random = o.random ?? Math.random;
    this.attempt = o.attempt ?? attemptRegistration;
    this.checkSyncGate = new CheckSyncGate(this.clock, () => this.emitCheckSync(), o.checkSyncWindowMs ?? 1000);
  }

  snapshot(): RegistrationSnapshot {
    return { ...this.state };
  }
  readonly onChange = this.changes.on;
  /**
   * The SIP server asked every phone to re-read its configuration (out-of-dialog NOTIFY, `Event: check-sync`).
   * Bursts are coalesced: at most one call per second, the last nudge never lost.
   */
  readonly onCheckSync = this.checkSyncs.on;
  /** The transport under live calls went down, came back (calls handed back), or stayed away too long. */
  readonly onSignalling = this.signalling.on;
  /** The current user agent while registered, for the call layer. */
  userAgent(): UserAgent | undefined {
    return this.ua;
  }

  /** New account settings. A registered phone re-registers with them; an idle one stays idle. */
  async configure(account: ParsedAccount | undefined, password: string): Promise<void> {
    const changed = JSON.stringify(account) !== JSON.stringify(this.account) || password !== this.password;
    this.account = account;
    this.password = password;
    if (changed && this.wanted) await this.restart();
  }

  /** Registers now (or returns the attempt already under way) and resolves with the settled state. */
  register(): Promise<RegistrationSnapshot> {
    this.wanted = true;
    this.failures = 0;
    if (this.state.state === 'registered') return Promise.resolve(this.snapshot());
    return this.runAttempt();
  }

  async unregister(): Promise<RegistrationSnapshot> {
    this.wanted = false;
    this.cancelRetry();
    this.cancelFailback();
    this.stopKeeping();
    this.generation++;
    // An attempt under way that still gets its 200 is superseded and stops its user agent, which un-REGISTERs:
    // wait for that too, or a quit right after start-up would leave the binding at the registrar.
    if (this.inFlight) await bounded(this.inFlight, 3000);
    await this.teardown(true);
    this.set({ state: 'unregistered' });
    return this.snapshot();
  }

  /** Shell hook: the OS reported a network change. Old sockets may be dead without knowing it. */
  networkChanged(): void {
    if (this.wanted) ignorePromise(this.healOnce('network change'));
  }
  /** Shell hook: resumed from sleep. Registrations and NAT bindings have likely expired. */
  resumed(): void {
    if (this.wanted) ignorePromise(this.healOnce('resume'));
  }

  /** A resume usually comes with network changes: one healing at a time serves them all. */
  private healOnce(why: string): Promise<void> {
    // Calls kept through an outage: the reconnect loop is the healing; try it now rather than at its next tick.
    if (this.keeping) {
      this.reconnectKeptSoon(0);
      return Promise.resolve();
    }
    this.healing ??= this.heal(why).finally(() => {
      this.healing = undefined;
    });
    return this.healing;
  }

  /**
   * Without a call, start afresh (new socket, new registration). With a call up, a new user agent would drop it:
   * if the socket still works, re-REGISTER on it so the calls continue; only when that fails start afresh.
   */
  private async heal(why: string): Promise<void> {
    const ua = this.ua;
    const registerer = this.registerer;
    if (!ua || !registerer || !this.o.liveCalls?.() || !ua.isConnected()) {
      await this.restart();
      return;
    }
    const gen = this.generation;
    const refreshed = await this.registerAgain(registerer, this.o.registerTimeoutMs ?? 10_000);
    if (gen !== this.generation || !this.wanted) return;
    if (refreshed) {
      this.o.log.info('registration refreshed in place; calls kept', { why });
      return;
    }
    this.o.log.warn('in-place registration refresh failed; starting afresh', { why });
    await this.restart();
  }

  /** On quit: unregister so the server stops forking calls to a dead contact. */
  async dispose(): Promise<void> {
    await this.unregister();
    this.checkSyncGate.dispose();
    this.changes.clear();
    this.checkSyncs.clear();
    this.signalling.clear();
  }

  /** A REGISTER on the registerer's current transport: true once accepted, false on refusal, error or `timeoutMs`. */
  private registerAgain(registerer: Registerer, timeoutMs: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const timer = this.clock.setTimeout(() => resolve(false), timeoutMs);
      const done = (ok: boolean) => {
        this.clock.clearTimeout(timer);
        resolve(ok);
      };
      registerer
        .register({ requestDelegate: { onAccept: () => done(true), onReject: () => done(false) } })
        .catch(() => done(false));
    });
  }

  /** Starts afresh: a new user agent and registration; `unregister` first removes this one's binding (failback). */
  private async restart(o: { unregister?: boolean } = {}): Promise<void> {
    this.cancelRetry();
    this.cancelFailback();
    this.stopKeeping();
    this.generation++;
    await this.teardown(o.unregister ?? false);
    this.failures = 0;
    await this.runAttempt();
  }

  private runAttempt(): Promise<RegistrationSnapshot> {
    if (this.inFlight) return this.inFlight;
    const p = this.doAttempt().finally(() => {
      if (this.inFlight === p) this.inFlight = undefined;
    });
    this.inFlight = p;
    return p;
  }

  private async doAttempt(): Promise<RegistrationSnapshot> {
    this.cancelRetry();
    const gen = ++this.generation;
    if (!this.account) {
      this.set({ state: 'failed', reason: 'config', detail: 'no account configured' });
      return this.snapshot();
    }
    const reconnecting = this.state.state === 'reconnecting' || (this.state.state === 'failed' && this.failures > 0);
    const account = this.account;
    const servers = this.servers();
    // One pass down the list, from the first server: the next one only when this one may be the problem.
    let outcome: AttemptOutcome | undefined;
    for (let i = 0; i < servers.length; i++) {
      this.serverIndex = i;
      this.set({ state: reconnecting ? 'reconnecting' : 'registering', aor: account.aor, server: servers[i] });
      outcome = await this.attemptOn(onServer(account, servers[i]!), gen);
      if (gen !== this.generation || !this.wanted || outcome.ok || !worthFailover(outcome)) break;
      if (i === 0) this.failedOver = { reason: outcome.reason, detail: outcome.detail };
      if (i + 1 < servers.length)
        this.o.log.warn('server failed; trying the next one', {
          server: servers[i],
          next: servers[i + 1],
          reason: outcome.reason,
          detail: outcome.detail,
        });
    }
    return this.settle(outcome!, gen, reconnecting);
  }

  /** The address of record and the server in use, for a snapshot (each only when there is one). */
  private whereAbouts(): Pick<RegistrationSnapshot, 'aor' | 'server'> {
    const server = this.servers()[this.serverIndex];
    return { ...(this.account ? { aor: this.account.aor } : {}), ...(server ? { server } : {}) };
  }

  /** The servers to try, in order: `account.servers` when it lists several, else the one server. */
  private servers(): readonly string[] {
    const a = this.account;
    return a?.servers && a.servers.length > 1 ? a.servers : a ? [a.server] : [];
  }

  private attemptOn(account: ParsedAccount, gen: number): Promise<AttemptOutcome> {
    return this.attempt({
      account,
      password: this.password,
      log: this.o.log,
      registerTimeoutMs: this.o.registerTimeoutMs ?? 10_000,
      userAgentString: this.o.userAgentString,
      traceSip: this.o.traceSip,
      delegate: {
        ...this.o.userAgentDelegate?.(),
        onNotify: (notification) => answerOutOfDialogNotify(notification, () => this.checkSyncGate.nudge()),
        onDisconnect: (err) => this.onTransportLost(gen, err),
      },
      extraOptions: this.o.extraUserAgentOptions?.(),
    });
  }

  private async settle(outcome: AttemptOutcome, gen: number, reconnecting: boolean): Promise<RegistrationSnapshot> {
    const account = this.account!;
    const server = this.servers()[this.serverIndex];
    if (gen !== this.generation || !this.wanted) {
      // Superseded (unregistered, reconfigured) while the attempt ran: drop what it built.
      if (outcome.ok) await bounded(outcome.ua.stop(), 2000);
      return this.snapshot();
    }
    if (outcome.ok) {
      this.ua = outcome.ua;
      this.registerer = outcome.registerer;
      this.failures = 0;
      outcome.registerer.stateChange.addListener((s) => {
        // A refresh that fails un-registers us behind our back: say so and heal.
        if (s === RegistererState.Unregistered && gen === this.generation && this.wanted)
          this.onTransportLost(gen, new Error('registration refresh failed'));
      });
      const primary = this.servers()[0]!;
      const failover = this.serverIndex > 0 && this.failedOver ? { primary, ...this.failedOver } : undefined;
      if (!failover) this.failedOver = undefined;
      this.set({ state: 'registered', aor: account.aor, server, ...(failover ? { failover } : {}) });
      this.o.log.info('registered', { aor: account.aor, server, ms: outcome.ms, ...(failover ? { failover } : {}) });
      if (failover) this.armFailback(gen);
      return this.snapshot();
    }
    this.failures++;
    this.o.log.warn('registration failed', { reason: outcome.reason, detail: outcome.detail, server });
    if (permanent.has(outcome.reason)) {
      this.set({ state: 'failed', reason: outcome.reason, detail: outcome.detail, aor: account.aor, server });
    } else {
      const retryAt = this.scheduleRetry();
      const wasUp = reconnecting;
      this.set({
        state: wasUp ? 'reconnecting' : 'failed',
        reason: outcome.reason,
        detail: outcome.detail,
        retryAt,
        aor: account.aor,
        server,
      });
    }
    return this.snapshot();
  }

  /**
   * On a later server: look every `failbackCheckMs` whether the first one accepts connections again, and when it
   * does and no call is up, move back to it (un-REGISTER here, register there). A call up defers the move to the
   * next look; a first server that then fails sends the pass on to the next one again.
   */
  private armFailback(gen: number): void {
    this.cancelFailback();
    const handle = this.clock.setTimeout(() => {
      this.failbackTimer = undefined;
      ignorePromise(this.tryFailback(gen));
    }, this.o.failbackCheckMs ?? 60_000);
    (handle as { unref?: () => void } | undefined)?.unref?.();
    this.failbackTimer = handle;
  }

  private async tryFailback(gen: number): Promise<void> {
    if (gen !== this.generation || !this.wanted || !this.account || this.serverIndex === 0) return;
    const primary = onServer(this.account, this.servers()[0]!);
    const back = this.o.liveCalls?.() ? false : await (this.o.probe ?? probeReachable)(primary);
    if (gen !== this.generation || !this.wanted) return;
    if (!back || this.o.liveCalls?.()) {
      this.armFailback(gen);
      return;
    }
    this.o.log.info('first server is back; moving to it', { server: primary.server });
    await this.restart({ unregister: true });
  }

  private cancelFailback(): void {
    if (this.failbackTimer !== undefined) {
      this.clock.clearTimeout(this.failbackTimer);
      this.failbackTimer = undefined;
    }
  }

  private onTransportLost(gen: number, err: Error | undefined): void {
    if (gen !== this.generation || !this.wanted || !err) return; // err undefined = we closed it on purpose
    if (this.keeping) return; // the reconnect loop already runs (a refresh failing meanwhile says nothing new)
    this.o.log.warn('transport lost', { detail: err.message });
    this.cancelFailback();
    if (this.ua && this.registerer && this.o.liveCalls?.()) {
      this.keepCalls(err);
      return;
    }
    void this.teardown(false);
    this.generation++;
    const retryAt = this.scheduleRetry(true);
    this.set({
      state: 'reconnecting',
      reason: 'unreachable',
      detail: err.message.slice(0, 300),
      retryAt,
      ...this.whereAbouts(),
    });
  }

  /**
   * The transport died under live calls. Their media runs browser ↔ media server and does not need it, so the user
   * agent and its sessions are kept: the same transport is reconnected with a short back-off, the registration
   * renewed on the new connection, and the calls told (`restored`) so they refresh the far end's target. Not back
   * by `keepCallsMs`: the calls are told (`lost`) and the phone starts afresh.
   */
  private keepCalls(err: Error): void {
    const until = this.clock.now() + (this.o.keepCallsMs ?? 32_000);
    this.keeping = { until, timer: undefined, attempt: 0 };
    this.o.log.warn('signalling down with calls up: keeping them while reconnecting', { until });
    this.set({
      state: 'reconnecting',
      reason: 'unreachable',
      detail: err.message.slice(0, 300),
      callsKeptUntil: until,
      ...this.whereAbouts(),
    });
    this.emitSignalling('down');
    this.reconnectKeptSoon(250);
  }

  private reconnectKeptSoon(delay: number): void {
    const k = this.keeping;
    if (!k) return;
    if (k.timer !== undefined) this.clock.clearTimeout(k.timer);
    const left = k.until - this.clock.now();
    k.timer = this.clock.setTimeout(
      () => {
        k.timer = undefined;
        ignorePromise(this.reconnectKept(k));
      },
      Math.max(0, Math.min(delay, left)),
    );
  }

  private async reconnectKept(k: NonNullable<RegistrationService['keeping']>): Promise<void> {
    if (this.keeping !== k) return;
    if (this.clock.now() >= k.until) {
      this.giveUpKeeping();
      return;
    }
    const ua = this.ua;
    const registerer = this.registerer;
    k.attempt++;
    let ok = false;
    try {
      if (!ua || !registerer) throw new Error('no user agent');
      if (!ua.isConnected()) await ua.reconnect();
      ok = await this.registerAgain(registerer, Math.min(5000, this.o.registerTimeoutMs ?? 10_000));
    } catch (e) {
      this.o.log.debug('reconnect under kept calls failed', { attempt: k.attempt, detail: String(e) });
    }
    if (this.keeping !== k) return;
    if (!ok) {
      // 250 ms, 500 ms, 1 s, then every 2 s: quick enough for a proxy restart, gentle on one that stays down.
      this.reconnectKeptSoon(Math.min(2000, 250 * 2 ** k.attempt));
      return;
    }
    this.keeping = undefined;
    this.failures = 0;
    this.o.log.info('signalling restored; calls kept', { attempts: k.attempt });
    this.set({
      state: 'registered',
      ...this.whereAbouts(),
    });
    this.emitSignalling('restored');
  }

  private giveUpKeeping(): void {
    this.stopKeeping();
    this.o.log.warn('signalling did not come back in time: ending the calls kept');
    this.emitSignalling('lost');
    if (!this.wanted) return;
    ignorePromise(this.restart());
  }

  private stopKeeping(): void {
    const k = this.keeping;
    if (!k) return;
    if (k.timer !== undefined) this.clock.clearTimeout(k.timer);
    this.keeping = undefined;
  }

  private emitSignalling(change: SignallingChange): void {
    try {
      this.signalling.emit(change);
    } catch (err) {
      this.o.log.warn('signalling listener failed', { detail: err instanceof Error ? err.message : String(err) });
    }
  }

  private scheduleRetry(immediateFirst = false): number {
    this.cancelRetry();
    const delay =
      immediateFirst && this.failures === 0
        ? 250
        : backoffDelay(this.failures - 1, {
            baseMs: this.o.backoffBaseMs ?? 1000,
            capMs: this.o.backoffCapMs ?? 30_000,
            random: this.random,
          });
    if (immediateFirst) this.failures++;
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      if (this.wanted) void this.runAttempt();
    }, delay);
    return this.clock.now() + delay;
  }

  private cancelRetry(): void {
    if (this.retryTimer !== undefined) {
      this.clock.clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
  }

  private async teardown(sendUnregister: boolean): Promise<void> {
    const ua = this.ua;
    const registerer = this.registerer;
    this.ua = undefined;
    this.registerer = undefined;
    if (registerer && sendUnregister && ua?.isConnected()) await bounded(registerer.unregister(), 2000);
    if (registerer) await bounded(registerer.dispose(), 1000);
    if (ua) await bounded(ua.stop(), 2000);
  }

  /** Runs from a NOTIFY or a timer: a listener that throws is logged, never thrown into SIP.js or the timer. */
  private emitCheckSync(): void {
    this.o.log.info('check-sync NOTIFY: re-reading configuration', { aor: this.account?.aor });
    try {
      this.checkSyncs.emit();
    } catch (err) {
      this.o.log.warn('check-sync listener failed', { detail: err instanceof Error ? err.message : String(err) });
    }
  }

  private set(next: RegistrationSnapshot): void {
    this.state = next;
    this.changes.emit(this.snapshot());
  }
}

/** Whether a server accepts a SIP WebSocket connection (DNS, TCP/TLS, upgrade), within 3 s. */
async function probeReachable(account: ParsedAccount): Promise<boolean> {
  return (await probeServer(account, { timeoutMs: 3000 })).ok;
}

export type { StepReport };
