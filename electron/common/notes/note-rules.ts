/**
 * The rules of an after-call note, stated once: the store enforces them on disk, the notes service answers with
 * them before the disk has the note, and the renderer checks them before asking. Pure, so every runtime shares it.
 */

/** In `notes.requiredFields`, this id names the note's free text; any other id is a template field. */
export const NOTE_TEXT_FIELD = 'text';

/** What the rules look at in a note (a `NoteView`, a store row mapped to it, the renderer's draft). */
export interface NoteContent {
  text: string;
  fields: Readonly<Record<string, string>>;
}
export interface NoteFinish {
  status: 'draft' | 'final';
  finishedAt?: number | null;
}

/** `notes.editWindowMin` in milliseconds. */
export function editWindowMs(editWindowMin: number): number {
  return editWindowMin * 60_000;
}

/**
 * A note may still be changed: there is none yet, it is a draft, or it was finished no longer than the edit window
 * ago (the window's last millisecond included).
 */
export function isNoteEditable(note: NoteFinish | null | undefined, windowMs: number, now: number): boolean {
  return !note || note.status === 'draft' || (note.finishedAt ?? 0) + windowMs >= now;
}

/** The required fields (in their given order) a note leaves empty or blank; no note leaves them all empty. */
export function missingRequiredFields(required: readonly string[], note: NoteContent | null | undefined): string[] {
  return required.filter((f) => (f === NOTE_TEXT_FIELD ? (note?.text ?? '') : (note?.fields[f] ?? '')).trim() === '');
}

/** The required ids that are template fields (the free text has its own box). */
export function requiredTemplateFields(required: readonly string[]): string[] {
  return required.filter((f) => f !== NOTE_TEXT_FIELD);
}

export function isFieldRequired(required: readonly string[], field: string): boolean {
  return required.includes(field);
}
