import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDate, runNotesCommand } from '../../../../electron/node/cli/notes-command';
import type { ScreenPopRecord } from '../../../../electron/common/contract/screen-pop';
import { csvCell } from '../../../../electron/node/notes/export';
import { openStore } from '../../../../electron/node/store/database';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-export-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** RFC 4180 reader, to check what a spreadsheet would see. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [],
    cell = '',
    quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}
const run = async (args: string[]) => {
  let out = '',
    err = '';
  const code = await runNotesCommand(
    args,
    {
      out: (s) => {
        out += s;
      },
      err: (s) => {
        err += s;
      },
    },
    {},
  );
  return { code, out, err };
};

function seed() {
  const store = openStore(path.join(dir, 'notes.sqlite'));
  const day = (d: number, h: number) => new Date(2026, 2, d, h).getTime();
  const notes: Array<[string, number, string, Record<string, string>]> = [
    ['n1', day(3, 9), 'Línea 1, con coma\n"Línea 2" con comillas', { identifica: '=CMD|calc', ayuda: '-2+3' }],
    ['n2', day(3, 23), '@SUM(A1) 😀 مرحبا', { identifica: '+34 600 000 000' }],
    ['n3', day(4, 10), 'fuera del rango', {}],
  ];
  // What the IVR sent when each call rang (n3 rang with none): values from the network, so formulas are neutralised.
  const popOf: Record<string, ScreenPopRecord[]> = {
    n1: [
      { header: 'X-Account-Id', label: { en: 'Account', 'es-MX': 'Cuenta' }, value: '4815-1623' },
      { header: 'X-IVR-Path', value: 'billing, "late"' },
    ],
    n2: [{ header: 'X-Account-Id', label: { en: 'Account' }, value: '=HYPERLINK("http://evil")' }],
  };
  for (const [id, at, text, fields] of notes) {
    store.callStarted({
      callId: id,
      direction: 'inbound',
      remoteName: 'Cliente, S.A.',
      remoteNumber: '+525511112222',
      at,
      ...(popOf[id] ? { screenPop: popOf[id] } : {}),
    });
    store.callState({ callId: id, at: at + 1000, state: 'answered' });
    store.callState({ callId: id, at: at + 61_000, state: 'ended', endReason: 'local-hangup' });
    store.saveNote({ callId: id, at: at + 62_000, fields, text, editWindowMs: 0, enqueueUpdate: false });
  }
  store.finishNote({ callId: 'n1', at: day(3, 10), disposition: 'resolved', requiredFields: [], enqueue: false });
  store.close();
}

describe('notes export (CLI and notes.export)', () => {
  it('CSV: every cell survives commas, quotes and line breaks; formulas are neutralised; the range is whole days', async () => {
    seed();
    const r = await run(['export', '--from', '2026-03-03', '--to', '2026-03-03', '--format', 'csv', '--data-dir', dir]);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = readCsv(r.out.slice(1));
    expect(rows).toHaveLength(2);
    const col = (row: string[], name: string) => row[header!.indexOf(name)];
    expect(rows.map((x) => col(x, 'call_id'))).toEqual(['n1', 'n2']);
    expect(col(rows[0]!, 'text')).toBe('Línea 1, con coma\n"Línea 2" con comillas');
    expect(col(rows[0]!, 'field:identifica')).toBe("'=CMD|calc");
    expect(col(rows[0]!, 'field:ayuda')).toBe("'-2+3");
    expect(col(rows[0]!, 'remote_name')).toBe('Cliente, S.A.');
    expect(col(rows[0]!, 'remote_number')).toBe("'+525511112222");
    expect(col(rows[0]!, 'disposition')).toBe('resolved');
    expect(col(rows[0]!, 'handle_s')).toBe('60');
    expect(col(rows[1]!, 'text')).toBe("'@SUM(A1) 😀 مرحبا");
    expect(col(rows[1]!, 'note_status')).toBe('draft');
    // One column per screen-pop header, after the columns that were there before; empty where a call had none.
    expect(header!.slice(-2)).toEqual(['pop:X-Account-Id', 'pop:X-IVR-Path']);
    expect(header!.indexOf('finished_at')).toBe(header!.length - 3);
    expect(col(rows[0]!, 'pop:X-Account-Id')).toBe('4815-1623');
    expect(col(rows[0]!, 'pop:X-IVR-Path')).toBe('billing, "late"');
    expect(col(rows[1]!, 'pop:X-Account-Id')).toBe('\'=HYPERLINK("http://evil")');
    expect(col(rows[1]!, 'pop:X-IVR-Path')).toBe('');
  });

  it('JSON carries the same calls verbatim; --out writes a file', async () => {
    seed();
    const out = path.join(dir, 'x.json');
    const r = await run([
      'export',
      '--from',
      '2026-03-01',
      '--to',
      '2026-03-31',
      '--format',
      'json',
      '--data-dir',
      dir,
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as {
      calls: Array<{ callId: string; text: string; fields: Record<string, string> }>;
    };
    expect(doc.calls.map((c) => c.callId)).toEqual(['n1', 'n2', 'n3']);
    expect(doc.calls[0]!.fields.identifica).toBe('=CMD|calc'); // JSON is data, not a spreadsheet: verbatim
    expect(doc.calls[1]!.text).toBe('@SUM(A1) 😀 مرحبا');
    const pops = doc.calls.map((c) => (c as { screenPop?: ScreenPopRecord[] }).screenPop);
    expect(pops[0]).toEqual([
      { header: 'X-Account-Id', label: { en: 'Account', 'es-MX': 'Cuenta' }, value: '4815-1623' },
      { header: 'X-IVR-Path', value: 'billing, "late"' },
    ]);
    expect(pops[1]).toEqual([{ header: 'X-Account-Id', label: { en: 'Account' }, value: '=HYPERLINK("http://evil")' }]);
    expect(pops[2]).toBeUndefined();
  });

  it('bad input gets a clear message and a non-zero exit', async () => {
    expect(await run(['export', '--from', '2026-02-30', '--to', '2026-03-01', '--data-dir', dir])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--from 2026-02-30 is not a date/),
    });
    expect(await run(['export', '--from', '2026-03-02', '--to', '2026-03-01', '--data-dir', dir])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/before/),
    });
    expect(
      await run(['export', '--from', '2026-03-01', '--to', '2026-03-02', '--format', 'xml', '--data-dir', dir]),
    ).toMatchObject({ code: 2 });
    expect(await run(['export', '--from', '2026-03-01', '--to', '2026-03-02', '--data-dir', dir])).toMatchObject({
      code: 1,
      err: expect.stringMatching(/no notes database at/),
    });
    const db = new BetterSqlite3(path.join(dir, 'notes.sqlite'));
    db.pragma('user_version = 77');
    db.close();
    expect(await run(['export', '--from', '2026-03-01', '--to', '2026-03-02', '--data-dir', dir])).toMatchObject({
      code: 1,
      err: expect.stringMatching(/schema version 77/),
    });
    expect(await run(['import'])).toMatchObject({ code: 2 });
  });

  it('csv cells and dates', () => {
    expect([
      csvCell('plain'),
      csvCell('a,b'),
      csvCell('say "hi"'),
      csvCell('=1+1'),
      csvCell('\tx'),
      csvCell(' pad'),
      csvCell(null),
      csvCell(-3),
    ]).toEqual(['plain', '"a,b"', '"say ""hi"""', "'=1+1", "'\tx", '" pad"', '', '-3']);
    expect(parseDate('2026-03-03', true)! - parseDate('2026-03-03', false)!).toBe(86_400_000 - 1);
    expect(parseDate('2026-03-03T10:00:00Z', false)).toBe(Date.UTC(2026, 2, 3, 10));
    expect(parseDate('03/03/2026', false)).toBeUndefined();
  });
});
