import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallView } from '@common/contract/calls';
import { MuteWatch, ringingStartDelayMs } from '../../../renderer/src/media/mute-watch';
import { fakeBridge, type FakeBridge } from '../../support/fake-bridge';
import { installFakeMedia, type FakeMediaDevices } from '../../support/fake-media-devices';
import { callView, callsSnapshot } from '../../support/views';

// When the talking-while-muted analysis opens its own microphone: with the call's media prepared while it rings,
// already at the ring (so nothing of it is on the answer's path); otherwise only once the call is in conversation;
// never after the call is gone.
let fake: ReturnType<typeof installFakeMedia>;
let md: FakeMediaDevices;
let bridge: FakeBridge;
let watch: MuteWatch;
let prepare: boolean;

beforeEach(() => {
  fake = installFakeMedia();
  md = fake.devices;
  md.devices = [{ deviceId: 'mic', label: 'Microphone', kind: 'audioinput', groupId: 'mic' }];
  bridge = fakeBridge();
  prepare = true;
  watch = new MuteWatch({
    client: bridge.client,
    on: bridge.on,
    doc: document,
    media: { activeMedia: () => undefined, appliedMuted: () => false },
    microphoneId: () => undefined,
    speakerId: async () => undefined,
    setting: <T>(key: string) => (key === 'calls.prepareWhileRinging' ? (prepare as T) : undefined),
  });
  watch.start();
});
afterEach(() => {
  watch.stop();
  fake.uninstall();
});

const settle = () => new Promise((r) => setTimeout(r, 10));
const afterRingStart = async () => {
  await new Promise((r) => setTimeout(r, ringingStartDelayMs + 20));
  await settle();
};
const show = async (...calls: CallView[]) => {
  bridge.emit('calls', callsSnapshot(...calls));
  await settle();
};
/** Microphones the analysis opened (raw: no echo cancelling), and how many of them are still live. */
const analysisMics = () =>
  md.constraints
    .map((c, i) => ({ c, track: md.tracks[i]! }))
    .filter(({ c }) => typeof c.audio === 'object' && c.audio.echoCancellation === false);
const live = () => analysisMics().filter(({ track }) => track.readyState === 'live').length;

describe('the analysis microphone and the ring', () => {
  it('opens while the call rings when its media is prepared then, and keeps running into the call', async () => {
    await show(callView('c1', { state: 'ringing' }));
    // Not in the task that shows the ring: just after it.
    expect(analysisMics()).toHaveLength(0);
    await afterRingStart();
    expect(analysisMics()).toHaveLength(1);
    expect(watch.analysis.snapshot().running).toBe(true);
    await show(callView('c1', { state: 'active' }));
    // The same microphone: nothing is opened at the answer.
    expect(analysisMics()).toHaveLength(1);
    expect(live()).toBe(1);
    await show(callView('c1', { state: 'ended' }));
    expect(live()).toBe(0);
  });

  it('closes when the call stops ringing unanswered', async () => {
    await show(callView('c1', { state: 'ringing' }));
    await afterRingStart();
    expect(live()).toBe(1);
    await show(callView('c1', { state: 'ended' }));
    expect(live()).toBe(0);
    expect(watch.analysis.snapshot().running).toBe(false);
  });

  it('opens nothing for a call that stopped ringing before the analysis was due', async () => {
    await show(callView('c1', { state: 'ringing' }));
    await show(callView('c1', { state: 'ended' }));
    await afterRingStart();
    expect(analysisMics()).toHaveLength(0);
  });

  it('with calls.prepareWhileRinging off, opens nothing while the call rings, only once it is answered', async () => {
    prepare = false;
    await show(callView('c1', { state: 'ringing' }));
    expect(analysisMics()).toHaveLength(0);
    await show(callView('c1', { state: 'active' }));
    expect(analysisMics()).toHaveLength(1);
    expect(live()).toBe(1);
  });
});
