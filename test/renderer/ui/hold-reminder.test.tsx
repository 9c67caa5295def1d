import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { en } from '../../../renderer/src/i18n/en';
import { esMX } from '../../../renderer/src/i18n/es-MX';
import { click, mountApp } from '../../support/render-ui';
import { callView, callsSnapshot } from '../../support/views';

afterEach(() => {
  document.body.innerHTML = '';
});

describe('long hold', () => {
  it('shows the hold time on the call card and, once the core says so, an alert with one-click Resume', async () => {
    const holds: unknown[] = [];
    const { q, el, bridge } = await mountApp({
      handlers: {
        'call.hold': async (args) => {
          holds.push(args);
          return { held: false };
        },
      },
    });
    const heldAt = Date.now() - 12_000;
    await act(async () => {
      bridge.emit('calls', callsSnapshot(callView('c1', { state: 'held', held: true, answeredAt: heldAt, heldAt })));
    });
    const holdTime = q('call-hold-time');
    expect(holdTime?.getAttribute('role')).toBe('timer');
    expect(holdTime?.getAttribute('aria-live')).toBe('off');
    expect(Number(holdTime?.getAttribute('data-seconds'))).toBeGreaterThanOrEqual(12);
    expect(holdTime?.parentElement?.textContent).toContain(en['call.holdTime']);
    // Not yet long: no reminder.
    expect(q('hold-warning-long')).toBeNull();

    // The reminder shows from every view (it sits in the status bar), not only beside the call.
    await click(q('view-history'));
    await act(async () => {
      bridge.emit(
        'calls',
        callsSnapshot(callView('c1', { state: 'held', held: true, heldAt, longHold: { elapsedSec: 45, level: 1 } })),
      );
    });
    const warning = q('hold-warning-long');
    expect(warning?.getAttribute('role')).toBe('alert');
    expect(warning?.closest('[data-testid="status-bar"]')).not.toBeNull();
    expect(warning?.textContent).toContain('The customer has been on hold 0:45 — go back to them.');
    expect(warning?.className).toContain('level-1');

    // Escalation: a new level, new words (read out again), a larger warning.
    await act(async () => {
      bridge.emit(
        'calls',
        callsSnapshot(callView('c1', { state: 'held', held: true, heldAt, longHold: { elapsedSec: 75, level: 3 } })),
      );
    });
    expect(q('hold-warning-long')?.textContent).toContain('1:15');
    expect(q('hold-warning-long')?.className).toContain('level-3');

    const before = bridge.calls.length;
    await click(q('hold-warning-resume'));
    expect(bridge.calls.slice(before)).toEqual(['call.hold']);
    expect(holds).toEqual([{ callId: 'c1', on: false }]);

    // The core resumed the call: the reminder and the hold time go.
    await act(async () => {
      bridge.emit('calls', callsSnapshot(callView('c1', { state: 'active', held: false, answeredAt: heldAt })));
    });
    expect(q('hold-warning-long')).toBeNull();
    expect(q('call-hold-time')).toBeNull();
    expect(el.textContent).not.toContain(en['call.holdTime']);
  });

  it('names the caller when several customers wait on hold too long, in Spanish', async () => {
    const { el, bridge } = await mountApp({ language: 'es-MX' });
    const long = (id: string, name: string, elapsedSec: number) =>
      callView(id, {
        state: 'held',
        held: true,
        heldAt: 0,
        remote: { name, number: '100' },
        longHold: { elapsedSec, level: 1 },
      });
    await act(async () => {
      bridge.emit('calls', callsSnapshot(long('a', 'Ana', 50), long('b', 'Beto', 46)));
    });
    const warnings = [...el.querySelectorAll('[data-testid="hold-warning-long"]')];
    expect(warnings.map((w) => w.getAttribute('data-call-id'))).toEqual(['a', 'b']);
    expect(warnings[0]?.textContent).toContain(esMX['hold.long'].replace('{{time}}', '0:50'));
    expect(warnings[0]?.textContent).toContain('Ana');
    expect(warnings[1]?.textContent).toContain('Beto');
    expect(warnings[1]?.querySelector('button')?.textContent).toBe(esMX['call.resume']);
  });
});
