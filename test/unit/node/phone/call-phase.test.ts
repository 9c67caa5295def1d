import { describe, expect, it } from 'vitest';
import { endReasonFrom } from '../../../../electron/node/phone/call-phase';

describe('end reason from the phase a call ended in', () => {
  const inbound = { direction: 'inbound' as const };
  const outbound = { direction: 'outbound' as const };
  it('names who ended it', () => {
    expect(endReasonFrom('caller-cancelled', { ...inbound, state: 'ringing' })).toBe('remote-cancelled');
    expect(endReasonFrom('hanging-up', { ...inbound, state: 'ringing' })).toBe('rejected');
    expect(endReasonFrom('hanging-up', { ...outbound, state: 'early' })).toBe('cancelled');
    expect(endReasonFrom('hanging-up', { ...outbound, state: 'active', answeredAt: 5 })).toBe('local-hangup');
    expect(endReasonFrom('hanging-up', { ...inbound, state: 'held', answeredAt: 5 })).toBe('local-hangup');
    expect(endReasonFrom('established', { ...inbound, state: 'active', answeredAt: 5 })).toBe('remote-hangup');
    expect(endReasonFrom('placing', { ...outbound, state: 'dialing' })).toBe('failed');
    expect(endReasonFrom('offered', { ...inbound, state: 'ringing' })).toBe('failed');
  });
});
