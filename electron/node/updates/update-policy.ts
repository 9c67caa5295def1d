import type { Clock } from '@common/clock';
import { ignorePromise } from '@common/ignore-promise';
import type { Settings } from '@common/settings/schema';
import type { Logger } from '../log';

/**
 * Update control, decided by IT alone (`updates.mode`, `updates.url` are policy-only settings, default off): what
 * the app does about updates, and when. The Electron shell (electron/main/updater.ts) only carries it out through
 * electron-updater. The one promise kept here: an update never restarts the app while a call is live or after-call
 * work is running, nor in the first quiet minutes after them (the next call is often seconds away).
 */
export interface UpdateSettings {
  mode: Settings['updates.mode'];
  url: Settings['updates.url'];
}

/** What the agent is doing, as far as a restart is concerned. */
export interface AgentActivity {
  callLive: boolean;
  acwRunning: boolean;
}

export type UpdateDecision =
  | { action: 'nothing'; reason: 'updates-off' }
  | { action: 'notify'; version: string }
  | { action: 'install-when-idle'; version: string };

export const isBusy = (a: AgentActivity): boolean => a.callLive || a.acwRunning;

/** An update was downloaded: what to do about it (the moment to install is the controller's business). */
export function decideOnDownloaded(settings: UpdateSettings, version: string): UpdateDecision {
  switch (settings.mode) {
    case 'off':
      return { action: 'nothing', reason: 'updates-off' };
    case 'notify':
      return { action: 'notify', version };
    case 'auto':
      return { action: 'install-when-idle', version };
  }
}

/** May a restart happen now? Only in auto mode, with an update waiting, and nothing going on. */
export function mayRestart(settings: UpdateSettings, activity: AgentActivity, pending: string | undefined): boolean {
  return settings.mode === 'auto' && pending !== undefined && !isBusy(activity);
}

/**
 * How electron-updater is set up for these settings: which feed (the policy's mirror, or the feed built into the
 * app when the policy names none), whether it downloads, and whether a downloaded update installs when the agent
 * quits the app (their own restart; in notify mode that is how the update lands).
 */
export interface FeedSetup {
  check: boolean;
  /** Undefined: the feed the build wrote into the app. */
  url?: string;
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
}

export function feedSetup(settings: UpdateSettings): FeedSetup {
  if (settings.mode === 'off') return { check: false, autoDownload: false, autoInstallOnAppQuit: false };
  // The schema admits https:// or '' only; checked again because a feed is code the app will run.
  const url = /^https:\/\//.test(settings.url) ? settings.url : undefined;
  return { check: true, ...(url ? { url } : {}), autoDownload: true, autoInstallOnAppQuit: true };
}

/** What the controller drives: electron-updater and the notice, in the Electron shell. */
export interface UpdaterPort {
  configure(setup: FeedSetup): void;
  /** Looks for an update and downloads it (`autoDownload`); `downloaded()` is called when one is ready. */
  check(): Promise<void>;
  /** Quits and installs the downloaded update, restarting the app. */
  install(): void;
  /** Tells the agent an update is ready and lands when they next quit the app. */
  notify(version: string): void;
}

/** What the agent is doing now (a live call, after-call work), and changes of it. */
export interface ActivitySignal {
  current(): AgentActivity;
  onChange(listener: (activity: AgentActivity) => void): () => void;
}

export interface UpdateControllerOptions {
  updater: UpdaterPort;
  activity: ActivitySignal;
  clock: Clock;
  log: Logger;
  /** First check after start-up, then every checkEveryMs. */
  firstCheckMs?: number;
  checkEveryMs?: number;
  /** Idle this long (no call, no after-call work) before an automatic restart. */
  quietMs?: number;
}

const minute = 60_000;

/**
 * Applies the update policy over time: configures the feed, checks periodically while updates are on, notifies
 * once per version in notify mode, and in auto mode restarts only after `quietMs` without a call or after-call work
 * (re-checked when the timer fires). A settings change applies at once: off stops checks and any pending restart.
 */
export class UpdateController {
  private settings: UpdateSettings = { mode: 'off', url: '' };
  private pending: string | undefined;
  private notified: string | undefined;
  private checkTimer: unknown;
  private quietTimer: unknown;
  private stopBusy: (() => void) | undefined;
  private readonly firstCheckMs: number;
  private readonly checkEveryMs: number;
  private readonly quietMs: number;

  constructor(private readonly o: UpdateControllerOptions) {
    this.firstCheckMs = o.firstCheckMs ?? 2 * minute;
    this.checkEveryMs = o.checkEveryMs ?? 4 * 60 * minute;
    this.quietMs = o.quietMs ?? 2 * minute;
  }

  start(settings: UpdateSettings): void {
    this.stopBusy = this.o.activity.onChange(() => this.armRestart());
    this.apply(settings, this.firstCheckMs);
  }

  stop(): void {
    this.stopBusy?.();
    this.cancel('checkTimer');
    this.cancel('quietTimer');
  }

  settingsChanged(settings: UpdateSettings): void {
    if (settings.mode === this.settings.mode && settings.url === this.settings.url) return;
    this.apply(settings, this.firstCheckMs);
  }

  /** electron-updater downloaded `version`. */
  downloaded(version: string): void {
    const decision = decideOnDownloaded(this.settings, version);
    this.o.log.info('update downloaded', { version, action: decision.action });
    if (decision.action === 'notify' && this.notified !== version) {
      this.notified = version;
      this.o.updater.notify(version);
    }
    if (decision.action === 'install-when-idle') {
      this.pending = version;
      this.armRestart();
    }
  }

  /** For tests and the log: the version waiting for a quiet moment, if any. */
  pendingVersion(): string | undefined {
    return this.pending;
  }

  private apply(settings: UpdateSettings, firstCheckMs: number): void {
    this.settings = { ...settings };
    const setup = feedSetup(this.settings);
    this.o.updater.configure(setup);
    this.cancel('checkTimer');
    if (!setup.check) {
      // Off (or turned off): nothing restarts the app, and nothing installs at quit (configure said so).
      this.pending = undefined;
      this.cancel('quietTimer');
      return;
    }
    if (this.settings.mode !== 'auto') this.cancel('quietTimer');
    this.scheduleCheck(firstCheckMs);
    this.armRestart();
  }

  private scheduleCheck(ms: number): void {
    this.checkTimer = this.o.clock.setTimeout(() => {
      this.checkTimer = undefined;
      ignorePromise(this.o.updater.check(), (err) => this.o.log.warn('update check failed', { detail: String(err) }));
      this.scheduleCheck(this.checkEveryMs);
    }, ms);
  }

  /** (Re)starts the quiet period when a restart is wanted and the agent is idle; a busy agent cancels it. */
  private armRestart(): void {
    if (!mayRestart(this.settings, this.o.activity.current(), this.pending)) {
      this.cancel('quietTimer');
      return;
    }
    if (this.quietTimer !== undefined) return;
    this.quietTimer = this.o.clock.setTimeout(() => {
      this.quietTimer = undefined;
      // Decided again at the last moment: a call may have started in the same tick as the timer.
      if (!mayRestart(this.settings, this.o.activity.current(), this.pending)) return;
      this.o.log.info('installing update', { version: this.pending });
      this.o.updater.install();
    }, this.quietMs);
  }

  private cancel(timer: 'checkTimer' | 'quietTimer'): void {
    if (this[timer] !== undefined) this.o.clock.clearTimeout(this[timer]);
    this[timer] = undefined;
  }
}
