import { describe, expect, it } from 'vitest';
import type { CallView } from '@common/contract/calls';
import { settingsSchema } from '@common/settings/schema';
import { silentLogger } from '../../../../electron/node/log';
import { AgentActivityTracker } from '../../../../electron/node/updates/agent-activity';
import {
  decideOnDownloaded,
  feedSetup,
  mayRestart,
  UpdateController,
  type FeedSetup,
  type UpdateSettings,
  type UpdaterPort,
} from '../../../../electron/node/updates/update-policy';
import { FakeClock } from '../../../support/fake-clock';

const minute = 60_000;
const idle = { callLive: false, acwRunning: false };

describe('update policy: the decisions', () => {
  it("is IT's alone and off unless a policy turns it on", () => {
    for (const key of ['updates.mode', 'updates.url'] as const) {
      expect(settingsSchema[key]).toMatchObject({ policy: true, profile: false, user: false });
    }
    expect(settingsSchema['updates.mode'].default).toBe('off');
  });

  it('maps a downloaded update to nothing, a notice, or an install when idle', () => {
    expect(decideOnDownloaded({ mode: 'off', url: '' }, '1.2.0')).toEqual({ action: 'nothing', reason: 'updates-off' });
    expect(decideOnDownloaded({ mode: 'notify', url: '' }, '1.2.0')).toEqual({ action: 'notify', version: '1.2.0' });
    expect(decideOnDownloaded({ mode: 'auto', url: '' }, '1.2.0')).toEqual({
      action: 'install-when-idle',
      version: '1.2.0',
    });
  });

  it('never allows a restart during a call or after-call work, nor outside auto mode', () => {
    const auto: UpdateSettings = { mode: 'auto', url: '' };
    expect(mayRestart(auto, idle, '1.2.0')).toBe(true);
    expect(mayRestart(auto, { callLive: true, acwRunning: false }, '1.2.0')).toBe(false);
    expect(mayRestart(auto, { callLive: false, acwRunning: true }, '1.2.0')).toBe(false);
    expect(mayRestart(auto, idle, undefined)).toBe(false);
    expect(mayRestart({ mode: 'notify', url: '' }, idle, '1.2.0')).toBe(false);
    expect(mayRestart({ mode: 'off', url: '' }, idle, '1.2.0')).toBe(false);
  });

  it('sets the feed up: nothing when off, the policy mirror when named, https only', () => {
    expect(feedSetup({ mode: 'off', url: 'https://mirror.example/diadema/' })).toEqual({
      check: false,
      autoDownload: false,
      autoInstallOnAppQuit: false,
    });
    expect(feedSetup({ mode: 'notify', url: 'https://mirror.example/diadema/' })).toEqual({
      check: true,
      url: 'https://mirror.example/diadema/',
      autoDownload: true,
      autoInstallOnAppQuit: true,
    });
    expect(feedSetup({ mode: 'auto', url: '' })).toEqual({
      check: true,
      autoDownload: true,
      autoInstallOnAppQuit: true,
    });
    expect(feedSetup({ mode: 'auto', url: 'http://mirror.example/' })).not.toHaveProperty('url');
  });
});

class FakeUpdater implements UpdaterPort {
  readonly setups: FeedSetup[] = [];
  checks = 0;
  installs = 0;
  readonly notices: string[] = [];
  configure(setup: FeedSetup): void {
    this.setups.push(setup);
  }
  check(): Promise<void> {
    this.checks++;
    return Promise.resolve();
  }
  install(): void {
    this.installs++;
  }
  notify(version: string): void {
    this.notices.push(version);
  }
}

function setup(settings: UpdateSettings) {
  const clock = new FakeClock();
  const updater = new FakeUpdater();
  const activity = new AgentActivityTracker();
  const controller = new UpdateController({
    updater,
    activity,
    clock,
    log: silentLogger,
    firstCheckMs: minute,
    checkEveryMs: 60 * minute,
    quietMs: 2 * minute,
  });
  controller.start(settings);
  const call = (state: CallView['state']) => activity.onCalls({ calls: [{ state } as CallView] });
  const noCalls = () => activity.onCalls({ calls: [] });
  const agent = (state: 'available' | 'acw') => activity.onAgent({ state, since: 0, degraded: false });
  return { clock, updater, controller, call, noCalls, agent };
}

describe('update controller (fake clock)', () => {
  it('off: never checks, never installs, even when an update turns up', async () => {
    const { clock, updater, controller } = setup({ mode: 'off', url: '' });
    expect(updater.setups).toEqual([{ check: false, autoDownload: false, autoInstallOnAppQuit: false }]);
    expect(clock.pending()).toEqual([]);
    controller.downloaded('1.2.0');
    expect(clock.pending()).toEqual([]);
    expect(updater.installs + updater.notices.length).toBe(0);
    await Promise.resolve();
    expect(updater.checks).toBe(0);
  });

  it('checks after start-up, then periodically', async () => {
    const { clock, updater } = setup({ mode: 'notify', url: 'https://mirror.example/' });
    expect(await clock.fireNext()).toBe(minute);
    expect(updater.checks).toBe(1);
    expect(await clock.fireNext()).toBe(60 * minute);
    expect(updater.checks).toBe(2);
  });

  it('notify: tells the agent once per version and never restarts', async () => {
    const { clock, updater, controller } = setup({ mode: 'notify', url: '' });
    controller.downloaded('1.2.0');
    controller.downloaded('1.2.0');
    controller.downloaded('1.3.0');
    expect(updater.notices).toEqual(['1.2.0', '1.3.0']);
    expect(clock.pending()).toEqual([minute]); // only the check timer
    await clock.fireNext();
    expect(updater.installs).toBe(0);
  });

  it('auto: restarts after a quiet period with no call and no after-call work', async () => {
    const { clock, updater, controller } = setup({ mode: 'auto', url: '' });
    controller.downloaded('1.2.0');
    expect(clock.pending()).toEqual([minute, 2 * minute]);
    await clock.fireNext(); // the check
    expect(await clock.fireNext()).toBe(minute); // the rest of the quiet period
    expect(updater.installs).toBe(1);
  });

  it('auto: waits through a call and the after-call work after it, restarts once both are over', async () => {
    const { clock, updater, controller, call, noCalls, agent } = setup({ mode: 'auto', url: '' });
    call('active');
    controller.downloaded('1.2.0');
    expect(clock.pending()).toEqual([minute]); // no quiet timer while the call is live
    await clock.fireNext();
    call('ended');
    agent('acw'); // the call ends into after-call work: still busy
    expect(clock.pending()).toEqual([60 * minute]);
    noCalls();
    expect(clock.pending()).toEqual([60 * minute]);
    agent('available');
    expect(clock.pending()).toEqual([2 * minute, 60 * minute]);
    expect(await clock.fireNext()).toBe(2 * minute);
    expect(updater.installs).toBe(1);
  });

  it('auto: a call during the quiet period cancels the restart; the wait starts again after it', async () => {
    const { clock, updater, controller, call, noCalls } = setup({ mode: 'auto', url: '' });
    controller.downloaded('1.2.0');
    clock.skip(30_000);
    call('ringing');
    expect(clock.pending()).toEqual([30_000]); // the check only
    await clock.fireNext();
    noCalls();
    expect(clock.pending()[0]).toBe(2 * minute);
    clock.skip(minute);
    call('dialing');
    noCalls();
    expect(clock.pending()[0]).toBe(2 * minute); // restarted in full
    await clock.fireNext();
    expect(updater.installs).toBe(1);
  });

  it('auto: a call starting in the same tick as the quiet timer still prevents the restart', async () => {
    const clock = new FakeClock();
    const updater = new FakeUpdater();
    let busy = false;
    const activity = { current: () => ({ callLive: busy, acwRunning: false }), onChange: () => () => undefined };
    const controller = new UpdateController({
      updater,
      activity,
      clock,
      log: silentLogger,
      firstCheckMs: 10 * minute,
      quietMs: minute,
    });
    controller.start({ mode: 'auto', url: '' });
    controller.downloaded('1.2.0');
    busy = true; // no change event yet
    await clock.fireNext();
    expect(updater.installs).toBe(0);
    expect(controller.pendingVersion()).toBe('1.2.0');
  });

  it('updates turned off drop the pending restart and the checks at once; turned on, they resume', async () => {
    const { clock, updater, controller } = setup({ mode: 'auto', url: '' });
    controller.downloaded('1.2.0');
    controller.settingsChanged({ mode: 'off', url: '' });
    expect(clock.pending()).toEqual([]);
    expect(updater.setups.at(-1)).toEqual({ check: false, autoDownload: false, autoInstallOnAppQuit: false });
    expect(controller.pendingVersion()).toBeUndefined();
    controller.settingsChanged({ mode: 'notify', url: 'https://mirror.example/' });
    expect(updater.setups.at(-1)).toMatchObject({ check: true, url: 'https://mirror.example/' });
    expect(clock.pending()).toEqual([minute]);
    await clock.fireNext();
    expect(updater.installs).toBe(0);
  });

  it('auto turned into notify cancels a restart already waiting for quiet', () => {
    const { clock, controller } = setup({ mode: 'auto', url: '' });
    controller.downloaded('1.2.0');
    expect(clock.pending()).toEqual([minute, 2 * minute]);
    controller.settingsChanged({ mode: 'notify', url: '' });
    expect(clock.pending()).toEqual([minute]);
  });

  it('stop() leaves no timer behind', () => {
    const { clock, controller } = setup({ mode: 'auto', url: '' });
    controller.downloaded('1.2.0');
    controller.stop();
    expect(clock.pending()).toEqual([]);
  });
});

describe("activity from the core's events", () => {
  it('is busy with any call not ended and during after-call work, and reports changes only', () => {
    const activity = new AgentActivityTracker();
    const seen: unknown[] = [];
    activity.onChange((a) => seen.push(a));
    activity.onCalls({ calls: [{ state: 'ringing' } as CallView] });
    activity.onCalls({ calls: [{ state: 'held' } as CallView] });
    activity.onCalls({ calls: [{ state: 'ended' } as CallView] });
    activity.onAgent({ state: 'acw', since: 0, degraded: false });
    activity.onAgent({ state: 'available', since: 0, degraded: false });
    expect(seen).toEqual([
      { callLive: true, acwRunning: false },
      { callLive: false, acwRunning: false },
      { callLive: false, acwRunning: true },
      { callLive: false, acwRunning: false },
    ]);
  });
});
