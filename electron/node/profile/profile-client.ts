import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Clock } from '@common/clock';
import type { ProfileChange, ProfileIdentity, ProfileRefusal, ProfileStatus } from '@common/contract/profile';
import { Emitter, type Unsubscribe } from '@common/emitter';
import { diffProfiles, sameValue } from '@common/profile/diff-profiles';
import type { LayerValues } from '@common/settings/resolver';
import type { Settings } from '@common/settings/schema';
import { writeFileAtomic } from '../fs-atomic';
import type { Logger } from '../log';
import { fetchProfile, type ProfileFetchOptions, type ProfileFetchResult } from './profile-fetch';
import type { VerifyOutcome, verifyProfile } from './signed-profile';

/** The verifier (`verifyProfile`; injected so the composition root decides, like every dependency). */
export type ProfileVerifier = typeof verifyProfile;

export type CheckTrigger = NonNullable<ProfileStatus['lastCheck']>['trigger'];
type LastCheck = NonNullable<ProfileStatus['lastCheck']>;
type ProfileSettings = Pick<Settings, 'profile.url' | 'profile.trustedKeys' | 'profile.team' | 'profile.pollSec'>;

export interface ProfileClientOptions {
  /** The data folder: the last good signed document and the client's small state file live there. */
  dataDir: string;
  settings: {
    get<K extends keyof ProfileSettings>(key: K): ProfileSettings[K];
    setTeamLayers(defaults: LayerValues, enforced: LayerValues): void;
    onChange(fn: () => void): Unsubscribe;
  };
  /** Whether a call is live, and when that may have changed: some keys wait until no call is live. */
  calls: { live(): boolean; onChange(fn: () => void): Unsubscribe };
  verify: ProfileVerifier;
  maxBytes: number;
  log: Logger;
  clock: Clock;
  /** Extra trusted CA (PEM) for the profile server: tests and private CAs. */
  ca?: string | Buffer;
  /** Deadline of one whole fetch (default 10 s). */
  fetchDeadlineMs?: number;
  /** For the poll's jitter; tests pass a fixed one. */
  random?: () => number;
  /** The fetcher (tests may wrap it to count); defaults to the real one. */
  fetch?: (url: string, o: ProfileFetchOptions) => Promise<ProfileFetchResult>;
}

/** What the client remembers between runs besides the document itself. */
interface ClientState {
  /** Highest version ever applied, per team: deleting the last good document must not allow a rollback. */
  highest: Record<string, number>;
  /** Team of the last profile applied (followed when `profile.team` is empty). */
  team?: string;
  appliedAt?: number;
  changes?: ProfileChange[];
  /** The last check that found something new (for `diadema doctor`; an unchanged poll is not written). */
  lastCheck?: LastCheck;
}

interface TeamLayers {
  defaults: Record<string, unknown>;
  enforced: Record<string, unknown>;
}

export const lastGoodFileName = 'team-profile.jws';
export const stateFileName = 'team-profile-state.json';
const emptyLayers: TeamLayers = { defaults: {}, enforced: {} };

/** Keys whose change would disturb a call in progress; they wait until no call is live. */
export const waitsForIdle = (key: string): boolean => key.startsWith('account.') || key.startsWith('audio.');

/**
 * The agent's side of team profiles: follows the signed document at `profile.url`, accepts only what the verifier
 * accepts, keeps the last good document on disk and hands its defaults and enforced values to the settings. A
 * refused or unreachable document changes nothing: the last good one stays in force and the status says why.
 *
 * Checks happen on start, on network change and resume, every `profile.pollSec` (±20 %), and on demand (the
 * agent's button, the SIP server's check-sync NOTIFY). At most one check runs at a time; any number of requests
 * while one runs cause exactly one more check after it.
 */
export class ProfileClient {
  private readonly jwsFile: string;
  private readonly stateFile: string;
  private readonly statusEmitter = new Emitter<ProfileStatus>();
  private readonly appliedEmitter = new Emitter<string[]>();
  private state: ClientState = { highest: {} };
  /** The last good document as kept on disk (it may no longer be valid: expired, key withdrawn). */
  private kept: Buffer | undefined;
  /** Why the kept document does not apply, once told (so a poll does not warn again for the same reason). */
  private keptRefusal: { refusal: ProfileRefusal; detail: string; version?: number } | undefined;
  /** The profile in force: the kept document, verified, its identity, and the layers it asks for. */
  private good: { jws: Buffer; identity: ProfileIdentity; layers: TeamLayers } | undefined;
  /** What the settings hold now (may lag behind `good` for keys waiting for the call to end). */
  private inForce: TeamLayers = emptyLayers;
  private pending: string[] = [];
  private lastCheck: LastCheck | null = null;
  private etag: string | undefined;
  private running: Promise<void> | undefined;
  private again: { trigger: CheckTrigger; done: Promise<void>; resolve: () => void } | undefined;
  private pollTimer: unknown;
  private started = false;
  private restoring: Promise<void> | undefined;
  private stopped = false;
  private configKey = '';
  private unsubscribe: Unsubscribe[] = [];

  constructor(private readonly o: ProfileClientOptions) {
    this.jwsFile = path.join(o.dataDir, lastGoodFileName);
    this.stateFile = path.join(o.dataDir, stateFileName);
  }

  readonly onChange = this.statusEmitter.on;
  /** The keys whose team values just changed in the settings (the core re-applies the account on `account.*`). */
  readonly onApplied = this.appliedEmitter.on;

  status(): ProfileStatus {
    return {
      configured: this.configured(),
      applied: this.good && this.configured() ? this.good.identity : null,
      appliedAt: this.good && this.configured() ? (this.state.appliedAt ?? null) : null,
      changes: this.good && this.configured() ? (this.state.changes ?? []) : [],
      pending: [...this.pending],
      lastCheck: this.lastCheck,
    };
  }

  /**
   * Reads what the last run kept and applies the kept document if it is still valid, without any network: the
   * core calls it before it applies the account, so a team-set server is used from the first REGISTER.
   */
  restore(): Promise<void> {
    this.restoring ??= (async () => {
      this.state = await this.readState();
      await this.readKept();
      if (this.configured() && this.kept) await this.reverifyKept('start');
    })();
    return this.restoring;
  }

  /** Restores (if not done yet), then checks at once and starts polling. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.restore();
    this.configKey = this.currentConfigKey();
    this.unsubscribe.push(
      this.o.settings.onChange(() => this.settingsChanged()),
      this.o.calls.onChange(() => this.callsChanged()),
    );
    await this.check('start');
  }

  stop(): void {
    this.stopped = true;
    this.clearPoll();
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    this.again?.resolve();
    this.again = undefined;
  }

  /** Checks now (or right after the check in progress); resolves with the status once that check is done. */
  async check(trigger: CheckTrigger): Promise<ProfileStatus> {
    if (this.stopped || !this.started) return this.status();
    if (!this.running) {
      this.running = this.drive(trigger);
      await this.running;
      return this.status();
    }
    if (!this.again) {
      let resolve!: () => void;
      const done = new Promise<void>((r) => (resolve = r));
      this.again = { trigger, done, resolve };
    }
    await this.again.done;
    return this.status();
  }

  /** Runs checks until nobody asked for another one meanwhile. */
  private async drive(first: CheckTrigger): Promise<void> {
    let trigger = first;
    let answer: (() => void) | undefined;
    try {
      for (;;) {
        await this.checkOnce(trigger).catch((e: unknown) => {
          this.o.log.error('team profile check failed', { error: String(e) });
        });
        // Those who asked during the previous check are answered by this one.
        answer?.();
        const next = this.again;
        this.again = undefined;
        if (!next || this.stopped) {
          next?.resolve();
          return;
        }
        trigger = next.trigger;
        answer = next.resolve;
      }
    } finally {
      this.running = undefined;
      this.schedulePoll();
    }
  }

  private configured(): boolean {
    return this.o.settings.get('profile.url') !== '';
  }

  private async checkOnce(trigger: CheckTrigger): Promise<void> {
    this.clearPoll();
    const url = this.o.settings.get('profile.url');
    if (!url) {
      this.stopApplying();
      this.lastCheck = null;
      this.emitStatus();
      return;
    }
    // The kept document must still be valid now (expiry, trusted keys, team may have changed since).
    if (this.kept) await this.reverifyKept(trigger);
    const fetched = await (this.o.fetch ?? fetchProfile)(url, {
      maxBytes: this.o.maxBytes,
      ...(this.etag && this.good ? { etag: this.etag } : {}),
      ...(this.o.ca ? { ca: this.o.ca } : {}),
      ...(this.o.fetchDeadlineMs ? { deadlineMs: this.o.fetchDeadlineMs } : {}),
    });
    if (this.stopped) return;
    const at = this.o.clock.now();
    if (fetched.kind === 'unchanged') {
      this.lastCheck = { at, trigger, outcome: 'unchanged' };
    } else if (fetched.kind === 'failed') {
      this.o.log.warn('team profile could not be fetched', { problem: fetched.problem, detail: fetched.detail, url });
      this.lastCheck = { at, trigger, outcome: 'unreachable', problem: fetched.problem, detail: trim(fetched.detail) };
    } else if (fetched.kind === 'too-large') {
      this.refused(trigger, 'too-large', fetched.detail);
    } else if (this.kept && fetched.body.equals(this.kept)) {
      // The document we keep, again (a server without ETags, the first check after start): judged above already.
      if (this.good) {
        this.etag = fetched.etag;
        this.lastCheck = { at, trigger, outcome: 'unchanged' };
      } else if (this.keptRefusal) {
        this.refused(trigger, this.keptRefusal.refusal, this.keptRefusal.detail, this.keptRefusal.version);
      }
    } else {
      const outcome = await this.verify(fetched.body, { floor: true });
      if (this.stopped) return;
      if (!outcome.ok) {
        this.refused(trigger, outcome.refusal, outcome.detail, outcome.version);
      } else {
        await this.accept(fetched.body, outcome.profile, fetched.etag, trigger);
      }
    }
    await this.rememberLastCheck();
    this.emitStatus();
  }

  /** Keeps the outcome for IT's tools when it differs from the one kept (so a quiet poll writes nothing). */
  private async rememberLastCheck() {
    const lc = this.lastCheck;
    if (!lc || lc.outcome === 'unchanged') return;
    const gist = (c: LastCheck | undefined) =>
      c ? JSON.stringify([c.outcome, c.refusal, c.problem, c.detail, c.version]) : '';
    if (gist(lc) === gist(this.state.lastCheck)) return;
    this.state = { ...this.state, lastCheck: lc };
    await this.writeState().catch((e: unknown) => {
      this.o.log.warn('team profile state could not be written', { error: String(e) });
    });
  }

  /**
   * Judges the document kept on disk against today's settings and clock: valid, it is (or becomes) the profile in
   * force; no longer valid (expired, key no longer trusted, another team), it stops applying, with the reason.
   */
  private async reverifyKept(trigger: CheckTrigger) {
    const kept = this.kept;
    if (!kept) return;
    // Without the version floor: the kept document *is* the highest applied; compared below instead.
    const outcome = await this.verify(kept, { floor: false });
    const floor = outcome.ok ? this.highestFor(outcome.profile.identity.team) : undefined;
    if (outcome.ok && (floor === undefined || outcome.profile.identity.version >= floor)) {
      this.keptRefusal = undefined;
      const { identity, defaults, enforced } = outcome.profile;
      if (this.good?.jws !== kept) {
        this.good = { jws: kept, identity, layers: { defaults: { ...defaults }, enforced: { ...enforced } } };
      }
      // Also after IT set profile.url again: make sure the settings hold it.
      this.applyLayers();
      return;
    }
    const refusal: ProfileRefusal = outcome.ok ? 'rollback' : outcome.refusal;
    const detail = `the profile kept on disk: ${outcome.ok ? `version ${outcome.profile.identity.version} is older than ${floor}` : outcome.detail}`;
    const version = outcome.ok ? outcome.profile.identity.version : outcome.version;
    const told = this.keptRefusal?.refusal === refusal && this.keptRefusal.detail === detail;
    this.keptRefusal = { refusal, detail, ...(version !== undefined ? { version } : {}) };
    if (this.good || !told) {
      this.o.log.warn('team profile kept on disk no longer applies', { refusal, detail });
      this.lastCheck = { at: this.o.clock.now(), trigger, outcome: 'refused', refusal, detail: trim(detail) };
    }
    this.good = undefined;
    this.etag = undefined;
    this.stopApplying();
  }

  private async verify(doc: Buffer, o: { floor: boolean }): Promise<VerifyOutcome> {
    const team = this.followedTeam();
    const after = o.floor && team !== undefined ? this.highestFor(team) : undefined;
    return this.o.verify(new Uint8Array(doc), {
      trustedKeys: this.o.settings.get('profile.trustedKeys'),
      ...(team !== undefined ? { team } : {}),
      ...(after !== undefined ? { afterVersion: after } : {}),
      now: new Date(this.o.clock.now()),
    });
  }

  private followedTeam(): string | undefined {
    return this.o.settings.get('profile.team') || this.state.team || undefined;
  }

  private highestFor(team: string): number | undefined {
    return Object.prototype.hasOwnProperty.call(this.state.highest, team) ? this.state.highest[team] : undefined;
  }

  private refused(trigger: CheckTrigger, refusal: ProfileRefusal, detail: string, version?: number) {
    this.o.log.warn('team profile refused', { refusal, detail, ...(version !== undefined ? { version } : {}) });
    this.lastCheck = {
      at: this.o.clock.now(),
      trigger,
      outcome: 'refused',
      refusal,
      detail: trim(detail),
      ...(version !== undefined ? { version } : {}),
    };
  }

  private async accept(
    jws: Buffer,
    profile: { identity: ProfileIdentity; defaults: Record<string, unknown>; enforced: Record<string, unknown> },
    etag: string | undefined,
    trigger: CheckTrigger,
  ) {
    const before = this.good?.layers ?? emptyLayers;
    const layers = { defaults: { ...profile.defaults }, enforced: { ...profile.enforced } };
    const { identity } = profile;
    // The document first, then the state that names its version: a crash in between leaves a document newer than
    // the floor, which the next start accepts, never a floor above the only document we have.
    await writeFileAtomic(this.jwsFile, jws.toString('utf8'), 0o600);
    const at = this.o.clock.now();
    this.state = {
      highest: {
        ...this.state.highest,
        [identity.team]: Math.max(identity.version, this.highestFor(identity.team) ?? 0),
      },
      team: identity.team,
      appliedAt: at,
      changes: diffProfiles(this.good ? before : null, layers),
      lastCheck: { at, trigger, outcome: 'applied', version: identity.version },
    };
    await this.writeState();
    this.kept = jws;
    this.keptRefusal = undefined;
    this.good = { jws, identity, layers };
    this.etag = etag;
    this.o.log.info('team profile applied', {
      team: identity.team,
      version: identity.version,
      author: identity.author,
      keyId: identity.keyId,
      changes: this.state.changes?.length ?? 0,
    });
    this.applyLayers();
    this.lastCheck = { at, trigger, outcome: 'applied', version: identity.version };
  }

  /** Hands the good profile's layers to the settings, holding back keys that must wait for the live call. */
  private applyLayers() {
    const target = this.good?.layers ?? emptyLayers;
    const live = this.o.calls.live();
    const next: TeamLayers = { defaults: {}, enforced: {} };
    const pending = new Set<string>();
    for (const mode of ['defaults', 'enforced'] as const) {
      for (const [key, value] of Object.entries(target[mode])) {
        if (live && waitsForIdle(key) && !(key in this.inForce[mode] && sameValue(this.inForce[mode][key], value))) {
          pending.add(key);
          continue;
        }
        next[mode][key] = value;
      }
      // A key the profile drops keeps its old team value while the call lasts.
      for (const [key, value] of Object.entries(this.inForce[mode])) {
        if (live && waitsForIdle(key) && !(key in target[mode])) {
          next[mode][key] = value;
          pending.add(key);
        }
      }
    }
    // Keys held back in one mode stay as they were in both.
    for (const key of pending) {
      for (const mode of ['defaults', 'enforced'] as const) {
        delete next[mode][key];
        if (key in this.inForce[mode]) next[mode][key] = this.inForce[mode][key];
      }
    }
    const changed = changedKeys(this.inForce, next);
    this.inForce = next;
    this.pending = [...pending].sort();
    this.o.settings.setTeamLayers(next.defaults, next.enforced);
    if (changed.length) this.appliedEmitter.emit(changed);
  }

  private stopApplying() {
    this.pending = [];
    const changed = changedKeys(this.inForce, emptyLayers);
    this.inForce = emptyLayers;
    this.o.settings.setTeamLayers({}, {});
    if (changed.length) this.appliedEmitter.emit(changed);
  }

  private callsChanged() {
    if (this.pending.length === 0 || this.o.calls.live()) return;
    this.o.log.info('team profile: applying the values that waited for the call to end', { keys: this.pending });
    this.applyLayers();
    this.emitStatus();
  }

  private settingsChanged() {
    const key = this.currentConfigKey();
    if (key === this.configKey) return;
    this.configKey = key;
    this.keptRefusal = undefined;
    // New URL, keys, team or interval: what we knew about the server no longer counts.
    this.etag = undefined;
    ignore(this.check('manual'));
  }

  private currentConfigKey(): string {
    const s = this.o.settings;
    return JSON.stringify([
      s.get('profile.url'),
      s.get('profile.trustedKeys'),
      s.get('profile.team'),
      s.get('profile.pollSec'),
    ]);
  }

  private schedulePoll() {
    this.clearPoll();
    if (this.stopped || !this.configured()) return;
    const base = this.o.settings.get('profile.pollSec') * 1000;
    const jitter = 1 + ((this.o.random ?? Math.random)() * 0.4 - 0.2);
    const handle = this.o.clock.setTimeout(
      () => {
        this.pollTimer = undefined;
        ignore(this.check('poll'));
      },
      Math.round(base * jitter),
    );
    // A pending poll never keeps the process alive.
    (handle as { unref?: () => void } | undefined)?.unref?.();
    this.pollTimer = handle;
  }

  private clearPoll() {
    if (this.pollTimer !== undefined) this.o.clock.clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }

  private emitStatus() {
    this.statusEmitter.emit(this.status());
  }

  /** Reads the document kept from last time (judged by the first check, before it fetches anything). */
  private async readKept() {
    try {
      this.kept = await fs.readFile(this.jwsFile);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.o.log.warn('team profile kept on disk unreadable', { error: String(e) });
      }
    }
  }

  private async readState(): Promise<ClientState> {
    try {
      const raw = JSON.parse(await fs.readFile(this.stateFile, 'utf8')) as Partial<ClientState>;
      const highest: Record<string, number> = {};
      for (const [team, v] of Object.entries(raw.highest ?? {})) if (Number.isInteger(v)) highest[team] = v;
      return {
        highest,
        ...(typeof raw.team === 'string' ? { team: raw.team } : {}),
        ...(typeof raw.appliedAt === 'number' ? { appliedAt: raw.appliedAt } : {}),
        ...(Array.isArray(raw.changes) ? { changes: raw.changes.slice(0, 512) } : {}),
        ...(raw.lastCheck && typeof raw.lastCheck === 'object' ? { lastCheck: raw.lastCheck } : {}),
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.o.log.warn('team profile state unreadable; starting without it', { error: String(e) });
      }
      return { highest: {} };
    }
  }

  private async writeState() {
    await writeFileAtomic(this.stateFile, JSON.stringify(this.state, null, 2), 0o600);
  }
}

function changedKeys(a: TeamLayers, b: TeamLayers): string[] {
  return diffProfiles(a, b).map((c) => c.key);
}

function trim(detail: string): string {
  return detail.length > 500 ? `${detail.slice(0, 497)}...` : detail;
}

function ignore(p: Promise<unknown>) {
  p.catch(() => undefined);
}
