import type { CallView } from '@common/contract/calls';
import type { CallEvent } from '../../electron/node/phone/call-manager';

/**
 * Call-manager events for one call, as the CallManager emits them (services that listen to `calls.onEvent` are
 * driven with these when no SIP peer is involved).
 */
export function callEvents(
  id: string,
  o: {
    direction?: 'inbound' | 'outbound';
    name?: string;
    number?: string;
    at?: number;
    screenPop?: CallView['screenPop'];
  } = {},
) {
  const view: CallView = {
    id,
    direction: o.direction ?? 'inbound',
    state: 'ringing',
    remote: { name: o.name ?? 'Cliente', number: o.number ?? '+525555000111' },
    screenPop: o.screenPop ?? [],
    startedAt: o.at ?? 1_000,
    held: false,
    earlyMedia: false,
  };
  const ev = (
    type: 'offered' | 'dialing' | 'answered' | 'held' | 'resumed' | 'ended',
    at: number,
    patch: Partial<CallView> = {},
  ): CallEvent => {
    Object.assign(view, patch);
    return { type, call: { ...view }, at };
  };
  return {
    ring: () => ev(view.direction === 'inbound' ? 'offered' : 'dialing', view.startedAt),
    answer: (at: number) => ev('answered', at, { state: 'active', answeredAt: at }),
    hold: (at: number) => ev('held', at, { state: 'held', held: true }),
    resume: (at: number) => ev('resumed', at, { state: 'active', held: false }),
    end: (at: number, endReason: CallView['endReason'] = 'remote-hangup') =>
      ev('ended', at, { state: 'ended', endedAt: at, endReason }),
    mute: (at: number, muted: boolean): CallEvent => ({ type: 'mute', muted, source: 'headset', callId: id, at }),
    quality: (at: number, mos: number): CallEvent => ({
      type: 'quality',
      callId: id,
      at,
      sample: {
        jitterMs: 2,
        lossPct: 0,
        rttMs: 30,
        mos,
        inboundBytes: 0,
        outboundBytes: 0,
        inboundLevel: 0,
        outboundLevel: 0,
      },
    }),
  };
}
