import { writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startBrowserHost, type BrowserHost } from '../../../electron/browser-host/host-server';
import type { Core } from '../../../electron/node/core/core';
import { silentLogger } from '../../../electron/node/log';
import { startHostCore } from '../../support/host-core';

let dir: string;
let core: Core;
let host: BrowserHost;
const token = 'test-token-0123456789abcdef';

let disposeCore: () => Promise<void>;

beforeAll(async () => {
  let rendererDir: string;
  ({ dir, rendererDir, core, dispose: disposeCore } = await startHostCore('diadema-host-'));
  writeFileSync(path.join(dir, 'outside.txt'), 'secret');
  host = await startBrowserHost({ core, rendererDir, log: silentLogger, token });
});
afterAll(async () => {
  await host.close();
  await disposeCore();
});

function get(p: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    // A raw request so that `..` reaches the server unnormalised, as an attacker would send it.
    const req = http.request({ host: '127.0.0.1', port: host.port, path: p, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(origin: string | undefined): Promise<{ ws: WebSocket; messages: unknown[]; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/contract`, origin ? { origin } : {});
    const messages: unknown[] = [];
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
    ws.on('open', () => resolve({ ws, messages, closed }));
    ws.on('error', reject);
  });
}
const until = async (f: () => boolean) => {
  for (let i = 0; i < 100 && !f(); i++) await new Promise((r) => setTimeout(r, 20));
};

describe('browser host', () => {
  it('serves the renderer with a CSP and never a file outside it', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers['content-security-policy']).toContain(`connect-src 'self' ws://127.0.0.1:${host.port}`);
    expect((await get('/../outside.txt')).status).toBe(403);
    expect((await get('/%2e%2e/outside.txt')).status).toBe(403);
  });

  it('answers a malformed percent-encoding with 400 and keeps serving (it used to be an unhandled rejection)', async () => {
    const bad = await get('/%E0%A4%A');
    expect(bad.status).toBe(400);
    expect(bad.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await get('/')).status).toBe(200);
  });

  it('refuses a WebSocket from another origin before any message', async () => {
    await expect(connect('http://127.0.0.1:1')).rejects.toThrow(/403/);
    await expect(connect(undefined)).rejects.toThrow(/403/);
  });

  it('closes a connection that does not present the launch token', async () => {
    const { ws, closed } = await connect(host.origin);
    ws.send(JSON.stringify({ t: 'hello', token: 'wrong-token-0123456789abcdef' }));
    expect(await closed).toBe(4401);
  });

  it('closes a connection that calls before saying hello', async () => {
    const { ws, messages, closed } = await connect(host.origin);
    ws.send(JSON.stringify({ t: 'call', id: 1, name: 'account.get', args: {} }));
    expect(await closed).toBe(4401);
    expect(messages).toEqual([]);
  });

  it('carries the contract once authenticated, validating every call', async () => {
    // The page's bootstrap: the one-time launch token buys the session secret that hello presents.
    const exchange = await fetch(`${host.origin}/session`, {
      method: 'POST',
      body: token,
      headers: { Origin: host.origin },
    });
    const { session } = (await exchange.json()) as { session: string };
    const { ws, messages } = await connect(host.origin);
    ws.send(JSON.stringify({ t: 'hello', token: session }));
    ws.send(JSON.stringify({ t: 'call', id: 1, name: 'app.info', args: {} }));
    ws.send(JSON.stringify({ t: 'call', id: 2, name: 'settings.set', args: { key: 'ui.language', value: 'klingon' } }));
    ws.send(JSON.stringify({ t: 'call', id: 3, name: 'settings.set', args: { key: 'ui.language', value: 'es-MX' } }));
    await until(() => messages.filter((m) => (m as { t: string }).t === 'result').length === 3);
    const results = messages.filter((m) => (m as { t: string }).t === 'result');
    expect(messages[0]).toEqual({ t: 'ready' });
    expect(results[0]).toMatchObject({ id: 1, ok: true, value: { shell: 'browser', secretsStorage: 'user-file' } });
    expect(results[1]).toMatchObject({ id: 2, ok: false, error: { code: 'invalid-setting' } });
    expect(results[2]).toMatchObject({ id: 3, ok: true });
    expect(messages.some((m) => (m as { t: string; name?: string }).name === 'settings')).toBe(true);
    ws.close();
  });

  it('closes on malformed frames', async () => {
    const { ws, closed } = await connect(host.origin);
    ws.send('{not json');
    expect(await closed).toBe(4400);
  });

  it('settle: nothing to wait for without a page; with one, a save sent during the grace is answered first', async () => {
    const own = await startBrowserHost({ core, rendererDir: path.join(dir, 'renderer'), log: silentLogger });
    try {
      let t = Date.now();
      await own.settle(300);
      expect(Date.now() - t).toBeLessThan(100);

      const launch = new URL(own.url).hash.replace('#token=', '');
      const exchange = await fetch(`${own.origin}/session`, {
        method: 'POST',
        body: launch,
        headers: { Origin: own.origin },
      });
      const { session } = (await exchange.json()) as { session: string };
      const ws = new WebSocket(`ws://127.0.0.1:${own.port}/contract`, { origin: own.origin });
      const results: unknown[] = [];
      let ready = false;
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString()) as { t: string };
        if (m.t === 'result') results.push(m);
        if (m.t === 'ready') ready = true;
      });
      await new Promise((r) => ws.on('open', r));
      ws.send(JSON.stringify({ t: 'hello', token: session }));
      await until(() => ready);

      // The page's debounced save leaves during the grace: settle returns only once it has been answered.
      t = Date.now();
      const settled = own.settle(200);
      setTimeout(() => {
        ws.send(
          JSON.stringify({ t: 'call', id: 7, name: 'settings.set', args: { key: 'ui.language', value: 'es-ES' } }),
        );
      }, 150);
      await settled;
      expect(Date.now() - t).toBeGreaterThanOrEqual(195);
      await until(() => results.length === 1);
      expect(results).toEqual([{ t: 'result', id: 7, ok: true, value: expect.anything() }]);
      expect(core.shell.settings.get('ui.language')).toBe('es-ES');
      ws.close();
    } finally {
      await own.close();
    }
  });
});
