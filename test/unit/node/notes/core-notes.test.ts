import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchCall, parseEvent } from '@common/contract/dispatch';
import { composeCore, type Core, type CoreServices } from '../../../../electron/node/core/core';
import { silentLogger } from '../../../../electron/node/log';
import { FileSecrets } from '../../../../electron/node/secrets/file-secrets';
import { callEvents } from '../../../support/call-events';
import { bundleStoreWorker } from '../../../support/store-build';

let worker: Awaited<ReturnType<typeof bundleStoreWorker>>;
let dir: string;
let core: Core & CoreServices;
const events: Array<{ name: string; payload: unknown }> = [];
beforeAll(async () => {
  worker = await bundleStoreWorker();
  dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-core-notes-'));
  const composed = composeCore({
    shell: 'browser',
    version: 'test',
    dataDir: dir,
    secrets: new FileSecrets(path.join(dir, 'secrets.json')),
    log: silentLogger,
    notes: { workerUrl: worker.url },
  });
  core = { ...composed.services, ...composed.core };
  core.connect((name, payload) => events.push({ name, payload }));
  await core.start();
}, 60_000);
afterAll(async () => {
  await core.stop();
  worker.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('notes through the core contract', { timeout: 30_000 }, () => {
  it('saves, reads, finishes, searches and exports a note with validated arguments', async () => {
    const c = callEvents('core-1', { name: 'Lucía', number: '=HYPERLINK("x")' });
    core.notes.onCallEvent(c.ring());
    core.notes.onCallEvent(c.answer(2_000));
    core.notes.onCallEvent(c.end(9_000));
    const big = 'a'.repeat(1_048_576);
    expect(
      await dispatchCall(core.handlers, 'notes.save', {
        callId: 'core-1',
        fields: { ayuda: 'Cambio de tarifa, "premium"' },
        text: big,
      }),
    ).toMatchObject({ ok: true, value: { durable: true } });
    expect(await dispatchCall(core.handlers, 'notes.save', { callId: 'core-1', fields: {}, text: `${big}a` })).toEqual({
      ok: false,
      error: { code: 'invalid-arguments', params: expect.any(Object) },
    });
    expect(await dispatchCall(core.handlers, 'notes.save', { callId: 'nobody', fields: {}, text: 'x' })).toEqual({
      ok: false,
      error: { code: 'refused', params: { reason: 'no-such-call' } },
    });
    expect(await dispatchCall(core.handlers, 'notes.finish', { callId: 'core-1', disposition: 'resolved' })).toEqual({
      ok: true,
      value: { ok: true, missing: [] },
    });
    const found = await dispatchCall(core.handlers, 'notes.history', { query: 'tarifa', limit: 10, offset: 0 });
    expect(found).toMatchObject({
      ok: true,
      value: { total: 1, calls: [{ callId: 'core-1', remoteName: 'Lucía', disposition: 'resolved' }] },
    });
    const detail = await core.handlers['notes.detail']({ callId: 'core-1' });
    expect(detail.note?.text).toHaveLength(1_048_576);
    const csv = (await core.handlers['notes.export']({ from: 0, to: 10_000, format: 'csv' })).data;
    expect(csv).toContain(`'=HYPERLINK(""x"")`);
    expect(csv).toContain('"Cambio de tarifa, ""premium"""');
    const status = await core.handlers['notes.status']({});
    expect(status).toEqual({ store: 'ok', outbox: { pending: 0, endpoint: false } });
    expect(events.some((e) => e.name === 'notes.status' && parseEvent(e.name, e.payload))).toBe(true);
  });

  it("each agent-state change during a call or its after-call work is on the call's timeline once", async () => {
    const c = callEvents('core-agent', { name: 'Ana' });
    // No registration in this core: the agent is Not ready (degraded) before and after the after-call work.
    const before = core.agent.view().state;
    for (const e of [c.ring(), c.answer(2_000), c.end(9_000)]) {
      core.notes.onCallEvent(e);
      core.agent.onCallEvent(e);
    }
    expect(core.agent.view().state).toBe('acw');
    await core.handlers['agent.set']({ state: 'available' });
    const after = core.agent.view().state;
    expect(after).not.toBe('acw');
    await core.notes.flush();
    const agentEntries = (await core.handlers['notes.detail']({ callId: 'core-agent' })).timeline.filter(
      (e) => e.kind === 'agent',
    );
    expect(agentEntries.map((e) => [e.data.from, e.data.to])).toEqual([
      [before, 'acw'],
      ['acw', after],
    ]);
  });
});
