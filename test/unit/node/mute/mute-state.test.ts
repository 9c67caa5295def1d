import { describe, expect, it } from 'vitest';
import { MuteState, type MuteChange } from '../../../../electron/node/mute/mute-state';
import { FakeClock } from '../../../support/fake-clock';

function setup(onCallStart: 'muted' | 'unmuted' = 'muted') {
  const clock = new FakeClock();
  const state = new MuteState({ onCallStart: () => onCallStart, clock });
  const changes: MuteChange[] = [];
  state.onChange((c) => changes.push(c));
  return { state, changes, clock };
}

describe('mute state', () => {
  it('announces each change once, with its source and time, and ignores a repeat', () => {
    const { state, changes } = setup();
    expect(state.set(true, 'headset')).toBe(true);
    expect(state.set(true, 'ui')).toBe(true);
    expect(state.muted).toBe(true);
    expect(changes).toEqual([{ muted: true, source: 'headset', at: 0 }]);
  });

  it('puts every new call in the configured state, but not a consult call nor one placed mid-conversation', () => {
    const { state, changes } = setup('muted');
    state.callStarting({ consult: true, anotherInConversation: false });
    state.callStarting({ consult: false, anotherInConversation: true });
    expect(changes).toEqual([]);
    state.callStarting({ consult: false, anotherInConversation: false });
    expect(changes).toEqual([{ muted: true, source: 'call-start', at: 0 }]);
  });

  it('applies the call-start state again when a call is established, whatever the previous call ended in', () => {
    const { state, changes } = setup('unmuted');
    state.set(true, 'ui');
    state.callEstablished({ consult: true });
    expect(state.muted).toBe(true);
    state.callEstablished({ consult: false });
    expect(changes.at(-1)).toEqual({ muted: false, source: 'call-start', at: 0 });
  });

  it('returns to unmuted when the last call ends', () => {
    const { state, changes } = setup();
    state.lastCallEnded();
    expect(changes).toEqual([]);
    state.set(true, 'hotkey');
    state.lastCallEnded();
    expect(changes.at(-1)).toEqual({ muted: false, source: 'call-start', at: 0 });
  });
});
