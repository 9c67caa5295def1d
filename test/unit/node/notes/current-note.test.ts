import { describe, expect, it } from 'vitest';
import type { AgentView } from '@common/contract/agent';
import type { CallView } from '@common/contract/calls';
import { CurrentNoteTracker, currentNoteOf } from '../../../../electron/node/notes/current-note';
import { agentView, callView, callsSnapshot, inAfterCallWork } from '../../../support/views';

/** An answered call unless the test says otherwise. */
const call = (id: string, over: Partial<CallView> = {}): CallView => callView(id, { answeredAt: 1, ...over });
const available = agentView();
const acwFor = (callId: string): AgentView => inAfterCallWork(callId, { startedAt: 5 });

describe('the current note', () => {
  it('is the answered customer call, not a ringing call nor the consult leg, else the call in after-call work', () => {
    expect(currentNoteOf(callsSnapshot(), available)).toEqual({ callId: null });
    expect(
      currentNoteOf(callsSnapshot(call('r', { state: 'ringing', answeredAt: undefined })), available).callId,
    ).toBeNull();
    expect(currentNoteOf(callsSnapshot(call('a')), available).callId).toBe('a');
    // Consulting a supervisor: the customer's call keeps the note, whichever comes first in the list.
    expect(
      currentNoteOf(callsSnapshot(call('sup', { consultFor: 'a' }), call('a', { state: 'held' })), available).callId,
    ).toBe('a');
    expect(currentNoteOf(callsSnapshot(call('a', { state: 'ended' })), acwFor('a')).callId).toBe('a');
    // A new call answered during after-call work takes over.
    expect(currentNoteOf(callsSnapshot(call('a', { state: 'ended' }), call('b')), acwFor('a')).callId).toBe('b');
  });

  it('announces only changes', () => {
    let calls = callsSnapshot();
    let agent = available;
    const tracker = new CurrentNoteTracker({ calls: () => calls, agent: () => agent });
    const seen: Array<string | null> = [];
    tracker.onChange((n) => seen.push(n.callId));
    tracker.update();
    calls = callsSnapshot(call('a'));
    tracker.update();
    tracker.update();
    calls = callsSnapshot(call('a', { state: 'ended' }));
    agent = acwFor('a');
    tracker.update();
    agent = available;
    tracker.update();
    expect(seen).toEqual(['a', null]);
    expect(tracker.get()).toEqual({ callId: null });
  });
});
