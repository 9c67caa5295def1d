import { describe, expect, it } from 'vitest';
import { clientMessage, hostMessage, isEventFrame } from '@common/contract/wire';

describe('browser-host wire messages', () => {
  it('parses every message the host sends', () => {
    for (const m of [
      { t: 'ready' },
      { t: 'result', id: 1, ok: true, value: { a: 1 } },
      { t: 'result', id: 2, ok: false, error: { code: 'forbidden' } },
      { t: 'event', name: 'registration', payload: { state: 'registered' } },
    ])
      expect(hostMessage.safeParse(m).success).toBe(true);
  });
  it('keeps messages whose value, payload or arguments JSON dropped (undefined)', () => {
    const roundTrip = (m: object) => JSON.parse(JSON.stringify(m)) as unknown;
    expect(hostMessage.safeParse(roundTrip({ t: 'result', id: 4, ok: true, value: undefined })).success).toBe(true);
    expect(hostMessage.safeParse(roundTrip({ t: 'event', name: 'x', payload: undefined })).success).toBe(true);
    expect(clientMessage.safeParse(roundTrip({ t: 'call', id: 5, name: 'app.info', args: undefined })).success).toBe(
      true,
    );
  });
  it('tells an event frame apart exactly as the union does', () => {
    const frames: unknown[] = [
      { t: 'event', name: 'calls', payload: { calls: [] } },
      { t: 'event', name: 'x' },
      { t: 'event', name: 'x', payload: null, extra: 1 },
      { t: 'event', name: 7, payload: {} },
      { t: 'event' },
      { t: 'Event', name: 'x' },
      { t: 'ready' },
      { t: 'result', id: 1, ok: true },
      ['event', 'x'],
      null,
      'event',
      7,
    ];
    for (const f of frames) {
      const union = hostMessage.safeParse(f);
      const event = union.success && union.data.t === 'event' ? union.data : undefined;
      expect(isEventFrame(f), JSON.stringify(f)).toBe(event !== undefined);
      if (event && isEventFrame(f)) expect([f.name, f.payload]).toEqual([event.name, event.payload]);
    }
  });
  it('refuses malformed host and client messages', () => {
    expect(hostMessage.safeParse({ t: 'result', id: 1, ok: false, error: { code: 'made-up' } }).success).toBe(false);
    expect(hostMessage.safeParse({ t: 'nope' }).success).toBe(false);
    expect(clientMessage.safeParse({ t: 'hello', token: 'short' }).success).toBe(false);
    expect(clientMessage.safeParse({ t: 'call', id: -1, name: 'x', args: {} }).success).toBe(false);
    expect(clientMessage.safeParse({ t: 'call', id: 3, name: 'app.info', args: {} }).success).toBe(true);
  });
});
