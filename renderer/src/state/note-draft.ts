import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ContractClient } from '@common/contract/contract';
import { ContractError } from '@common/contract/errors';
import { missingRequiredFields } from '@common/notes/note-rules';
import { createDebouncer, windowTimers, type Timers } from './debounce';

/**
 * saving: a change is waiting or on its way to the core; saved: on disk; memory: the core has it but the disk
 * refused it (kept in memory and retried there); unsaved: the core could not be reached, kept in this window and
 * retried.
 */
export type SaveStatus = 'idle' | 'saving' | 'saved' | 'memory' | 'unsaved';
export type FinishProblem = 'no-disposition' | 'missing' | 'failed';

export interface NoteDraftState {
  callId: string | undefined;
  templateId: string | null;
  fields: Record<string, string>;
  text: string;
  disposition: string | null;
  status: 'draft' | 'final';
  /** A final note outside its edit window is shown read-only. */
  editable: boolean;
  save: SaveStatus;
  savedAt?: number;
  /** Required fields still empty, after a finish attempt. */
  missing: string[];
  problem?: FinishProblem;
}

export type NoteEdit = Partial<Pick<NoteDraftState, 'templateId' | 'fields' | 'text' | 'disposition'>>;

export interface NoteDraft extends StoreApi<NoteDraftState> {
  /** Opens the note of a call (its saved state, or a fresh draft with the given template). */
  open(callId: string, templateId: string | null): Promise<void>;
  edit(patch: NoteEdit): void;
  /** Sends a pending change now and waits for it. */
  flush(): Promise<void>;
  /** Finishes the note: disposition chosen and required fields filled, else `problem`/`missing` say why not. */
  finish(required: string[]): Promise<boolean>;
  close(): void;
}

/** How long typing may wait for a quiet spell, and the most that can ever be only in memory. */
export const SAVE_WAIT_MS = 200;
export const SAVE_MAX_WAIT_MS = 300;
const RETRY_MS = 2000;

const empty = (): NoteDraftState => ({
  callId: undefined,
  templateId: null,
  fields: {},
  text: '',
  disposition: null,
  status: 'draft',
  editable: true,
  save: 'idle',
  missing: [],
});

/** The note being written: edits are saved through the core as the agent types (debounced, ≤300 ms at risk). */
export function createNoteDraft(
  client: Pick<ContractClient, 'notes.get' | 'notes.save' | 'notes.finish'>,
  timers: Timers = windowTimers,
): NoteDraft {
  const store = createStore<NoteDraftState>(empty);
  let inFlight: Promise<void> | undefined;
  let again = false;
  let retry: unknown;
  /**
   * A note being opened: what the agent types before the core's copy arrives is kept here and laid over that copy,
   * so the first keys typed right after answering are never replaced by the (empty) stored note.
   */
  let opening: { callId: string; edits: NoteEdit[] } | undefined;
  /** The newest change of each note closed (or left for another) before the core took it: sent first, retried. */
  const orphans = new Map<string, NoteDraftState>();
  const retryLater = () => {
    if (retry === undefined)
      retry = timers.setTimeout(() => {
        retry = undefined;
        saveNow();
      }, RETRY_MS);
  };
  const save = (s: NoteDraftState, callId: string) =>
    client['notes.save']({
      callId,
      templateId: s.templateId,
      fields: s.fields,
      text: s.text,
      disposition: s.disposition,
    });

  const sendOrphans = async (): Promise<void> => {
    for (const [callId, s] of [...orphans]) {
      try {
        await save(s, callId);
        if (orphans.get(callId) === s) orphans.delete(callId);
      } catch (e) {
        // Refused for good (edit window passed, no such call): nothing to retry.
        if (
          e instanceof ContractError &&
          (e.code === 'forbidden' || e.code === 'invalid-arguments' || e.code === 'refused')
        ) {
          if (orphans.get(callId) === s) orphans.delete(callId);
        } else retryLater();
      }
    }
  };
  const send = async (): Promise<void> => {
    if (orphans.size) await sendOrphans();
    const s = store.getState();
    if (!s.callId) return;
    const callId = s.callId;
    try {
      const r = await save(s, callId);
      if (store.getState().callId === callId)
        store.setState({ save: again ? 'saving' : r.durable ? 'saved' : 'memory', savedAt: r.savedAt });
    } catch {
      if (store.getState().callId !== callId) return;
      store.setState({ save: 'unsaved' });
      retryLater();
    }
  };
  /** The note is left: a change the core has not taken yet is kept aside and still sent. */
  const detach = (): void => {
    const s = store.getState();
    if (s.callId && s.editable && (s.save === 'saving' || s.save === 'unsaved')) orphans.set(s.callId, s);
  };
  // One save at a time, in order; changes made meanwhile go in the next one.
  const saveNow = (): void => {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = send().finally(() => {
      inFlight = undefined;
      if (again) {
        again = false;
        saveNow();
      }
    });
  };
  const debouncer = createDebouncer(saveNow, { waitMs: SAVE_WAIT_MS, maxWaitMs: SAVE_MAX_WAIT_MS, timers });

  const applyEdit = (patch: NoteEdit): void => {
    const s = store.getState();
    if (!s.callId || !s.editable) return;
    store.setState({
      ...patch,
      save: 'saving',
      ...(patch.disposition ? { problem: s.problem === 'no-disposition' ? undefined : s.problem } : {}),
    });
    debouncer.schedule();
  };

  const flush = async (): Promise<void> => {
    debouncer.flush();
    while (inFlight) await inFlight;
  };

  return Object.assign(store, {
    async open(callId: string, templateId: string | null) {
      if (store.getState().callId === callId || opening?.callId === callId) return;
      const o = { callId, edits: [] as NoteEdit[] };
      opening = o;
      await flush();
      if (opening !== o) return; // another note was opened meanwhile
      debouncer.cancel();
      detach();
      store.setState({ ...empty(), callId, templateId });
      for (const patch of o.edits) applyEdit(patch);
      try {
        const { note, editable } = await client['notes.get']({ callId });
        if (store.getState().callId !== callId) return;
        if (note) {
          store.setState({
            templateId: note.templateId ?? templateId,
            fields: note.fields,
            text: note.text,
            disposition: note.disposition,
            status: note.status,
            editable: note.status === 'draft' || editable,
            save: 'saved',
            savedAt: note.updatedAt,
          });
          // What the agent typed while the copy was on its way wins over it (fields merge, key by key).
          for (const patch of o.edits)
            applyEdit(patch.fields ? { ...patch, fields: { ...store.getState().fields, ...patch.fields } } : patch);
        }
      } catch {
        // No note yet, or the store is unreachable: the agent starts writing; saving reports its own status.
      } finally {
        if (opening === o) opening = undefined;
      }
    },
    edit(patch: NoteEdit) {
      // Typed while a note opens: kept for it (and shown at once when it is already the note on screen).
      if (opening) {
        opening.edits.push(patch);
        if (store.getState().callId !== opening.callId) return;
      }
      applyEdit(patch);
    },
    flush,
    async finish(required: string[]) {
      await flush();
      const s = store.getState();
      if (!s.callId) return false;
      const missing = missingRequiredFields(required, s);
      if (!s.disposition) {
        store.setState({ problem: 'no-disposition', missing });
        return false;
      }
      if (missing.length) {
        store.setState({ problem: 'missing', missing });
        return false;
      }
      try {
        const r = await client['notes.finish']({ callId: s.callId, disposition: s.disposition });
        if (!r.ok) {
          store.setState({ problem: 'missing', missing: r.missing });
          return false;
        }
        store.setState({ status: 'final', problem: undefined, missing: [] });
        return true;
      } catch {
        store.setState({ problem: 'failed' });
        return false;
      }
    },
    close() {
      opening = undefined;
      debouncer.cancel();
      detach();
      store.setState(empty());
      if (orphans.size) saveNow();
    },
  });
}
