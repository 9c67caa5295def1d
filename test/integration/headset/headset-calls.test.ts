import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hexToBytes } from '@common/hid/report-descriptor';
import { startAgentCore, type AgentCore } from '../../support/agent-core';
import { FakeHid } from '../../support/fake-hid';
import { jabraDescriptor, jabraInfo } from '../../support/shared-headsets';
import { labAccount } from '../../support/lab-env';
import { SipParty, until } from '../../support/sip-party';

// A real Jabra descriptor behind a fake node-hid, an agent core registered to Kamailio, a SIP.js caller:
// headset buttons drive real calls and the call state drives the headset's lights.
const lab = inject('lab');
const a = labAccount(lab, 6);
const b = labAccount(lab, 2);
const hidPath = '/dev/hidraw7';
let hid: FakeHid;
let agent: AgentCore;
let far: SipParty;

beforeAll(async () => {
  hid = new FakeHid();
  hid.plug(jabraInfo(hidPath), jabraDescriptor());
  agent = await startAgentCore({ hid, account: { server: lab.ws, user: a.user, password: a.password } });
  await until(() => agent.core.headset?.view().connected === true, 5000, 'headset connected');
  far = await new SipParty({ server: lab.ws, aor: b.uri, user: b.user, password: b.password }).start();
}, 30_000);
afterAll(async () => {
  await far?.stop();
  await agent?.dispose();
});

const handle = () => hid.handles.get(hidPath)!;
const calls = () => agent.core.calls.snapshot().calls;

describe('headset and calls', () => {
  it('headset check: shows the device, every press as decoded, and lights on demand while idle', async () => {
    expect(await agent.core.handlers['headset.get']({})).toMatchObject({
      connected: true,
      product: 'Jabra EVOLVE LINK MS',
      status: { usable: true },
    });
    const seen: unknown[] = [];
    const conn = agent.core.connect((name, payload) => {
      if (name === 'headset.button') seen.push(payload);
    });
    // Idle: lights on demand.
    const idle = await agent.core.handlers['headset.testLights']({ lights: ['ring'] });
    expect(idle.ok).toBe(true);
    expect(handle().writes.at(-1)).toBe('020400');
    await agent.core.handlers['headset.testLights']({ lights: null });
    expect(handle().writes.at(-1)).toBe('020000');
    handle().send('020800');
    handle().send('020000'); // flash pulse while idle: shown, not acted on
    await until(() => seen.length > 0, 2000, 'button event');
    expect(seen[0]).toEqual({ usage: 'flash', value: 1 });
    conn.close();
  });

  it('a mute press with no call mutes nothing: the core refuses it and says so, once per press', async () => {
    const notices: unknown[] = [];
    const conn = agent.core.connect((name, payload) => {
      if (name === 'call.notice') notices.push(payload);
    });
    handle().send('020400');
    handle().send('020000');
    await until(() => notices.length > 0, 2000, 'on-hook notice');
    expect(notices).toEqual([{ code: 'mute-on-hook' }]);
    expect(agent.core.muteState.muted).toBe(false);
    expect(handle().writes.at(-1)).toBe('020000');
    conn.close();
  });

  it('opens the headset without seizing it, and rings it', async () => {
    expect(hid.opens).toEqual([{ path: hidPath, nonExclusive: true }]);
    far.call(`sip:${a.user}@${lab.domain}`);
    await until(() => calls().some((c) => c.state === 'ringing'), 5000, 'ringing');
    await until(() => handle().writes.at(-1) === '022400', 5000, 'Ring + Ringer lit');
  });

  it('refuses test lights during a call', async () => {
    expect(await agent.core.handlers['headset.testLights']({ lights: ['mute'] })).toEqual({ ok: false });
  });

  it('the hook button answers; Off-Hook replaces Ring; mute button mutes and lights Mute; hook again hangs up', async () => {
    handle().send('020100');
    await until(() => calls().some((c) => c.state === 'active'), 5000, 'answered from the headset');
    await until(() => handle().writes.at(-1) === '020100', 5000, 'Off-Hook lit, Ring cleared');
    handle().send('020100'); // the device's echo of our write changes nothing
    handle().send('020500');
    handle().send('020100');
    await until(() => agent.core.muteState.muted, 5000, 'muted from the headset');
    expect(agent.core.mute.snapshot()).toMatchObject({ muted: true, source: 'headset' });
    await until(() => handle().writes.at(-1) === '021300', 5000, 'Mute + Microphone lit');
    handle().send('020000');
    await until(() => calls().every((c) => c.state === 'ended'), 5000, 'hung up from the headset');
    await until(() => handle().writes.at(-1) === '020000', 5000, 'lights off');
  });

  it('an unplugged headset is followed, and its lights are restored on reconnect; calls do not care', async () => {
    far.call(`sip:${a.user}@${lab.domain}`);
    await until(() => calls().some((c) => c.state === 'ringing'), 5000, 'ringing');
    const id = calls().find((c) => c.state === 'ringing')!.id;
    hid.unplug(hidPath);
    await agent.core.headset!.scan();
    expect(agent.core.headset!.view().connected).toBe(false);
    await agent.core.handlers['call.answer']({ callId: id });
    await until(() => calls().some((c) => c.state === 'active'), 5000, 'answered on screen');
    hid.plug(jabraInfo(hidPath), jabraDescriptor());
    await agent.core.headset!.scan();
    await until(() => handle()?.writes.includes('020100'), 5000, 'Off-Hook restored on the new handle');
    await agent.core.handlers['call.hangup']({ callId: id });
    expect(hexToBytes('020100')).toHaveLength(3);
  });
});
