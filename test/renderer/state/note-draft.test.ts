import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ContractError } from '@common/contract/errors';
import type { NoteSaveArgs } from '@common/contract/notes';
import { createNoteDraft } from '../../../renderer/src/state/note-draft';

// The note being written (renderer/src/state/note-draft.ts) against a scripted core, with vitest's fake timers:
// a change must reach the core even when the note is closed or another one opened before it got there.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function scriptedCore() {
  const saves: NoteSaveArgs[] = [];
  const answers: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  const client = {
    'notes.get': async () => ({ note: null, editable: true }),
    'notes.save': (a: NoteSaveArgs) =>
      new Promise<{ savedAt: number; durable: boolean }>((resolve, reject) => {
        saves.push(a);
        answers.push({ resolve: () => resolve({ savedAt: 1, durable: true }), reject });
      }),
    'notes.finish': async () => ({ ok: true, missing: [] }),
  };
  return { client, saves, answers };
}
const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('note draft', () => {
  it('keys typed while the note opens are kept: not lost before it is open, not replaced by the stored copy', async () => {
    const core = scriptedCore();
    let answerGet: (v: { note: unknown; editable: boolean }) => void = () => undefined;
    const client = {
      ...core.client,
      'notes.get': () => new Promise<{ note: unknown; editable: boolean }>((r) => (answerGet = r)),
    } as unknown as typeof core.client;
    const note = createNoteDraft(client);
    const opened = note.open('c1', null);
    // Before the open has even switched to the call (it first flushes what was pending).
    note.edit({ text: 'r' });
    await settle();
    expect(note.getState()).toMatchObject({ callId: 'c1', text: 'r' });
    // While the core's copy is on its way.
    note.edit({ text: 'ru', fields: { account: '48' } });
    answerGet({
      note: {
        callId: 'c1',
        templateId: null,
        fields: { account: '', reason: 'billing' },
        text: '',
        disposition: null,
        status: 'draft',
        updatedAt: 1,
      },
      editable: true,
    });
    await opened;
    expect(note.getState()).toMatchObject({ text: 'ru', fields: { account: '48', reason: 'billing' } });
    note.edit({ text: 'run 3' });
    await vi.advanceTimersByTimeAsync(300);
    expect(core.saves.at(-1)).toMatchObject({
      callId: 'c1',
      text: 'run 3',
      fields: { account: '48', reason: 'billing' },
    });
  });

  it('a change typed while the previous save is on its way still reaches the core when the note is closed', async () => {
    const core = scriptedCore();
    const note = createNoteDraft(core.client);
    await note.open('c1', null);
    note.edit({ text: 'first' });
    await vi.advanceTimersByTimeAsync(300);
    expect(core.saves.map((s) => s.text)).toEqual(['first']);
    note.edit({ text: 'first and second' });
    note.close();
    core.answers[0]!.resolve();
    await settle();
    await vi.advanceTimersByTimeAsync(300);
    expect(core.saves.map((s) => [s.callId, s.text])).toEqual([
      ['c1', 'first'],
      ['c1', 'first and second'],
    ]);
  });

  it('a change the core could not take is retried after the agent opens another note, and stops once taken', async () => {
    const core = scriptedCore();
    const note = createNoteDraft(core.client);
    await note.open('c1', null);
    note.edit({ text: 'only here' });
    await vi.advanceTimersByTimeAsync(300);
    core.answers[0]!.reject(new ContractError('internal'));
    await settle();
    expect(note.getState().save).toBe('unsaved');
    await note.open('c2', null);
    await vi.advanceTimersByTimeAsync(2000);
    const c1 = () => core.saves.filter((s) => s.callId === 'c1').map((s) => s.text);
    expect(c1()).toEqual(['only here', 'only here']);
    core.answers[1]!.resolve();
    await settle();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(c1()).toEqual(['only here', 'only here']);
    expect(note.getState().callId).toBe('c2');
  });

  it("a closed note's change the core refuses for good (edit window passed) is not retried", async () => {
    const core = scriptedCore();
    const note = createNoteDraft(core.client);
    await note.open('c1', null);
    note.edit({ text: 'late edit' });
    await vi.advanceTimersByTimeAsync(300);
    core.answers[0]!.reject(new ContractError('internal'));
    await settle();
    note.close();
    await vi.advanceTimersByTimeAsync(2000);
    expect(core.saves).toHaveLength(2);
    core.answers[1]!.reject(new ContractError('forbidden', { reason: 'not-editable' }));
    await settle();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(core.saves).toHaveLength(2);
  });
});
