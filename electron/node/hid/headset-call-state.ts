import type { CallsSnapshot } from '@common/contract/calls';
import type { HeadsetCallState } from './headset-controller';

/** What the headset's lights show: the most engaged call wins (talking > on hold > ringing), plus the mute state. */
export function headsetCallState(snap: CallsSnapshot, muted: boolean): HeadsetCallState {
  const has = (state: CallsSnapshot['calls'][number]['state']) => snap.calls.some((c) => c.state === state);
  const phase = has('active') ? 'active' : has('held') ? 'held' : has('ringing') ? 'ringing' : 'idle';
  return { phase, muted };
}
