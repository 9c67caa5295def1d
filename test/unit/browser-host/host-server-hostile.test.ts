import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startBrowserHost, type BrowserHost } from '../../../electron/browser-host/host-server';
import type { Core } from '../../../electron/node/core/core';
import { silentLogger } from '../../../electron/node/log';
import { startHostCore } from '../../support/host-core';

let core: Core;
let host: BrowserHost;
let disposeCore: () => Promise<void>;
const errors: unknown[] = [];
const onError = (e: unknown) => errors.push(e);

beforeAll(async () => {
  let rendererDir: string;
  ({ rendererDir, core, dispose: disposeCore } = await startHostCore('diadema-host-hostile-'));
  host = await startBrowserHost({ core, rendererDir, log: silentLogger });
  // What would end the host process: an 'error' event nobody listens to is thrown as an uncaught exception.
  process.on('uncaughtException', onError);
});
afterAll(async () => {
  process.off('uncaughtException', onError);
  await host.close();
  await disposeCore();
});

function open(): Promise<{ ws: WebSocket; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/contract`, { origin: host.origin });
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('error', () => undefined);
    ws.once('open', () => resolve({ ws, closed }));
    ws.once('error', reject);
  });
}

describe('browser host under hostile frames', () => {
  it('closes a connection that sends a frame over the size limit, and keeps serving', async () => {
    const c = await open();
    c.ws.send(Buffer.alloc(2 * 1024 * 1024 + 1, 0x7b));
    // 1009: message too big (RFC 6455 §7.4.1); the host closes this connection only.
    expect(await c.closed).toBe(1009);
    await new Promise((r) => setTimeout(r, 50));
    expect(errors).toEqual([]);
    const next = await open();
    next.ws.send(JSON.stringify({ t: 'hello', token: 'not-a-session-secret-0000' }));
    expect(await next.closed).toBe(4401);
  });

  it('survives a frame that is not valid UTF-8 in a text message', async () => {
    const c = await open();
    c.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect(await c.closed).toBe(1007);
    await new Promise((r) => setTimeout(r, 50));
    expect(errors).toEqual([]);
  });
});
