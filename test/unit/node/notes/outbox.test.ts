import https from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../electron/node/log';
import { NotesService, type NotesSettings } from '../../../../electron/node/notes/notes-service';
import { callEvents } from '../../../support/call-events';
import { makeTestCertificates } from '../../../support/https-server';
import { HttpsSink } from '../../../support/https-sink';
import { bundleStoreWorker } from '../../../support/store-build';

let worker: Awaited<ReturnType<typeof bundleStoreWorker>>;
let certs: ReturnType<typeof makeTestCertificates>;
let dir: string;
let sink: HttpsSink;
let settings: NotesSettings;
const services: NotesService[] = [];
beforeAll(async () => {
  worker = await bundleStoreWorker();
  certs = makeTestCertificates();
}, 60_000);
afterAll(() => worker.dispose());
beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-outbox-'));
  sink = new HttpsSink(certs);
  await sink.start();
  settings = { requiredFields: [], editWindowMin: 30, syncUrl: sink.url };
});
afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
  await sink.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function service(o: { trust?: boolean } = {}) {
  const s = new NotesService({
    file: path.join(dir, 'notes.sqlite'),
    workerUrl: worker.url,
    log: silentLogger,
    settings: () => settings,
    // Trust for this endpoint only: an agent with the test CA (TLS checks stay on).
    sync: {
      ...(o.trust === false ? {} : { agent: new https.Agent({ ca: certs.caPem }) }),
      timeoutMs: 1_000,
      deadlineMs: 1_500,
      baseDelayMs: 40,
      maxDelayMs: 160,
      random: () => 0.5,
    },
  });
  services.push(s);
  await s.start();
  return s;
}
/** The IVR data a call of these tests rings with; the link is the view's, the record keeps the rest. */
const screenPop = [
  {
    header: 'X-Account-Id',
    label: { en: 'Account', 'es-MX': 'Cuenta', 'es-ES': 'Cuenta' },
    value: '4815 1623',
    link: 'https://crm.example/cases?account=4815%201623',
  },
  { header: 'X-IVR-Path', value: 'facturación > 2' },
];
async function finishedCall(s: NotesService, id: string, text: string) {
  const c = callEvents(id, { screenPop });
  s.onCallEvent(c.ring());
  s.onCallEvent(c.answer(2_000));
  s.onCallEvent(c.end(8_000));
  await s.save({ callId: id, fields: { identifica: 'Sra. Núñez' }, text });
  expect(await s.finish(id, 'resolved')).toEqual({ ok: true, missing: [] });
}
const until = async (what: () => boolean | Promise<boolean>, label: string) => {
  for (let i = 0; i < 3_000; i++) {
    if (await what()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never happened: ${label}`);
};

describe('outbox to the HTTPS sync endpoint', { timeout: 60_000 }, () => {
  it('delivers each finished call once with its idempotency key in the header and the body', async () => {
    const s = await service();
    await finishedCall(s, 'o1', 'Nota con acentos: ñandú 😀');
    await until(() => sink.accepted.size === 1 && s.status().outbox.pending === 0, 'delivered');
    const [key, got] = [...sink.accepted.entries()][0]!;
    expect(got.times).toBe(1);
    expect(got.body).toMatchObject({
      idempotencyKey: key,
      call: { callId: 'o1', disposition: 'resolved', handleMs: 6_000 },
      note: { status: 'final', text: 'Nota con acentos: ñandú 😀', fields: { identifica: 'Sra. Núñez' } },
    });
    // The customer data it rang with travels upstream too: header, label per language, value (not the CRM link).
    expect((got.body as { call: { screenPop: unknown } }).call.screenPop).toEqual([
      { header: 'X-Account-Id', label: { en: 'Account', 'es-MX': 'Cuenta', 'es-ES': 'Cuenta' }, value: '4815 1623' },
      { header: 'X-IVR-Path', value: 'facturación > 2' },
    ]);
    expect(s.status().outbox).toEqual({ pending: 0, endpoint: true });
  });

  it('a server trickling its answer (a byte every 100 ms, never idle) is cut off by the per-delivery deadline; retried, delivered once it answers', async () => {
    sink.mode = 'trickle';
    const s = await service();
    await finishedCall(s, 'tr1', 'nota lenta');
    await until(() => /no complete answer within 1500 ms/.test(s.status().outbox.lastError ?? ''), 'deadline seen');
    expect(sink.accepted.size).toBe(0);
    sink.mode = 'ok';
    await until(() => sink.accepted.size === 1 && s.status().outbox.pending === 0, 'delivered after the trickle');
    expect(sink.requests.filter((r) => r.mode === 'trickle').length).toBeGreaterThan(0);
  });

  it('500s, timeouts, garbage, a lost answer and a dead endpoint lose nothing and duplicate nothing; it all arrives once the endpoint is back, even across a restart', async () => {
    sink.mode = 'status-500';
    let s = await service();
    await finishedCall(s, 'r1', 'uno');
    await finishedCall(s, 'r2', 'dos');
    await until(() => s.status().outbox.lastError === 'HTTP 500' && s.status().outbox.pending === 2, '500 seen');
    expect(s.status().outbox).toMatchObject({ pending: 2, endpoint: true, nextAttemptAt: expect.any(Number) });
    sink.mode = 'hang';
    await until(
      () =>
        sink.requests.some((r) => r.mode === 'hang') &&
        /timed out|socket hang up/.test(s.status().outbox.lastError ?? ''),
      'timeout seen',
    );
    sink.mode = 'garbage';
    await until(
      () =>
        sink.requests.some((r) => r.mode === 'garbage') &&
        !/timed out|HTTP 500/.test(s.status().outbox.lastError ?? ''),
      'garbage seen',
    );
    sink.mode = 'ok-then-reset';
    await until(() => sink.accepted.size >= 1, 'stored but unanswered');
    await until(
      () => sink.requests.filter((r) => r.mode === 'ok-then-reset').length >= 2,
      'retried after the lost answer',
    );
    expect(s.status().outbox.pending).toBe(2);
    const port = sink.port;
    await sink.stop();
    await until(() => /ECONNREFUSED/.test(s.status().outbox.lastError ?? ''), 'refused seen');
    services.splice(services.indexOf(s), 1);
    await s.stop();
    s = await service(); // offline restart: the outbox is on disk
    expect(s.status().outbox.pending).toBe(2);
    sink.mode = 'ok';
    await sink.start(port);
    await until(() => s.status().outbox.pending === 0, 'all delivered');
    const byCall = new Map<string, string[]>();
    for (const [key, v] of sink.accepted) {
      const id = (v.body as { call: { callId: string } }).call.callId;
      byCall.set(id, [...(byCall.get(id) ?? []), key]);
    }
    expect([...byCall.keys()].sort()).toEqual(['r1', 'r2']);
    expect([...byCall.values()].every((keys) => keys.length === 1)).toBe(true); // one key per call, however many tries
    const keysSent = new Set(sink.requests.map((r) => r.key));
    expect(keysSent.size).toBe(2);
    expect(sink.requests.length).toBeGreaterThan(2);
  });

  it('an edit after delivery goes out again under a new key; TLS is really checked; only https:// is used', async () => {
    const s = await service();
    await finishedCall(s, 'e1', 'primera');
    await until(() => sink.accepted.size === 1, 'first delivery');
    await s.save({ callId: 'e1', fields: {}, text: 'corregida' });
    await until(() => sink.accepted.size === 2 && s.status().outbox.pending === 0, 'edit delivered');
    expect([...sink.accepted.values()].map((v) => (v.body as { note: { text: string } }).note.text)).toEqual([
      'primera',
      'corregida',
    ]);
    services.splice(services.indexOf(s), 1);
    await s.stop();

    const untrusting = await service({ trust: false });
    await finishedCall(untrusting, 'e2', 'sin confianza');
    await until(
      () =>
        /self.signed|certificate|unable to verify/i.test(untrusting.status().outbox.lastError ?? '') &&
        untrusting.status().outbox.pending === 1,
      'certificate refused',
    );
    settings.syncUrl = sink.url.replace('https:', 'http:');
    untrusting.sender.kick();
    await until(() => untrusting.status().outbox.lastError === 'the sync URL must start with https://', 'http refused');
    expect(sink.accepted.size).toBe(2);
  });
});
