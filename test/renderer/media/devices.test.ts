import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallsSnapshot } from '@common/contract/calls';
import { choiceOf, nextMicrophone, pickDevice } from '../../../renderer/src/media/device-choice';
import { routeOutput, switchMicrophone, type SinkElement } from '../../../renderer/src/media/device-routing';
import { MediaHost, type AudioPrefs } from '../../../renderer/src/media/media-host';
import { Ringer } from '../../../renderer/src/media/ringer';
import { fakeBridge } from '../../support/fake-bridge';
import {
  FakeAudioContext,
  FakeSender,
  installFakeMedia,
  sinkCalls,
  type FakeMediaDevices,
  type FakeStream,
  type FakeTrack,
} from '../../support/fake-media-devices';
import { callView, callsSnapshot } from '../../support/views';

const laptopMic = { deviceId: 'mic-laptop', label: 'Built-in Microphone', kind: 'audioinput' as const };
const defaultMic = { deviceId: 'default', label: 'Default - Built-in Microphone', kind: 'audioinput' as const };
const jabraMic = { deviceId: 'mic-jabra-1', label: 'Jabra Evolve2 40 Mono', kind: 'audioinput' as const };
const jabraOut = { deviceId: 'out-jabra-1', label: 'Jabra Evolve2 40 Mono', kind: 'audiooutput' as const };
const speakers = { deviceId: 'out-speakers', label: 'Built-in Speakers', kind: 'audiooutput' as const };

let fake: ReturnType<typeof installFakeMedia>;
let md: FakeMediaDevices;
beforeEach(() => {
  fake = installFakeMedia();
  md = fake.devices;
  md.devices = [defaultMic, laptopMic, speakers].map((d) => ({ ...d, groupId: d.deviceId }));
});
afterEach(() => {
  fake.uninstall();
  document.body.innerHTML = '';
});
const settle = () => new Promise((r) => setTimeout(r, 20));

describe('device choices remembered by id and label', () => {
  it('finds the device by id, else by label (ids change across reboots), of the right kind only', () => {
    const list = [laptopMic, { ...jabraMic, deviceId: 'mic-jabra-2' }, jabraOut];
    expect(pickDevice(list, 'audioinput', { id: 'mic-laptop', label: 'whatever' })).toBe('mic-laptop');
    expect(pickDevice(list, 'audioinput', { id: 'mic-jabra-1', label: 'Jabra Evolve2 40 Mono' })).toBe('mic-jabra-2');
    expect(pickDevice(list, 'audiooutput', { id: 'mic-jabra-1', label: 'Jabra Evolve2 40 Mono' })).toBe('out-jabra-1');
    expect(pickDevice(list, 'audioinput', { id: 'gone', label: 'Gone' })).toBeUndefined();
    expect(pickDevice([{ ...laptopMic, label: '' }], 'audioinput', { id: 'x', label: '' })).toBeUndefined();
    expect(pickDevice(list, 'audioinput', null)).toBeUndefined();
  });
  it('remembers what the agent picked with its label; the default is remembered as no choice', () => {
    expect(choiceOf([jabraMic, laptopMic], 'audioinput', 'mic-jabra-1')).toEqual({
      id: 'mic-jabra-1',
      label: 'Jabra Evolve2 40 Mono',
    });
    expect(choiceOf([defaultMic], 'audioinput', 'default')).toBeNull();
    expect(choiceOf([jabraMic], 'audiooutput', 'mic-jabra-1')).toBeNull();
  });
  it('picks the next microphone: the choice, else the working current one, else the default', () => {
    const list = [defaultMic, laptopMic, jabraMic];
    const jabra = { id: 'mic-jabra-1', label: jabraMic.label };
    expect(nextMicrophone(list, jabra, { deviceId: 'mic-laptop', live: true })).toBe('mic-jabra-1');
    expect(nextMicrophone(list, jabra, { deviceId: 'mic-jabra-1', live: true })).toBeUndefined();
    // The chosen headset is unplugged: keep a working microphone, or fall back to the default when it died.
    expect(nextMicrophone([defaultMic, laptopMic], jabra, { deviceId: 'mic-laptop', live: true })).toBeUndefined();
    expect(nextMicrophone([defaultMic, laptopMic], jabra, { deviceId: 'mic-jabra-1', live: false })).toBe('default');
    expect(nextMicrophone([laptopMic], null, { deviceId: 'mic-jabra-1', live: false })).toBe('mic-laptop');
    expect(nextMicrophone([], null, { deviceId: 'mic-jabra-1', live: false })).toBeUndefined();
  });
});

describe('outputs', () => {
  it('plays on the chosen output, found by label after its id changed, and on the default when it is gone', async () => {
    md.devices.push({ ...jabraOut, deviceId: 'out-jabra-2', groupId: 'g' });
    const el = document.createElement('audio') as SinkElement;
    expect(await routeOutput(el, await md.enumerateDevices(), { id: 'out-jabra-1', label: jabraOut.label })).toBe(
      'out-jabra-2',
    );
    md.unplug('out-jabra-2');
    expect(await routeOutput(el, await md.enumerateDevices(), { id: 'out-jabra-1', label: jabraOut.label })).toBe('');
    expect(await routeOutput(el, await md.enumerateDevices(), null)).toBe('');
    // Asked only when it changes.
    expect(sinkCalls.get(el)).toEqual(['out-jabra-2', '']);
  });
});

describe('microphone switch mid-call', () => {
  async function callOn(deviceId: string, enabled = true) {
    const stream = await md.getUserMedia({ audio: { deviceId: { exact: deviceId } } });
    const track = stream.getAudioTracks()[0] as unknown as FakeTrack;
    track.enabled = enabled;
    return { sender: new FakeSender(track), local: stream as unknown as FakeStream, track };
  }
  const run = async (
    c: { sender: FakeSender; local: FakeStream },
    choice: { id: string; label: string } | null,
    enabled = true,
  ) =>
    switchMicrophone({
      sender: c.sender as unknown as RTCRtpSender,
      local: c.local as unknown as MediaStream,
      devices: await md.enumerateDevices(),
      choice,
      getUserMedia: (x) => md.getUserMedia(x),
      enabled,
    });

  it('replaces the sender track in place, keeping mute, and updates the local stream', async () => {
    md.plug({ ...jabraMic });
    const c = await callOn('mic-laptop', false);
    expect(await run(c, { id: jabraMic.deviceId, label: jabraMic.label }, false)).toBe('mic-jabra-1');
    expect(c.sender.replaced.map((t) => t.deviceId)).toEqual(['mic-jabra-1']);
    expect(c.sender.track?.enabled).toBe(false);
    expect(c.track.readyState).toBe('ended');
    expect(c.local.getAudioTracks().map((t) => t.deviceId)).toEqual(['mic-jabra-1']);
    // Already there: nothing to do.
    expect(await run(c, { id: jabraMic.deviceId, label: jabraMic.label }, false)).toBeUndefined();
    expect(c.sender.replaced).toHaveLength(1);
  });

  it('an unplugged headset falls back to the default; plugged back (new id, same label) it takes over again', async () => {
    md.plug({ ...jabraMic });
    const choice = { id: jabraMic.deviceId, label: jabraMic.label };
    const c = await callOn('mic-jabra-1');
    md.unplug('mic-jabra-1');
    expect(await run(c, choice)).toBe('default');
    md.plug({ ...jabraMic, deviceId: 'mic-jabra-7' });
    expect(await run(c, choice)).toBe('mic-jabra-7');
    expect(c.sender.replaced.map((t) => t.deviceId)).toEqual(['default', 'mic-jabra-7']);
    expect(c.sender.track?.enabled).toBe(true);
  });
});

describe('ringer', () => {
  const jabra = { id: jabraOut.deviceId, label: jabraOut.label };
  const ringing = () =>
    [...document.querySelectorAll<HTMLAudioElement>('audio[data-ringer]')].map((e) => e.dataset.ringer);

  it('rings on the chosen device, and on the speakers as well when asked', async () => {
    md.plug({ ...jabraOut });
    const r = new Ringer(document);
    await r.start(jabra, true);
    expect(ringing()).toEqual(['out-jabra-1', 'default']);
    r.stop();
    expect(ringing()).toEqual([]);
    await r.start(jabra, false);
    expect(ringing()).toEqual(['out-jabra-1']);
    r.stop();
  });

  it('rings on the default output when the ringer is not plugged, once, even with speakers asked', async () => {
    const r = new Ringer(document);
    await r.start(jabra, true);
    expect(ringing()).toEqual(['default']);
    expect(r.sinks()).toEqual(['']);
    r.stop();
  });

  it('keeps one tone generator across rings, suspended and silent between them, closed with the page', async () => {
    const created = FakeAudioContext.created;
    const closed = FakeAudioContext.closed;
    const r = new Ringer(document);
    await r.start(null, false);
    r.stop();
    const ctx = (r as unknown as { tone: { ctx: FakeAudioContext; gain: { gain: { value: number } } } }).tone;
    expect(ctx.ctx.state).toBe('suspended');
    expect(ctx.gain.gain.value).toBe(0);
    await r.start(null, false);
    expect(ctx.ctx.state).toBe('running');
    expect(ringing()).toEqual(['default']);
    r.stop();
    expect(FakeAudioContext.created - created).toBe(1);
    r.dispose();
    expect(FakeAudioContext.closed - closed).toBe(1);
  });

  it('stopped while it was still listing devices, it rings nowhere', async () => {
    md.plug({ ...jabraOut });
    const r = new Ringer(document);
    const started = r.start(jabra, true);
    r.stop();
    await started;
    expect(ringing()).toEqual([]);
    expect(r.ringing).toBe(false);
  });
});

describe('media host follows plug, unplug and new choices', () => {
  const snapshot = (state: 'ringing' | 'ended'): CallsSnapshot =>
    callsSnapshot(callView('c1', { state, remote: { name: 'Ana', number: '2002' }, startedAt: 1 }));
  it('moves a ring to a headset plugged in mid-ring, back to the default when unplugged, and to a newly chosen ringer', async () => {
    const bridge = fakeBridge();
    let prefs: AudioPrefs = {
      microphone: null,
      speaker: null,
      ringer: { id: jabraOut.deviceId, label: jabraOut.label },
      ringOnSpeakers: false,
      volume: 100,
    };
    const host = new MediaHost({
      client: bridge.client,
      on: bridge.on,
      doc: document,
      prefs: () => prefs,
      statsIntervalMs: 60_000,
    });
    await host.start();
    const ringing = () =>
      [...document.querySelectorAll<HTMLAudioElement>('audio[data-ringer]')].map((e) => e.dataset.ringer);
    bridge.emit('calls', snapshot('ringing'));
    await settle();
    expect(ringing()).toEqual(['default']);
    md.plug({ ...jabraOut });
    await settle();
    expect(ringing()).toEqual(['out-jabra-1']);
    md.unplug('out-jabra-1');
    await settle();
    expect(ringing()).toEqual(['default']);
    md.plug({ ...jabraOut, deviceId: 'out-jabra-2' }, { ...jabraMic });
    await settle();
    expect(ringing()).toEqual(['out-jabra-2']);
    // The agent picks the speakers as ringer, with ring-on-speakers too, in settings.
    prefs = { ...prefs, ringer: { id: speakers.deviceId, label: speakers.label }, ringOnSpeakers: true };
    bridge.emit('settings', await bridge.client['settings.get']({}));
    await settle();
    expect(ringing()).toEqual(['out-speakers', 'default']);
    bridge.emit('calls', snapshot('ended'));
    await settle();
    expect(ringing()).toEqual([]);
    host.stop();
  });
});
