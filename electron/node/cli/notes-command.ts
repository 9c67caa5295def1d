import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportNotes, type ExportFormat } from '../notes/export';
import { openStore } from '../store/database';
import { StoreError } from '../store/store-api';
import type { CliIo } from './doctor-command';

const usage = `usage: diadema notes export --from DATE --to DATE [--format csv|json] [--data-dir DIR] [--out FILE]
  DATE is YYYY-MM-DD (local time; --to includes that whole day) or an ISO date-time.
  DIR defaults to $DIADEMA_DATA_DIR, else ~/.config/diadema-browser (the browser host's data folder).
`;

/** `YYYY-MM-DD` (local day; `endOfDay` gives its last millisecond) or anything `Date` reads as ISO 8601. */
export function parseDate(s: string, endOfDay: boolean): number | undefined {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]) - 1, Number(day[3])];
    const start = new Date(y, m, d);
    if (start.getFullYear() !== y || start.getMonth() !== m || start.getDate() !== d) return undefined;
    return endOfDay ? new Date(y, m, d + 1).getTime() - 1 : start.getTime();
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/** `diadema notes export`: calls with their notes over a date range, as CSV or JSON (the same code as `notes.export`). */
export async function runNotesCommand(
  args: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'export') {
    io.err(sub ? `notes: unknown subcommand ${sub}\n${usage}` : usage);
    return 2;
  }
  const opts: Record<string, string> = {};
  for (let i = 0; i < rest.length; i += 2) {
    const k = rest[i]!,
      v = rest[i + 1];
    if (!['--from', '--to', '--format', '--data-dir', '--out'].includes(k)) {
      io.err(`notes export: unknown option ${k}\n${usage}`);
      return 2;
    }
    if (v === undefined) {
      io.err(`notes export: ${k} needs a value\n${usage}`);
      return 2;
    }
    opts[k.slice(2)] = v;
  }
  if (!opts.from || !opts.to) {
    io.err(`notes export: --from and --to are required\n${usage}`);
    return 2;
  }
  const from = parseDate(opts.from, false),
    to = parseDate(opts.to, true);
  if (from === undefined) {
    io.err(`notes export: --from ${opts.from} is not a date (YYYY-MM-DD)\n`);
    return 2;
  }
  if (to === undefined) {
    io.err(`notes export: --to ${opts.to} is not a date (YYYY-MM-DD)\n`);
    return 2;
  }
  if (to < from) {
    io.err('notes export: --to is before --from\n');
    return 2;
  }
  const format = (opts.format ?? 'csv') as ExportFormat;
  if (format !== 'csv' && format !== 'json') {
    io.err(`notes export: --format must be csv or json\n`);
    return 2;
  }
  const dataDir =
    opts['data-dir'] ??
    env.DIADEMA_DATA_DIR ??
    path.join(env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'diadema-browser');
  const file = path.join(dataDir, 'notes.sqlite');
  if (!existsSync(file)) {
    io.err(`notes export: no notes database at ${file}\n`);
    return 1;
  }
  let data: string;
  try {
    const store = openStore(file, { recoverCorrupt: false });
    try {
      data = exportNotes(store.exportRows({ from, to }), format, { from, to });
    } finally {
      store.close();
    }
  } catch (e) {
    const reason =
      e instanceof StoreError
        ? e.code === 'corrupt'
          ? `the database is damaged (${e.message}); the app moves it aside on its next start`
          : e.message
        : String(e);
    io.err(`notes export: ${reason}\n`);
    return 1;
  }
  if (opts.out) {
    writeFileSync(opts.out, data);
    io.err(`notes export: wrote ${opts.out}\n`);
  } else io.out(data);
  return 0;
}
