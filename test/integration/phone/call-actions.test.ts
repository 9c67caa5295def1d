import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dispatchCall } from '@common/contract/dispatch';
import { labAccount } from '../../support/lab-env';
import type { AgentCore } from '../../support/agent-core';
import { labAgent, labParty } from '../../support/lab-parties';
import { until, type SipParty } from '../../support/sip-party';
import { sdpDirection } from '../../support/fake-sdp';

// The keyboard shortcuts' contract call (`call.action`) on a real call through the lab's Kamailio: the core finds
// the call each action concerns, as it does for the headset buttons (both go through CallActions).
const lab = inject('lab');
const agentAccount = labAccount(lab, 4);

let agent: AgentCore;
let far: SipParty;

beforeAll(async () => {
  agent = await labAgent(lab, 4);
  expect(agent.core.phone.snapshot().state).toBe('registered');
  far = await labParty(lab, 5, 'Far End');
});
afterAll(async () => {
  await far?.stop();
  await agent?.dispose();
});

const calls = () => agent.core.calls.snapshot().calls;
const action = (a: 'answer' | 'hangup' | 'toggleMute' | 'toggleHold' | 'holdInsteadOfMute') =>
  agent.core.handlers['call.action']({ action: a });

describe('call.action (keyboard shortcuts)', () => {
  it('with no call, answer, hang up and hold find nothing to act on; a bad action is refused', async () => {
    expect(await action('answer')).toEqual({ done: false });
    expect(await action('hangup')).toEqual({ done: false });
    expect(await action('toggleHold')).toEqual({ done: false });
    expect(await action('holdInsteadOfMute')).toEqual({ done: false, held: false, muted: false });
    const bad = await dispatchCall(agent.core.handlers, 'call.action', { action: 'explode' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
  });

  it('answers the ringing call, mutes and unmutes with source hotkey, holds and resumes (far end told), hangs up', async () => {
    const inviter = far.call(agentAccount.uri);
    await until(() => calls().some((c) => c.state === 'ringing'), 5000, 'ringing');
    const ringing = calls().find((c) => c.state === 'ringing')!;
    const farSdh = far.handlers.at(-1)!;

    expect(await action('answer')).toEqual({ done: true, callId: ringing.id });
    await until(() => calls().find((c) => c.id === ringing.id)?.state === 'active', 5000, 'active');
    await until(() => inviter.state === 'Established', 5000, 'caller established');

    expect(await action('toggleMute')).toEqual({ done: true, muted: true });
    expect(agent.core.muteState.muted).toBe(true);
    expect(agent.core.mute.snapshot()).toMatchObject({ muted: true, source: 'hotkey', inCall: true });
    expect(await action('toggleMute')).toEqual({ done: true, muted: false });
    expect(agent.core.mute.snapshot()).toMatchObject({ muted: false, source: 'hotkey' });

    const sdps = farSdh.remoteSdps.length;
    expect(await action('toggleHold')).toEqual({ done: true, callId: ringing.id, held: true });
    expect(calls().find((c) => c.id === ringing.id)).toMatchObject({ state: 'held', held: true });
    expect(farSdh.remoteSdps.length).toBeGreaterThan(sdps);
    expect(sdpDirection(farSdh.remoteSdps.at(-1))).toBe('sendonly');
    expect(await action('toggleHold')).toEqual({ done: true, callId: ringing.id, held: false });
    expect(sdpDirection(farSdh.remoteSdps.at(-1))).toBe('sendrecv');

    // The mute bar's "hold instead" (long-mute reminder): one request; the far end is told of the hold, then unmuted.
    await agent.core.handlers['call.mute']({ muted: true });
    expect(await action('holdInsteadOfMute')).toEqual({ done: true, callId: ringing.id, held: true, muted: false });
    expect(calls().find((c) => c.id === ringing.id)).toMatchObject({ state: 'held', held: true });
    expect(sdpDirection(farSdh.remoteSdps.at(-1))).toBe('sendonly');
    expect(agent.core.mute.snapshot()).toMatchObject({ muted: false, source: 'ui' });
    expect(await action('toggleHold')).toEqual({ done: true, callId: ringing.id, held: false });

    const byes = far.byes.length;
    expect(await action('hangup')).toEqual({ done: true, callId: ringing.id });
    await until(() => far.byes.length === byes + 1, 5000, 'BYE at the caller');
    await until(() => calls().find((c) => c.id === ringing.id)?.state === 'ended', 5000, 'ended');
    expect(calls().find((c) => c.id === ringing.id)?.endReason).toBe('local-hangup');
  });

  it('unmute reaches the renderer at once, while the mute check still waits for a report', async () => {
    far.call(agentAccount.uri);
    await until(() => calls().some((c) => c.state === 'ringing'), 5000, 'ringing');
    const ringing = calls().find((c) => c.state === 'ringing')!;
    expect(await action('answer')).toEqual({ done: true, callId: ringing.id });
    await until(() => calls().find((c) => c.id === ringing.id)?.state === 'active', 5000, 'active');

    const pushed: boolean[] = [];
    const renderer = agent.core.connect((name, payload) => {
      if (name === 'mute') pushed.push((payload as { muted: boolean }).muted);
    });
    await agent.core.handlers['call.mute']({ muted: true });
    // The renderer's check finds the track still sending: a mismatch, and the core has the state applied again.
    const report = { trackEnabled: true, outboundLevel: 0.2, micLevel: 0.2, speech: true, appliedMuted: true };
    expect(await dispatchCall(agent.core.handlers, 'mute.report', report, renderer)).toMatchObject({ ok: true });
    expect(agent.core.mute.snapshot()).toMatchObject({ muted: true, verification: 'mismatch' });

    pushed.length = 0;
    // Unmute: no report arrives in between, and none is awaited — the new state is out when the call returns.
    expect(await agent.core.handlers['call.mute']({ muted: false })).toEqual({ muted: false });
    expect(pushed).toContain(false);
    expect(agent.core.mute.snapshot()).toMatchObject({ muted: false, verification: 'unknown' });
    renderer.close();

    expect(await action('hangup')).toEqual({ done: true, callId: ringing.id });
    await until(() => calls().find((c) => c.id === ringing.id)?.state === 'ended', 5000, 'ended');
  });
});
