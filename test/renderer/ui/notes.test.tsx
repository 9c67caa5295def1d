import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentView } from '@common/contract/agent';
import type { CallView } from '@common/contract/calls';
import { ContractError } from '@common/contract/errors';
import type { NoteSaveArgs, TimelineEntry } from '@common/contract/notes';
import { en } from '../../../renderer/src/i18n/en';
import { esMX } from '../../../renderer/src/i18n/es-MX';
import { noteOpenAfterAnswerMs } from '../../../renderer/src/ui/NotesPanel';
import type { FakeBridge as Bridge } from '../../support/fake-bridge';
import { mountApp, settleMicrotasks, type MountAppOptions } from '../../support/render-ui';
import { callSummary, callView, inAfterCallWork, noteView } from '../../support/views';

// Agent state, after-call work, the note of the call and the history, in happy-dom against a scripted core.

const hostile = '<img src=x onerror=alert(1)>';

/** The app over a scripted core; it settles without timers, as some tests run fake ones. */
const mount = (o: Omit<MountAppOptions, 'settle'> = {}) => mountApp({ ...o, settle: 'microtasks' });
const settle = settleMicrotasks;
const q = (el: Element, id: string) => el.querySelector(`[data-testid="${id}"]`);
function type(el: Element | null, value: string) {
  const proto =
    el instanceof HTMLTextAreaElement
      ? HTMLTextAreaElement.prototype
      : el instanceof HTMLSelectElement
        ? HTMLSelectElement.prototype
        : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(el, value);
  el!.dispatchEvent(new Event(el instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
}
const activeCall = (id = 'c1', extra: Partial<CallView> = {}): CallView =>
  callView(id, { remote: { name: 'Ana', number: '5550100' }, answeredAt: Date.now(), ...extra });
/** A call in conversation for a minute: its note is open. */
const talkingCall = (id = 'c1') => activeCall(id, { answeredAt: Date.now() - 60_000 });
const emitAgent = (bridge: Bridge, v: AgentView) => act(async () => bridge.emit('agent', v));

afterEach(() => {
  document.body.innerHTML = '';
  vi.useRealTimers();
});

describe('agent state switcher', () => {
  it('shows the state as text and shape, offers the reasons, and sends the choice to the core', async () => {
    const sets: unknown[] = [];
    const { el, bridge, unmount } = await mount({
      language: 'es-MX',
      handlers: {
        'agent.set': async (a) => {
          sets.push(a);
          return {
            state: a.state,
            since: 1,
            degraded: false,
            ...(a.state === 'not-ready' ? { reason: a.reason } : {}),
          };
        },
      },
    });
    expect(q(el, 'agent-state')?.getAttribute('data-state')).toBe('available');
    // The shape is an SVG icon beside the word, hidden from screen readers (the word is read).
    expect(q(el, 'agent-state')?.querySelector('svg.lucide-circle[aria-hidden="true"]')).not.toBeNull();
    expect(q(el, 'agent-state')?.textContent).toContain(esMX['agent.state.available']);
    const select = q(el, 'agent-select') as HTMLSelectElement;
    // Reachable and named: a native select with a visible label.
    expect(select.labels?.[0]?.textContent).toBe(esMX['agent.change']);
    expect([...select.options].map((x) => x.value)).toEqual([
      'available',
      'not-ready:meeting',
      'not-ready:training',
      'not-ready:personal',
      'not-ready:technical',
      'break',
    ]);
    expect(select.options[1]?.textContent).toBe(`${esMX['agent.state.not-ready']} — ${esMX['agent.reason.meeting']}`);
    await act(async () => type(select, 'not-ready:meeting'));
    expect(sets).toEqual([{ state: 'not-ready', reason: 'meeting' }]);

    await emitAgent(bridge, { state: 'not-ready', reason: 'degraded', since: 2, degraded: true });
    expect(q(el, 'agent-state')?.querySelector('svg.lucide-square[aria-hidden="true"]')).not.toBeNull();
    expect(q(el, 'agent-reason')?.textContent).toBe(esMX['agent.reason.degraded']);
    await unmount();
  });

  it('says why the core refused a change', async () => {
    const { el, bridge, unmount } = await mount({
      handlers: {
        'agent.set': async () => {
          throw new ContractError('refused', { reason: 'note-unfinished' });
        },
      },
    });
    await emitAgent(bridge, inAfterCallWork('c1', { mode: 'mandatory-manual', startedAt: 1, needsFinishedNote: true }));
    await act(async () => type(q(el, 'agent-select'), 'break'));
    await settle();
    expect(q(el, 'agent-error')?.textContent).toBe(en['agent.error.note-unfinished']);
    await unmount();
  });
});

describe('after-call work panel', () => {
  it('counts down visibly, announces only milestones, and keeps Ready disabled with the reason until the time box ends', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { el, bridge, unmount } = await mount();
    const timeBox = { mode: 'timed-no-early-exit', startedAt: 1_000_000, endsAt: 1_000_000 + 35_000 } as const;
    await emitAgent(bridge, inAfterCallWork('c1', { ...timeBox, canEnd: false, blockedBy: 'time-box' }));
    const countdown = () => q(el, 'acw-countdown');
    const announce = () => q(el, 'acw-announce')?.textContent;
    expect(countdown()?.textContent).toBe('0:35');
    expect(countdown()?.getAttribute('role')).toBe('timer');
    expect(q(el, 'acw-announce')?.getAttribute('aria-live')).toBe('polite');
    expect(announce()).toBe('After-call work started: 0:35 to write your notes.');
    const ready = q(el, 'acw-ready') as HTMLButtonElement;
    expect(ready.disabled).toBe(true);
    const reasonId = ready.getAttribute('aria-describedby');
    expect(reasonId && document.getElementById(reasonId)?.textContent).toBe(
      'Ready is available when the time is up (0:35).',
    );
    expect((q(el, 'agent-select') as HTMLSelectElement).disabled).toBe(true);

    await act(async () => {
      vi.advanceTimersByTime(1000);
    });
    expect(countdown()?.textContent).toBe('0:34');
    expect(announce()).toContain('started');
    await act(async () => {
      vi.advanceTimersByTime(4000);
    });
    expect(countdown()?.textContent).toBe('0:30');
    expect(announce()).toBe('0:30 of after-call work left.');
    await act(async () => {
      vi.advanceTimersByTime(5000);
    });
    expect(countdown()?.textContent).toBe('0:25');
    expect(announce()).toBe('0:30 of after-call work left.');

    // The core ends the time box: Ready may be pressed.
    await emitAgent(bridge, inAfterCallWork('c1', timeBox));
    expect((q(el, 'acw-ready') as HTMLButtonElement).disabled).toBe(false);
    expect(q(el, 'acw-ready-reason')).toBeNull();
    await emitAgent(bridge, { state: 'available', since: 1_036_000, degraded: false });
    expect(q(el, 'acw')).toBeNull();
    await unmount();
  });

  it('Ready in a mandatory mode finishes the note first, and says so when it cannot', async () => {
    const calls: string[] = [];
    const { el, bridge, unmount } = await mount({
      settings: { 'notes.requiredFields': ['assist'] },
      handlers: {
        'notes.finish': async () => {
          calls.push('finish');
          return { ok: true, missing: [] };
        },
        'agent.set': async (a) => {
          calls.push(`set:${a.state}`);
          return { state: 'available', since: 2, degraded: false };
        },
      },
    });
    await emitAgent(bridge, inAfterCallWork('c1', { mode: 'mandatory-manual', startedAt: 1, needsFinishedNote: true }));
    await settle();
    expect(q(el, 'note')?.getAttribute('data-call-id')).toBe('c1');
    expect(q(el, 'acw-countdown')?.textContent).toBe(en['acw.noTimeBox']);
    await act(async () => (q(el, 'acw-ready') as HTMLButtonElement).click());
    await settle();
    expect(q(el, 'acw-error')?.textContent).toBe(en['acw.finishFirst']);
    expect(q(el, 'note-problem')?.getAttribute('data-problem')).toBe('no-disposition');
    expect(calls).toEqual([]);
    await act(async () => type(q(el, 'note-disposition'), 'resolved'));
    await act(async () => type(q(el, 'note-field-assist'), 'Refund sent'));
    await act(async () => (q(el, 'acw-ready') as HTMLButtonElement).click());
    await settle();
    expect(calls).toEqual(['finish', 'set:available']);
    await unmount();
  });
});

describe('notes panel', () => {
  it('opens the note the core names as current, without deriving it from the calls itself', async () => {
    const { el, bridge, unmount } = await mount();
    await act(async () => bridge.emit('notes.current', { callId: 'from-core' }));
    await settle();
    expect(q(el, 'note')?.getAttribute('data-call-id')).toBe('from-core');
    await unmount();
  });

  it('opens a draft when a call is answered and saves as the agent types, at most 300 ms behind', async () => {
    vi.useFakeTimers({ now: 5_000_000 });
    const saves: Array<NoteSaveArgs & { at: number }> = [];
    const { el, bridge, unmount } = await mount({
      handlers: {
        'notes.save': async (a) => {
          saves.push({ ...a, at: Date.now() });
          return { savedAt: Date.now(), durable: true };
        },
      },
    });
    expect(q(el, 'note')).toBeNull();
    await act(async () => bridge.emit('calls', { calls: [activeCall('c1')] }));
    await settle();
    // Not during the answer's media handshake: the note opens once it is over.
    expect(bridge.calls).not.toContain('notes.get');
    await act(async () => {
      vi.advanceTimersByTime(noteOpenAfterAnswerMs - 1);
    });
    await settle();
    expect(bridge.calls).not.toContain('notes.get');
    await act(async () => {
      vi.advanceTimersByTime(1);
    });
    await settle();
    expect(bridge.calls).toContain('notes.get');
    expect(q(el, 'note')?.getAttribute('data-call-id')).toBe('c1');
    // The default template's fields, with translated labels.
    for (const f of ['identify', 'apologise', 'assist']) expect(q(el, `note-field-${f}`)).not.toBeNull();
    expect((q(el, 'note-field-identify') as HTMLTextAreaElement).labels?.[0]?.textContent).toBe(
      en['notes.field.identify'],
    );
    expect(q(el, 'note-template-name')?.textContent).toBe(en['notes.template.iaa']);

    await act(async () => type(q(el, 'note-field-identify'), 'A'));
    expect(saves).toHaveLength(0);
    expect(q(el, 'note-save')?.textContent).toBe(en['notes.save.saving']);
    await act(async () => {
      vi.advanceTimersByTime(200);
    });
    await settle();
    expect(saves).toHaveLength(1);
    expect(saves[0]).toMatchObject({ callId: 'c1', templateId: 'iaa', fields: { identify: 'A' }, text: '' });
    expect(q(el, 'note-save')?.textContent).toBe(en['notes.save.saved']);

    // Typing without a pause for 2 s: saved every ≤300 ms, and the last text reaches the core.
    const start = Date.now();
    let text = '';
    for (let i = 0; i < 40; i++) {
      text += 'x';
      const t = text;
      await act(async () => type(q(el, 'note-text'), t));
      await act(async () => {
        vi.advanceTimersByTime(50);
      });
      await settle();
    }
    await act(async () => {
      vi.advanceTimersByTime(300);
    });
    await settle();
    const during = saves.slice(1).map((s) => s.at);
    const gaps = during.map((at, i) => at - (i === 0 ? start : during[i - 1]!));
    expect(during.length).toBeGreaterThanOrEqual(6);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(300);
    expect(saves.at(-1)?.text).toBe(text);
    await unmount();
  });

  it('says when a save is only in memory, or could not reach the core', async () => {
    let mode: 'memory' | 'throw' = 'memory';
    const { el, bridge, unmount } = await mount({
      handlers: {
        'notes.save': async () => {
          if (mode === 'throw') throw new ContractError('internal');
          return { savedAt: 1, durable: false };
        },
      },
    });
    await act(async () => bridge.emit('calls', { calls: [talkingCall('c1')] }));
    await settle();
    await act(async () => type(q(el, 'note-text'), 'hello'));
    await act(async () => {
      await new Promise((r) => setTimeout(r, 350));
    });
    await settle();
    expect(q(el, 'note-save')?.getAttribute('data-save')).toBe('memory');
    expect(q(el, 'note-save')?.getAttribute('role')).toBe('alert');
    mode = 'throw';
    await act(async () => type(q(el, 'note-text'), 'hello again'));
    await act(async () => {
      await new Promise((r) => setTimeout(r, 350));
    });
    await settle();
    expect(q(el, 'note-save')?.getAttribute('data-save')).toBe('unsaved');
    expect((q(el, 'note-text') as HTMLTextAreaElement).value).toBe('hello again');
    await unmount();
  });

  it('enforces required fields and a disposition on finish with a clear message', async () => {
    const finishes: unknown[] = [];
    let serverMissing: string[] = ['identify'];
    const { el, bridge, unmount } = await mount({
      language: 'es-MX',
      settings: {
        'notes.requiredFields': ['identify', 'assist'],
        'notes.dispositions': ['resolved', 'callback-tomorrow'],
      },
      handlers: {
        'notes.finish': async (a) => {
          finishes.push(a);
          return serverMissing.length ? { ok: false, missing: serverMissing } : { ok: true, missing: [] };
        },
      },
    });
    await act(async () => bridge.emit('calls', { calls: [talkingCall('c1')] }));
    await settle();
    expect((q(el, 'note-field-assist') as HTMLTextAreaElement).getAttribute('aria-required')).toBe('true');
    const disp = q(el, 'note-disposition') as HTMLSelectElement;
    // Known dispositions translated, the team's own shown as written.
    expect([...disp.options].map((o) => o.textContent)).toEqual([
      esMX['notes.chooseDisposition'],
      esMX['notes.disposition.resolved'],
      'callback-tomorrow',
    ]);

    await act(async () => (q(el, 'note-finish') as HTMLButtonElement).click());
    await settle();
    expect(q(el, 'note-problem')?.textContent).toBe(esMX['notes.problem.no-disposition']);
    await act(async () => type(disp, 'callback-tomorrow'));
    await act(async () => type(q(el, 'note-field-identify'), 'Ana, cuenta 42'));
    await act(async () => (q(el, 'note-finish') as HTMLButtonElement).click());
    await settle();
    expect(q(el, 'note-problem')?.textContent).toBe(
      esMX['notes.problem.missing'].replace('{{fields}}', esMX['notes.field.assist']),
    );
    expect(q(el, 'note-field-assist')?.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(q(el, 'note-field-assist'));
    expect(finishes).toEqual([]);

    // The core has the last word on required fields.
    await act(async () => type(q(el, 'note-field-assist'), 'Reembolso'));
    await act(async () => (q(el, 'note-finish') as HTMLButtonElement).click());
    await settle();
    expect(finishes).toEqual([{ callId: 'c1', disposition: 'callback-tomorrow' }]);
    expect(q(el, 'note-problem')?.textContent).toContain(esMX['notes.field.identify']);
    serverMissing = [];
    await act(async () => (q(el, 'note-finish') as HTMLButtonElement).click());
    await settle();
    expect(q(el, 'note')?.getAttribute('data-status')).toBe('final');
    expect(q(el, 'note-problem')).toBeNull();
    await unmount();
  });

  it('shows required fields the template lacks, and the free text when it is required', async () => {
    const finishes: unknown[] = [];
    const { el, bridge, unmount } = await mount({
      settings: { 'notes.requiredFields': ['ticket', 'text'] },
      handlers: {
        'notes.finish': async (a) => {
          finishes.push(a);
          return { ok: true, missing: [] };
        },
      },
    });
    await act(async () => bridge.emit('calls', { calls: [talkingCall('c1')] }));
    await settle();
    expect(q(el, 'note-field-ticket')?.getAttribute('aria-required')).toBe('true');
    expect(q(el, 'note-text')?.getAttribute('aria-required')).toBe('true');
    await act(async () => type(q(el, 'note-disposition'), 'resolved'));
    await act(async () => type(q(el, 'note-field-ticket'), 'T-1'));
    await act(async () => (q(el, 'note-finish') as HTMLButtonElement).click());
    await settle();
    expect(q(el, 'note-problem')?.textContent).toBe(
      en['notes.problem.missing'].replace('{{fields}}', en['notes.text']),
    );
    expect(document.activeElement).toBe(q(el, 'note-text'));
    expect(finishes).toEqual([]);
    await act(async () => type(q(el, 'note-text'), 'done'));
    await act(async () => (q(el, 'note-finish') as HTMLButtonElement).click());
    await settle();
    expect(q(el, 'note')?.getAttribute('data-status')).toBe('final');
    expect(q(el, 'note-problem')).toBeNull();
    await unmount();
  });

  it('renders hostile note text, drafts and search snippets as text, and offers unfinished drafts back', async () => {
    const { el, unmount } = await mount({
      handlers: {
        'notes.drafts': async () => ({
          drafts: [
            {
              callId: 'old',
              remoteName: hostile,
              remoteNumber: '1',
              updatedAt: 0,
              preview: `<script>alert(1)</script> ‏مرحبا 😀`,
            },
          ],
        }),
        'notes.get': async ({ callId }) => ({
          note: noteView(callId, {
            fields: { identify: hostile, custom: '"; DROP TABLE notes; --' },
            text: '<b>bold</b>',
          }),
          editable: true,
        }),
        'notes.history': async () => ({
          calls: [
            callSummary('old', {
              remoteName: hostile,
              handleMs: 65_000,
              holdMs: 5_000,
              acwMs: 30_000,
              disposition: 'resolved',
              snippet: '<i>match</i>',
            }),
          ],
          total: 1,
        }),
      },
    });
    expect(q(el, 'notes-draft')?.textContent).toContain(hostile);
    expect(q(el, 'notes-draft')?.textContent).toContain('<script>alert(1)</script>');
    await act(async () => (q(el, 'notes-draft-open') as HTMLButtonElement).click());
    await settle();
    expect(q(el, 'note')?.getAttribute('data-call-id')).toBe('old');
    expect((q(el, 'note-field-identify') as HTMLTextAreaElement).value).toBe(hostile);
    expect((q(el, 'note-field-custom') as HTMLTextAreaElement).value).toBe('"; DROP TABLE notes; --');
    expect((q(el, 'note-text') as HTMLTextAreaElement).value).toBe('<b>bold</b>');
    await act(async () => (q(el, 'history-search') as HTMLButtonElement).click());
    await settle();
    expect(q(el, 'history-snippet')?.textContent).toBe('<i>match</i>');
    expect(el.querySelector('img, script, b, i')).toBeNull();
    await unmount();
  });
});

describe('history', () => {
  it('searches, shows times, opens a call read-only, and exports CSV through a download link', async () => {
    const queries: unknown[] = [];
    const exports: unknown[] = [];
    const k1 = (callId: string) =>
      callSummary(callId, {
        direction: 'outbound',
        remoteNumber: '5550199',
        handleMs: 125_000,
        acwMs: 42_000,
        disposition: 'escalated',
      });
    const { el, unmount } = await mount({
      handlers: {
        'notes.history': async (a) => {
          queries.push(a);
          return { calls: [k1('k1')], total: 1 };
        },
        'notes.detail': async ({ callId }) => ({
          call: k1(callId),
          timeline: [
            { at: 0, kind: 'hold', data: { on: true } },
            { at: 1000, kind: 'acw', data: { phase: 'start' } },
          ],
          note: noteView(callId, {
            fields: { identify: 'Beto' },
            text: 'refund',
            disposition: 'escalated',
            status: 'final',
            finishedAt: 1,
          }),
          editable: false,
        }),
        'notes.export': async (a) => {
          exports.push(a);
          return { data: 'callId,disposition\nk1,escalated\n' };
        },
      },
    });
    await act(async () => type(q(el, 'history-query'), 'refund'));
    await act(async () => (q(el, 'history-search') as HTMLButtonElement).click());
    await settle();
    expect(queries).toEqual([
      { limit: 50, offset: 0, query: 'refund', countLimit: 10_000, from: expect.any(Number), to: expect.any(Number) },
    ]);
    expect(q(el, 'history-count')?.textContent).toBe('Calls found: 1 (showing 1–1)');
    expect(q(el, 'history-next')).toBeNull();
    const row = q(el, 'history-row');
    expect(row?.textContent).toContain('2:05');
    expect(row?.textContent).toContain('0:42');
    expect(row?.textContent).toContain(en['notes.disposition.escalated']);
    await act(async () => (q(el, 'history-open') as HTMLButtonElement).click());
    await settle();
    expect(q(el, 'history-detail')?.getAttribute('data-call-id')).toBe('k1');
    expect(
      [...el.querySelectorAll('[data-testid=history-timeline] li')].map((li) => li.getAttribute('data-kind')),
    ).toEqual(['hold', 'acw']);
    expect(q(el, 'history-note-text')?.textContent).toBe('refund');
    expect(q(el, 'history-edit')).toBeNull();

    const clicked: string[] = [];
    const created: Blob[] = [];
    const origCreate = URL.createObjectURL;
    URL.createObjectURL = (b: Blob) => {
      created.push(b);
      return 'blob:test';
    };
    const origClick = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function click(this: HTMLAnchorElement) {
      clicked.push(`${this.getAttribute('href')} ${this.download}`);
    };
    try {
      await act(async () => type(q(el, 'history-from'), '2026-01-01'));
      await act(async () => type(q(el, 'history-to'), '2026-01-31'));
      await act(async () => (q(el, 'history-export') as HTMLButtonElement).click());
      await settle();
    } finally {
      URL.createObjectURL = origCreate;
      HTMLAnchorElement.prototype.click = origClick;
    }
    expect(exports).toEqual([
      { from: new Date(2026, 0, 1).getTime(), to: new Date(2026, 0, 31).getTime() + 86_400_000 - 1, format: 'csv' },
    ]);
    expect(clicked).toEqual(['blob:test diadema-calls-2026-01-01-2026-01-31.csv']);
    expect(await created[0]?.text()).toBe('callId,disposition\nk1,escalated\n');

    await act(async () => type(q(el, 'history-to'), '2025-12-01'));
    await act(async () => (q(el, 'history-export') as HTMLButtonElement).click());
    expect(q(el, 'history-error')?.textContent).toBe(en['history.badRange']);
    await unmount();
  });
});

describe('history pages', () => {
  it('pages through more calls than fit on one page, within the chosen days', async () => {
    const queries: Array<{ offset: number; from?: number; to?: number }> = [];
    const row = (i: number) => callSummary(`c${i}`, { remoteNumber: String(i) });
    const { el, unmount } = await mount({
      handlers: {
        'notes.history': async (a) => {
          queries.push(a);
          return {
            calls: Array.from({ length: Math.min(50, 120 - a.offset) }, (_, i) => row(a.offset + i)),
            total: 120,
          };
        },
      },
    });
    await act(async () => type(q(el, 'history-from'), '2026-03-01'));
    await act(async () => type(q(el, 'history-to'), '2026-03-02'));
    await act(async () => (q(el, 'history-search') as HTMLButtonElement).click());
    await settle();
    expect(q(el, 'history-count')?.textContent).toBe('Calls found: 120 (showing 1–50)');
    expect((q(el, 'history-prev') as HTMLButtonElement).disabled).toBe(true);
    await act(async () => (q(el, 'history-next') as HTMLButtonElement).click());
    await settle();
    await act(async () => (q(el, 'history-next') as HTMLButtonElement).click());
    await settle();
    expect(q(el, 'history-count')?.textContent).toBe('Calls found: 120 (showing 101–120)');
    expect(el.querySelectorAll('[data-testid=history-row]')).toHaveLength(20);
    expect((q(el, 'history-next') as HTMLButtonElement).disabled).toBe(true);
    await act(async () => (q(el, 'history-prev') as HTMLButtonElement).click());
    await settle();
    expect(queries.map((x) => x.offset)).toEqual([0, 50, 100, 50]);
    expect(
      queries.every(
        (x) => x.from === new Date(2026, 2, 1).getTime() && x.to === new Date(2026, 2, 2).getTime() + 86_400_000 - 1,
      ),
    ).toBe(true);
    await unmount();
  });
});

describe('history count', () => {
  it('a search asks for a capped count and says "more than" when there are more; paging goes on past it', async () => {
    const queries: Array<{ offset: number; query?: string; countLimit?: number }> = [];
    const { el, unmount } = await mount({
      handlers: {
        'notes.history': async (a) => {
          queries.push(a);
          return {
            calls: Array.from({ length: 50 }, (_, i) => callSummary(`c${a.offset + i}`)),
            total: 10_000,
            totalCapped: true,
          };
        },
      },
    });
    await act(async () => type(q(el, 'history-query'), 'fac'));
    await act(async () => (q(el, 'history-search') as HTMLButtonElement).click());
    await settle();
    expect(q(el, 'history-count')?.textContent).toBe('Calls found: more than 10000 (showing 1–50)');
    expect(queries[0]).toMatchObject({ query: 'fac', countLimit: 10_000 });
    expect((q(el, 'history-next') as HTMLButtonElement).disabled).toBe(false);
    await unmount();
  });
});

describe('history edit window', () => {
  it('a note still inside its edit window opens for editing in the notes panel', async () => {
    const eva = (callId: string) => callSummary(callId, { remoteName: 'Eva', handleMs: 1000, disposition: 'resolved' });
    const note = (callId: string) =>
      noteView(callId, {
        fields: { assist: 'sent' },
        text: 'ok',
        disposition: 'resolved',
        status: 'final',
        finishedAt: 1,
      });
    const { el, unmount } = await mount({
      handlers: {
        'notes.history': async () => ({ calls: [eva('e1')], total: 1 }),
        'notes.detail': async ({ callId }) => ({ call: eva(callId), timeline: [], note: note(callId), editable: true }),
        'notes.get': async ({ callId }) => ({ note: note(callId), editable: true }),
      },
    });
    await act(async () => (q(el, 'history-search') as HTMLButtonElement).click());
    await settle();
    await act(async () => (q(el, 'history-open') as HTMLButtonElement).click());
    await settle();
    expect(q(el, 'history-detail')?.textContent).toContain(en['history.editable']);
    await act(async () => (q(el, 'history-edit') as HTMLButtonElement).click());
    await settle();
    expect(q(el, 'note')?.getAttribute('data-call-id')).toBe('e1');
    expect((q(el, 'note-field-assist') as HTMLTextAreaElement).readOnly).toBe(false);
    expect((q(el, 'note-field-assist') as HTMLTextAreaElement).value).toBe('sent');
    await unmount();
  });
});

describe('history timeline', () => {
  const timeline: TimelineEntry[] = [
    { at: 1, kind: 'state', data: { state: 'ringing' } },
    { at: 2, kind: 'state', data: { state: 'answered' } },
    { at: 3, kind: 'mute', data: { muted: true, source: 'headset' } },
    { at: 4, kind: 'mute', data: { muted: false, source: 'ui' } },
    { at: 5, kind: 'hold', data: { on: true } },
    { at: 6, kind: 'hold', data: { on: false } },
    { at: 7, kind: 'quality', data: { mos: 4.2, jitterMs: 3.2, lossPct: 0.1, rttMs: 41.6 } },
    { at: 8, kind: 'device', data: { connected: true, product: hostile } },
    { at: 9, kind: 'device', data: { connected: false } },
    { at: 10, kind: 'transfer', data: { done: true } },
    { at: 11, kind: 'state', data: { state: 'ended', endReason: 'remote-hangup' } },
    { at: 12, kind: 'agent', data: { from: 'available', to: 'acw', cause: 'call-ended' } },
    { at: 13, kind: 'acw', data: { phase: 'start' } },
    { at: 14, kind: 'acw', data: { phase: 'end' } },
    { at: 15, kind: 'agent', data: { from: 'acw', to: 'not-ready', reason: 'meeting', cause: 'agent' } },
    // What a newer or a hostile core might write: never shown raw.
    { at: 16, kind: 'mute', data: { muted: true, source: hostile } },
    { at: 17, kind: 'state', data: { state: 'ended', endReason: '<b>gone</b>' } },
    { at: 18, kind: 'hold', data: { cause: 'something-new' } },
    { at: 19, kind: 'agent', data: { to: 'on-strike', cause: 'agent' } },
  ];
  async function events(language: 'en' | 'es-MX') {
    const call = callSummary('t1', { remoteName: 'Ana', handleMs: 1000 });
    const { el, unmount } = await mount({
      language,
      handlers: {
        'notes.history': async () => ({ calls: [call], total: 1 }),
        'notes.detail': async () => ({ call, timeline, note: null, editable: false }),
      },
    });
    await act(async () => (q(el, 'history-search') as HTMLButtonElement).click());
    await settle();
    await act(async () => (q(el, 'history-open') as HTMLButtonElement).click());
    await settle();
    const texts = [...el.querySelectorAll('[data-testid=history-timeline] [data-testid=history-event]')].map(
      (x) => x.textContent,
    );
    const detail = q(el, 'history-detail');
    const markup = el.querySelector('[data-testid=history-timeline] img, [data-testid=history-timeline] b');
    await unmount();
    return { texts, detail: detail?.textContent ?? '', markup };
  }

  it('tells each entry as a sentence in Mexican Spanish, values interpolated, unknown values as a generic line', async () => {
    const { texts, detail, markup } = await events('es-MX');
    expect(texts).toEqual([
      'Entró la llamada',
      'Contestada',
      'Silenciado (diadema)',
      'Micrófono activado (botón)',
      'Llamada puesta en espera',
      'Llamada retomada',
      'MOS 4.2 · jitter 3 ms · pérdida 0.1 % · ida y vuelta 42 ms',
      `Diadema conectada: ${hostile}`,
      'Diadema desconectada',
      'Transferencia completada',
      `Llamada terminada: ${esMX['call.end.remote-hangup']}`,
      `Estado: ${esMX['agent.state.available']} → ${esMX['agent.state.acw']} (terminó la llamada)`,
      'Inició el trabajo posterior a la llamada',
      'Terminó el trabajo posterior a la llamada',
      `Estado: ${esMX['agent.state.acw']} → ${esMX['agent.state.not-ready']} — ${esMX['agent.reason.meeting']} (lo cambió el agente)`,
      'Silenciado',
      'Llamada terminada',
      `${esMX['history.kind.hold']} (esta versión no puede mostrar el detalle)`,
      `${esMX['history.kind.agent']} (esta versión no puede mostrar el detalle)`,
    ]);
    // No raw field names or English values from the core.
    for (const raw of [
      'source',
      'headset',
      'remote-hangup',
      'endReason',
      'cause',
      'call-ended',
      'something-new',
      'on-strike',
      '<b>gone</b>',
    ])
      expect(detail).not.toContain(raw);
    expect(markup).toBeNull();
  });

  it('tells the same entries in English', async () => {
    const { texts, markup } = await events('en');
    expect(texts).toEqual([
      'Incoming call rang',
      'Answered',
      'Muted (headset)',
      'Unmuted (button)',
      'Put on hold',
      'Taken off hold',
      'MOS 4.2 · jitter 3 ms · loss 0.1 % · round trip 42 ms',
      `Headset connected: ${hostile}`,
      'Headset disconnected',
      'Transfer completed',
      'Call ended: The other party hung up',
      'Status: Available → After-call work (the call ended)',
      'After-call work started',
      'After-call work ended',
      'Status: After-call work → Not ready — Meeting (changed by the agent)',
      'Muted',
      'Call ended',
      'Hold (this version cannot show the details)',
      'Agent status (this version cannot show the details)',
    ]);
    expect(markup).toBeNull();
  });
});
