import { describe, expect, it } from 'vitest';
import {
  editWindowMs,
  isFieldRequired,
  isNoteEditable,
  missingRequiredFields,
  NOTE_TEXT_FIELD,
  requiredTemplateFields,
} from '@common/notes/note-rules';

describe('note rules', () => {
  it('the edit window: minutes to ms; no note and drafts are editable; a final note up to its last ms', () => {
    const w = editWindowMs(30);
    expect(w).toBe(1_800_000);
    expect(isNoteEditable(null, w, 10)).toBe(true);
    expect(isNoteEditable(undefined, 0, 10)).toBe(true);
    expect(isNoteEditable({ status: 'draft', finishedAt: 0 }, 0, 1e12)).toBe(true);
    expect(isNoteEditable({ status: 'final', finishedAt: 1_000 }, w, 1_000 + w)).toBe(true);
    expect(isNoteEditable({ status: 'final', finishedAt: 1_000 }, w, 1_001 + w)).toBe(false);
    expect(isNoteEditable({ status: 'final', finishedAt: 5 }, 0, 5)).toBe(true);
    // A final note with no finish time (a store row with NULL) counts from time 0.
    expect(isNoteEditable({ status: 'final', finishedAt: null }, w, w)).toBe(true);
    expect(isNoteEditable({ status: 'final' }, w, w + 1)).toBe(false);
  });

  it('missing required fields: `text` is the free text, other ids template fields; blank is empty; order kept', () => {
    const required = ['ticket', NOTE_TEXT_FIELD, 'motivo'];
    const blank = { text: '  \n', fields: { ticket: 'T-1', motivo: ' ' } };
    expect(missingRequiredFields(required, blank)).toEqual(['text', 'motivo']);
    expect(missingRequiredFields(required, { text: 'hecho', fields: { ticket: 'T-1', motivo: 'baja' } })).toEqual([]);
    expect(missingRequiredFields(required, { text: 'x', fields: { text: '' } })).toEqual(['ticket', 'motivo']);
    expect(missingRequiredFields(required, null)).toEqual(required);
    expect(missingRequiredFields([], null)).toEqual([]);
  });

  it('required template fields leave out the free text; a field is required when listed', () => {
    expect(requiredTemplateFields(['a', 'text', 'b'])).toEqual(['a', 'b']);
    expect(isFieldRequired(['a', 'text'], 'text')).toBe(true);
    expect(isFieldRequired(['a'], 'b')).toBe(false);
  });
});
