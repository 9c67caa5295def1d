import { z } from 'zod';
import { callId } from './calls';
import { screenPopRecord } from './screen-pop';
import { SCREEN_POP_FIELDS_MAX } from './screen-pop-record';

/**
 * After-call notes, call history and the local store's health. The core keeps every call, its timeline
 * and its note in SQLite; the renderer saves drafts as the agent types (debounced, at most 300 ms at risk).
 */

/** Up to 1 MB of pasted text per field, any Unicode, stored verbatim. */
export const NOTE_TEXT_MAX = 1_048_576;
const noteText = z.string().max(NOTE_TEXT_MAX);
const fieldId = z.string().min(1).max(64);
const disposition = z.string().min(1).max(128);

export const noteView = z.object({
  callId: z.string(),
  templateId: z.string().nullable(),
  /** Field id -> text. */
  fields: z.record(z.string(), z.string()),
  text: z.string(),
  disposition: z.string().nullable(),
  status: z.enum(['draft', 'final']),
  updatedAt: z.number(),
  finishedAt: z.number().optional(),
});
export type NoteView = z.infer<typeof noteView>;

export const callSummary = z.object({
  callId: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  remoteName: z.string(),
  remoteNumber: z.string(),
  ringAt: z.number(),
  answerAt: z.number().optional(),
  endAt: z.number().optional(),
  /** Answer to end (0 when never answered). */
  handleMs: z.number(),
  holdMs: z.number(),
  acwMs: z.number(),
  disposition: z.string().nullable(),
  /** Average MOS of the quality samples taken during the call. */
  mos: z.number().optional(),
  /** Where the full-text query matched, as plain text. */
  snippet: z.string().optional(),
  /** The customer data the call rang with (header, label as the team set it then, value); absent: none. */
  screenPop: z.array(screenPopRecord).max(SCREEN_POP_FIELDS_MAX).optional(),
});
export type CallSummary = z.infer<typeof callSummary>;

export const timelineKind = z.enum(['mute', 'hold', 'transfer', 'device', 'quality', 'state', 'acw', 'agent']);
export type TimelineKind = z.infer<typeof timelineKind>;
export const timelineEntry = z.object({ at: z.number(), kind: timelineKind, data: z.record(z.string(), z.unknown()) });
export type TimelineEntry = z.infer<typeof timelineEntry>;

export const notesStatus = z.object({
  store: z.enum(['ok', 'recovered', 'disk-full', 'failed']),
  detail: z.string().max(500).optional(),
  /** Where a corrupt database file was moved to (store 'recovered'). */
  movedTo: z.string().max(1024).optional(),
  /**
   * What happened to the file moved aside (store 'recovered'): `emptied`, zero bytes where a database existed (a
   * crash or a disk tool truncated it), or `damaged`; and how many notes were copied from it into the new database.
   */
  recovery: z
    .object({ cause: z.enum(['emptied', 'damaged']), notesRecovered: z.number().int().nonnegative() })
    .optional(),
  outbox: z.object({
    pending: z.number().int().nonnegative(),
    lastError: z.string().max(300).optional(),
    nextAttemptAt: z.number().optional(),
    /** A sync endpoint is configured. */
    endpoint: z.boolean(),
  }),
});
export type NotesStatus = z.infer<typeof notesStatus>;

export const noteDraft = z.object({
  callId: z.string(),
  remoteName: z.string(),
  remoteNumber: z.string(),
  updatedAt: z.number(),
  preview: z.string(),
});
export type NoteDraft = z.infer<typeof noteDraft>;

export const noteSaveArgs = z
  .object({
    callId,
    templateId: z.string().max(64).nullable().optional(),
    fields: z.record(fieldId, noteText).refine((f) => Object.keys(f).length <= 32, 'too many fields'),
    text: noteText,
    disposition: disposition.nullable().optional(),
  })
  .strict();
export type NoteSaveArgs = z.infer<typeof noteSaveArgs>;

export const exportFormat = z.enum(['csv', 'json']);

/** Which call's note the agent is writing now: the answered customer call, else the call in after-call work. */
export const currentNote = z.object({ callId: z.string().nullable() });
export type CurrentNote = z.infer<typeof currentNote>;

export const notesCalls = {
  'notes.get': {
    args: z.object({ callId }).strict(),
    result: z.object({ note: noteView.nullable(), editable: z.boolean() }),
  },
  'notes.save': { args: noteSaveArgs, result: z.object({ savedAt: z.number(), durable: z.boolean() }) },
  'notes.finish': {
    args: z.object({ callId, disposition }).strict(),
    result: z.object({ ok: z.boolean(), missing: z.array(z.string()) }),
  },
  /**
   * Newest first (by ring time; with a query, by when the note was opened). `total` counts every match, or at most
   * `countLimit` of them (then `totalCapped`: there are more): counting a short prefix's matches in a million notes
   * costs far more than finding the page.
   */
  'notes.history': {
    args: z
      .object({
        from: z.number().optional(),
        to: z.number().optional(),
        query: z.string().max(256).optional(),
        limit: z.number().int().min(1).max(200),
        offset: z.number().int().nonnegative(),
        countLimit: z.number().int().min(1).max(1_000_000).optional(),
      })
      .strict(),
    result: z.object({
      calls: z.array(callSummary),
      total: z.number().int().nonnegative(),
      totalCapped: z.boolean().optional(),
    }),
  },
  'notes.detail': {
    args: z.object({ callId }).strict(),
    result: z.object({
      call: callSummary,
      timeline: z.array(timelineEntry),
      note: noteView.nullable(),
      editable: z.boolean(),
    }),
  },
  'notes.drafts': { args: z.object({}).strict(), result: z.object({ drafts: z.array(noteDraft) }) },
  'notes.export': {
    args: z.object({ from: z.number(), to: z.number(), format: exportFormat }).strict(),
    result: z.object({ data: z.string() }),
  },
  'notes.status': { args: z.object({}).strict(), result: notesStatus },
  'notes.current': { args: z.object({}).strict(), result: currentNote },
} as const;

export const notesEvents = {
  'notes.status': notesStatus,
  'notes.current': currentNote,
} as const;
