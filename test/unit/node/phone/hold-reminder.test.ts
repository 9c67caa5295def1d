import { describe, expect, it } from 'vitest';
import { HoldReminder, type LongHold } from '../../../../electron/node/phone/hold-reminder';
import { callEvents } from '../../../support/call-events';
import { FakeClock } from '../../../support/fake-clock';

function setup(longHoldSec = 45, reminderEverySec = 15) {
  const clock = new FakeClock();
  const settings = { longHoldSec, reminderEverySec };
  const reminders: Array<{ callId: string; at: number } & LongHold> = [];
  const r = new HoldReminder({
    clock,
    settings: () => settings,
    remind: (callId, h) => reminders.push({ callId, at: clock.now(), ...h }),
  });
  return { clock, r, reminders, settings };
}

describe('hold reminder', () => {
  it('reminds the agent after longHoldSec on hold, then again every reminderEverySec with a rising level', async () => {
    const { clock, r, reminders } = setup();
    const a = callEvents('a', { at: 0 });
    r.onCallEvent(a.ring());
    r.onCallEvent(a.answer(1_000));
    clock.skip(9_000);
    r.onCallEvent(a.hold(clock.now()));
    clock.skip(44_000);
    expect(reminders).toEqual([]);
    expect(await clock.fireNext()).toBe(1_000);
    expect(reminders).toEqual([{ callId: 'a', at: 54_000, elapsedSec: 45, level: 1 }]);
    expect(await clock.fireNext()).toBe(15_000);
    expect(await clock.fireNext()).toBe(15_000);
    expect(reminders.slice(1)).toEqual([
      { callId: 'a', at: 69_000, elapsedSec: 60, level: 2 },
      { callId: 'a', at: 84_000, elapsedSec: 75, level: 3 },
    ]);
  });

  it('counts from when the hold was accepted, as the call view says', async () => {
    const { clock, r, reminders } = setup(20);
    const a = callEvents('a', { at: 0 });
    r.onCallEvent(a.answer(0));
    clock.skip(30_000);
    // The event is handled late: the view's heldAt, not the event's time, is when the hold began.
    const held = a.hold(30_000);
    if (held.type === 'held') held.call.heldAt = 25_000;
    r.onCallEvent(held);
    expect(await clock.fireNext()).toBe(15_000);
    expect(reminders).toEqual([{ callId: 'a', at: 45_000, elapsedSec: 20, level: 1 }]);
  });

  it('stops on resume and starts afresh on the next hold', async () => {
    const { clock, r, reminders } = setup(45, 15);
    const a = callEvents('a', { at: 0 });
    r.onCallEvent(a.answer(0));
    r.onCallEvent(a.hold(0));
    await clock.fireNext();
    expect(reminders.map((x) => x.level)).toEqual([1]);
    r.onCallEvent(a.resume(clock.now()));
    expect(clock.pending()).toEqual([]);
    expect(r.timing()).toEqual([]);
    clock.skip(60_000);
    r.onCallEvent(a.hold(clock.now()));
    expect(clock.pending()).toEqual([45_000]);
    await clock.fireNext();
    expect(reminders.at(-1)).toEqual({ callId: 'a', at: 150_000, elapsedSec: 45, level: 1 });
  });

  it('times each held call on its own (the customer held while the supervisor is consulted) and ends with it', async () => {
    const { clock, r, reminders } = setup(30, 10);
    const customer = callEvents('customer', { at: 0 });
    const other = callEvents('other', { at: 0 });
    r.onCallEvent(customer.answer(0));
    r.onCallEvent(customer.hold(0));
    clock.skip(10_000);
    r.onCallEvent(other.answer(10_000));
    r.onCallEvent(other.hold(10_000));
    expect(r.timing().sort()).toEqual(['customer', 'other']);
    await clock.fireNext();
    await clock.fireNext();
    expect(reminders.map((x) => [x.callId, x.at, x.level])).toEqual([
      ['customer', 30_000, 1],
      ['other', 40_000, 1],
    ]);
    r.onCallEvent(customer.end(clock.now()));
    expect(r.timing()).toEqual(['other']);
    await clock.fireNext();
    expect(reminders.at(-1)).toMatchObject({ callId: 'other', at: 50_000, level: 2 });
    r.stop();
    expect(clock.pending()).toEqual([]);
  });

  it('reads the settings at each hold: a changed longHoldSec counts from the next hold', async () => {
    const { clock, r, reminders, settings } = setup(45, 15);
    const a = callEvents('a', { at: 0 });
    r.onCallEvent(a.answer(0));
    r.onCallEvent(a.hold(0));
    settings.longHoldSec = 10;
    expect(clock.pending()).toEqual([45_000]);
    clock.skip(1_000);
    r.onCallEvent(a.resume(1_000));
    r.onCallEvent(a.hold(1_000));
    expect(clock.pending()).toEqual([10_000]);
    await clock.fireNext();
    expect(reminders).toEqual([{ callId: 'a', at: 11_000, elapsedSec: 10, level: 1 }]);
  });
});
