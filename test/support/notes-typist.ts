// A child process that behaves like the notes panel: records a call through the notes service (store worker
// found next to this bundle, as in dist/node), then "types" a draft one character every `everyMs`, saving with a
// 300 ms debounce (a save at most 300 ms after the first unsaved keystroke, as the renderer does). It reports on
// stdout: `typed N` per keystroke, `saving N` when a save of the first N characters starts and `saved N` when
// the core answered it durable. The parent kills it with SIGKILL at a moment of its choosing.
import { silentLogger } from '../../electron/node/log';
import { NotesService } from '../../electron/node/notes/notes-service';
import { callEvents } from './call-events';
import { TYPIST_DEBOUNCE_MS, typedText } from './typist-text';

async function main() {
  const [file, callId, every] = process.argv.slice(2);
  if (!file || !callId) throw new Error('usage: notes-typist FILE CALL-ID [EVERY-MS]');
  const everyMs = Number(every ?? 10);
  const notes = new NotesService({
    file,
    log: silentLogger,
    settings: () => ({ requiredFields: [], editWindowMin: 30, syncUrl: '' }),
  });
  await notes.start();
  const c = callEvents(callId, { at: Date.now() });
  notes.onCallEvent(c.ring());
  notes.onCallEvent(c.answer(Date.now()));
  const out = (line: string) => process.stdout.write(`${line}\n`);
  let typed = 0;
  let timer: NodeJS.Timeout | undefined;
  let inFlight = false;
  let savedUpTo = 0;
  const save = async () => {
    timer = undefined;
    if (inFlight) {
      timer = setTimeout(() => void save(), TYPIST_DEBOUNCE_MS);
      return;
    }
    inFlight = true;
    const n = typed;
    out(`saving ${n}`);
    const r = await notes.save({ callId, fields: {}, text: typedText(n) });
    inFlight = false;
    if (r.durable) {
      savedUpTo = n;
      out(`saved ${n}`);
    }
    if (typed > savedUpTo && !timer) timer = setTimeout(() => void save(), TYPIST_DEBOUNCE_MS);
  };
  out('ready');
  setInterval(() => {
    typed++;
    out(`typed ${typed}`);
    timer ??= setTimeout(() => void save(), TYPIST_DEBOUNCE_MS);
  }, everyMs);
}

main().catch((e: unknown) => {
  process.stderr.write(`typist: ${String(e)}\n`);
  process.exit(1);
});
