import { describe, expect, it } from 'vitest';
import type { AgentView } from '@common/contract/agent';
import type { CallView, CallsSnapshot } from '@common/contract/calls';
import { CurrentNoteTracker, currentNoteOf } from '../../../../electron/node/notes/current-note';

const call = (id: string, over: Partial<CallView> = {}): CallView => ({
  id,
  direction: 'inbound',
  state: 'active',
  remote: { name: '', number: '1' },
  screenPop: [],
  startedAt: 0,
  answeredAt: 1,
  held: false,
  earlyMedia: false,
  ...over,
});
const available: AgentView = { state: 'available', since: 0, degraded: false };
const acwFor = (callId: string): AgentView => ({
  state: 'acw',
  since: 5,
  degraded: false,
  acw: { callId, mode: 'optional', startedAt: 5, canEnd: true, needsFinishedNote: false },
});
const snap = (...calls: CallView[]): CallsSnapshot => ({ calls });

describe('the current note', () => {
  it('is the answered customer call, not a ringing call nor the consult leg, else the call in after-call work', () => {
    expect(currentNoteOf(snap(), available)).toEqual({ callId: null });
    expect(currentNoteOf(snap(call('r', { state: 'ringing', answeredAt: undefined })), available).callId).toBeNull();
    expect(currentNoteOf(snap(call('a')), available).callId).toBe('a');
    // Consulting a supervisor: the customer's call keeps the note, whichever comes first in the list.
    expect(currentNoteOf(snap(call('sup', { consultFor: 'a' }), call('a', { state: 'held' })), available).callId).toBe(
      'a',
    );
    expect(currentNoteOf(snap(call('a', { state: 'ended' })), acwFor('a')).callId).toBe('a');
    // A new call answered during after-call work takes over.
    expect(currentNoteOf(snap(call('a', { state: 'ended' }), call('b')), acwFor('a')).callId).toBe('b');
  });

  it('announces only changes', () => {
    let calls = snap();
    let agent = available;
    const tracker = new CurrentNoteTracker({ calls: () => calls, agent: () => agent });
    const seen: Array<string | null> = [];
    tracker.onChange((n) => seen.push(n.callId));
    tracker.update();
    calls = snap(call('a'));
    tracker.update();
    tracker.update();
    calls = snap(call('a', { state: 'ended' }));
    agent = acwFor('a');
    tracker.update();
    agent = available;
    tracker.update();
    expect(seen).toEqual(['a', null]);
    expect(tracker.get()).toEqual({ callId: null });
  });
});
