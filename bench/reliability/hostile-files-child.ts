import { mkdirSync } from 'node:fs';
import { jsonFileLayer } from '../../electron/node/settings/layer-source';
import { startAgentCore } from '../../test/support/agent-core';
import { callEvents } from '../../test/support/call-events';
import { goodNote, goodSettings } from './hostile-files-data';

/**
 * One start of the agent core over a data folder, in a child process of the corrupt-files drill (a crash ends only
 * this process). `prepare` writes the good data (two settings of the agent's own, one call with its note);
 * `check` starts over a folder where one file was damaged and prints, as one JSON line on stdout, what the core
 * reports and what it still holds. Uncaught exceptions and unhandled rejections are counted, not fatal, so that
 * the report still comes out.
 * Arguments: `prepare|check DATA-DIR POLICY-FILE`.
 */
export interface FilesChildReport {
  settings: Record<string, unknown>;
  /** Codes of the settings problems the core reports (layer damaged, value unreadable…). */
  settingsIssues: string[];
  store: string;
  storeDetail?: string;
  /** The notes database was set aside: emptied or damaged, and the notes copied into the new one. */
  recovery?: { cause: string; notesRecovered: number };
  note?: string;
  /** Reading the note failed: its code and message. */
  readError?: string;
  profile: string;
  uncaught: number;
  logged: string[];
}

const [mode, dataDir, policyFile] = process.argv.slice(2);
let uncaught = 0;
if (mode === 'check') {
  process.on('uncaughtException', () => uncaught++);
  process.on('unhandledRejection', () => uncaught++);
} else {
  // The shells create the data folder before the core starts.
  mkdirSync(dataDir!, { recursive: true });
}

const agent = await startAgentCore({
  dataDir: dataDir!,
  policy: jsonFileLayer('policy', policyFile!, { quarantineDamaged: false }),
  // The helper also sets 'acw.durationSec' after start; the damage is read from the log lines of the start itself.
  settings: mode === 'prepare' ? goodSettings : {},
});
const { core } = agent;
if (mode === 'prepare') {
  const c = callEvents(goodNote.callId, { at: Date.now() });
  core.notes.onCallEvent(c.ring());
  core.notes.onCallEvent(c.answer(Date.now()));
  const saved = await core.notes.save({ callId: goodNote.callId, fields: {}, text: goodNote.text });
  if (!saved.durable) throw new Error('the good note was not saved durably');
  core.notes.onCallEvent(c.end(Date.now()));
} else {
  // A file changed since the last clean close is checked in the background: what the agent is told is read once
  // that check has answered (it then says whether the file was set aside).
  for (let i = 0; i < 400 && core.notes.storeClient()?.info.checking; i++) await new Promise((r) => setTimeout(r, 25));
  const settings = await core.handlers['settings.get']({});
  const status = await core.handlers['notes.status']({});
  let readError: string | undefined;
  const detail = await core.handlers['notes.detail']({ callId: goodNote.callId }).catch((e: unknown) => {
    readError = `${(e as { code?: string }).code ?? 'no code'}: ${String(e).slice(0, 120)}`;
    return undefined;
  });
  const profile = await core.handlers['profile.status']({});
  const report: FilesChildReport = {
    settings: Object.fromEntries(Object.keys(goodSettings).map((k) => [k, settings.settings[k]?.value])),
    settingsIssues: settings.issues.map((i) => `${i.layer} ${i.code}`),
    store: status.store,
    ...(status.detail ? { storeDetail: status.detail } : {}),
    ...(status.recovery ? { recovery: status.recovery } : {}),
    ...(detail?.note?.text !== undefined ? { note: detail.note.text } : {}),
    ...(readError ? { readError } : {}),
    profile: JSON.stringify(profile).slice(0, 200),
    uncaught,
    logged: agent.logLines.filter((l) => /^\S+ (warn|error) /.test(l)).map((l) => l.slice(25, 200)),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}
await core.stop();
process.exit(0);
