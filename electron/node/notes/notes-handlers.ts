import type { ContractHandlers } from '@common/contract/contract';
import { ContractError, RefusedError } from '@common/contract/errors';
import { StoreError } from '../store/store-api';
import type { CurrentNoteTracker } from './current-note';
import type { NotesService } from './notes-service';

export type NotesHandlers = Pick<
  ContractHandlers,
  | 'notes.get'
  | 'notes.save'
  | 'notes.finish'
  | 'notes.history'
  | 'notes.detail'
  | 'notes.drafts'
  | 'notes.export'
  | 'notes.status'
  | 'notes.current'
>;

/** Store errors as the contract's codes; the reason travels as a parameter the renderer can translate. */
function contractError(e: unknown): unknown {
  if (!(e instanceof StoreError)) return e;
  if (e.code === 'not-editable') return new ContractError('forbidden', { reason: 'not-editable' });
  if (e.code === 'no-such-call') return new RefusedError('no-such-call');
  return new ContractError('internal', { reason: e.code });
}
const mapped =
  <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
  async (...a: A): Promise<R> => {
    try {
      return await fn(...a);
    } catch (e) {
      throw contractError(e);
    }
  };

/** The `notes.*` contract calls, answered by the notes service. */
export function notesHandlers(notes: NotesService, current: Pick<CurrentNoteTracker, 'get'>): NotesHandlers {
  return {
    'notes.get': mapped(({ callId }) => notes.get(callId)),
    'notes.save': mapped((a) => notes.save(a)),
    'notes.finish': mapped(({ callId, disposition }) => notes.finish(callId, disposition)),
    'notes.history': mapped((a) => notes.history(a)),
    'notes.detail': mapped(async ({ callId }) => {
      const d = await notes.detail(callId);
      if (!d) throw new RefusedError('no-such-call');
      return d;
    }),
    'notes.drafts': mapped(async () => ({ drafts: await notes.drafts() })),
    'notes.export': mapped(async ({ from, to, format }) => ({ data: await notes.export(from, to, format) })),
    'notes.status': async () => notes.status(),
    'notes.current': async () => current.get(),
  };
}
