import type { ExportRow } from '../store/store-api';

/**
 * The one export of calls with their notes, used by `notes.export` and `diadema notes export`. CSV follows
 * RFC 4180 (CRLF, every cell quoted when it holds a comma, quote or line break) and neutralises formula injection:
 * a text cell starting with = + - @ (or tab / carriage return) gets a leading single quote. Screen-pop values come
 * from the caller's network, so they go through the same cell rule. JSON carries each call's screen pop as stored.
 */
export type ExportFormat = 'csv' | 'json';

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? '' : new Date(ms).toISOString());

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || /^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function exportNotes(
  rows: readonly ExportRow[],
  format: ExportFormat,
  range: { from: number; to: number },
): string {
  if (format === 'json') {
    return `${JSON.stringify({ from: iso(range.from), to: iso(range.to), calls: rows.map((r) => ({ ...r, ringAtIso: iso(r.ringAt), endAtIso: iso(r.endAt) })) }, null, 2)}\n`;
  }
  const fieldIds = [...new Set(rows.flatMap((r) => Object.keys(r.fields)))].sort();
  // One column per screen-pop header any call rang with, after the note (columns before it keep their places).
  const popHeaders = [...new Set(rows.flatMap((r) => (r.screenPop ?? []).map((p) => p.header)))].sort();
  const popValue = (r: ExportRow, h: string) => r.screenPop?.find((p) => p.header === h)?.value ?? '';
  const header = [
    'call_id',
    'direction',
    'remote_name',
    'remote_number',
    'ring_at',
    'answer_at',
    'end_at',
    'end_reason',
    'handle_s',
    'hold_s',
    'acw_s',
    'disposition',
    'mos',
    'note_status',
    'template',
    ...fieldIds.map((f) => `field:${f}`),
    'text',
    'finished_at',
    ...popHeaders.map((h) => `pop:${h}`),
  ];
  const sec = (ms: number) => Math.round(ms / 100) / 10;
  const lines = [header.map(csvCell).join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.callId,
        r.direction,
        r.remoteName,
        r.remoteNumber,
        iso(r.ringAt),
        iso(r.answerAt),
        iso(r.endAt),
        r.endReason,
        sec(r.handleMs),
        sec(r.holdMs),
        sec(r.acwMs),
        r.disposition,
        r.mos ?? null,
        r.noteStatus,
        r.templateId,
        ...fieldIds.map((f) => r.fields[f] ?? ''),
        r.text,
        iso(r.finishedAt),
        ...popHeaders.map((h) => popValue(r, h)),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  // A byte-order mark so spreadsheet programs read the accents as UTF-8.
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
