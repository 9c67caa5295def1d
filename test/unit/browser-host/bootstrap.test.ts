import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { chromiumArgs } from '../../../electron/browser-host/chromium';
import { sessionPath, startBrowserHost, type BrowserHost } from '../../../electron/browser-host/host-server';
import type { Core } from '../../../electron/node/core/core';
import { silentLogger } from '../../../electron/node/log';
import { startHostCore } from '../../support/host-core';
import { createBridge, type Bridge, type BridgeStatus } from '../../../renderer/src/bridge/create-bridge';

// The launch token rides in Chromium's command line, which every local user reads in /proc/<pid>/cmdline. These
// tests play the page (the real bridge, over real sockets) and a second local user who knows everything the
// command lines and environment show, including that URL, and forges the Origin header.

let dir: string;
let core: Core;
let host: BrowserHost;
let disposeCore: () => Promise<void>;

beforeAll(async () => {
  ({ dir, core, dispose: disposeCore } = await startHostCore('diadema-bootstrap-'));
});
afterAll(async () => {
  await disposeCore();
});

const hosts: BrowserHost[] = [];
const bridges: Array<{ close(): void }> = [];
afterEach(async () => {
  for (const b of bridges.splice(0)) b.close();
  for (const h of hosts.splice(0)) await h.close();
});
async function freshHost(onLaunchUrl?: (url: string) => void): Promise<BrowserHost> {
  host = await startBrowserHost({
    core,
    rendererDir: path.join(dir, 'renderer'),
    log: silentLogger,
    ...(onLaunchUrl ? { onLaunchUrl } : {}),
  });
  hosts.push(host);
  return host;
}

/** A tab: its own sessionStorage (Chromium keeps one per tab), surviving reloads of that tab. */
function tab(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    key: (i) => [...m.keys()][i] ?? null,
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, String(v)),
    removeItem: (k) => void m.delete(k),
    clear: () => m.clear(),
  };
}

/** The page at `pageUrl` in a tab: the real bridge, with this host's origin on its fetch and WebSocket. */
function loadPage(pageUrl: string, storage: Storage): { bridge: Bridge; address: () => string } {
  const u = new URL(pageUrl);
  let address = u.href;
  const sockets: WebSocket[] = [];
  let closed = false;
  const win = {
    location: { protocol: u.protocol, host: u.host, hash: u.hash, pathname: u.pathname, search: u.search },
    history: { replaceState: (_s: unknown, _t: string, to: string) => (address = new URL(to, u.origin).href) },
    sessionStorage: storage,
    fetch: (input: string, init: RequestInit) =>
      fetch(new URL(input, u.origin), { ...init, headers: { ...init.headers, Origin: u.origin } }),
    // A closed page schedules nothing more (its bridge would otherwise keep reconnecting to a closed host).
    setTimeout: (f: () => void, ms: number) => (closed ? 0 : setTimeout(f, ms)),
  } as unknown as Window;
  const bridge = createBridge(win, (url) => {
    const ws = new WebSocket(url, { origin: u.origin });
    ws.on('error', () => undefined); // as in a browser, a failed socket reports by closing
    sockets.push(ws);
    return ws as unknown as globalThis.WebSocket;
  });
  bridges.push({
    close: () => {
      closed = true;
      sockets.forEach((s) => s.terminate());
    },
  });
  return { bridge, address: () => address };
}

function settled(bridge: Bridge): Promise<BridgeStatus> {
  return new Promise((resolve) => {
    const done = (s: BridgeStatus) => {
      if (s === 'connected' || s === 'refused') resolve(s);
    };
    bridge.onStatus(done);
    done(bridge.status());
  });
}

/** What a second local user does with a secret candidate: forge the page's Origin, try both doors. */
async function asIntruder(h: BrowserHost, candidate: string): Promise<{ exchange: number; hello: string }> {
  const exchange = (
    await fetch(`${h.origin}${sessionPath}`, { method: 'POST', body: candidate, headers: { Origin: h.origin } })
  ).status;
  const hello = await new Promise<string>((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${h.port}/contract`, { origin: h.origin });
    ws.on('open', () => {
      ws.send(JSON.stringify({ t: 'hello', token: candidate.padEnd(16, '.').slice(0, 128) }));
      ws.send(JSON.stringify({ t: 'call', id: 1, name: 'app.info', args: {} }));
    });
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { t: string };
      if (m.t === 'ready' || m.t === 'result') resolve('contract open');
    });
    ws.on('close', (code) => resolve(`closed ${code}`));
    ws.on('error', () => resolve('refused'));
  });
  return { exchange, hello };
}

/** Every string another user can read about this agent's processes: command lines and environment. */
function visibleToOtherUsers(h: BrowserHost): string[] {
  const chromium = chromiumArgs({ url: h.url, headless: false, userDataDir: '/tmp/diadema-chromium-x' });
  const hostArgs = ['node', 'dist/node/browser-host.mjs', '--data-dir', dir, '--port', String(h.port)];
  const fromUrl = [h.url, new URL(h.url).hash.slice(1), /token=([^&]+)/.exec(h.url)![1]!];
  const env = Object.values(process.env).filter((v): v is string => typeof v === 'string' && v.length >= 16);
  return [...new Set([...chromium, ...chromium.map((a) => a.replace(/^--app=/, '')), ...hostArgs, ...fromUrl, ...env])];
}

describe('browser host bootstrap', () => {
  it('the page trades the launch token for a session; the URL it leaves behind opens nothing', async () => {
    const h = await freshHost();
    const page = loadPage(h.url, tab());
    expect(await settled(page.bridge)).toBe('connected');
    expect(await page.bridge.client['app.info']({})).toMatchObject({ shell: 'browser' });
    expect(page.address()).not.toContain('token=');

    // A second local user, after the page loaded: every string in /proc and the environment, Origin forged.
    for (const candidate of visibleToOtherUsers(h)) {
      const got = await asIntruder(h, candidate);
      expect(got.exchange, candidate).toBe(403);
      expect(got.hello, candidate).not.toBe('contract open');
    }
    // The page itself is still in control.
    expect(await page.bridge.client['app.info']({})).toMatchObject({ shell: 'browser' });
  });

  it('a reload of the same tab reconnects with the session its sessionStorage keeps', async () => {
    const h = await freshHost();
    const storage = tab();
    const first = loadPage(h.url, storage);
    expect(await settled(first.bridge)).toBe('connected');
    const reloaded = loadPage(first.address(), storage);
    expect(await settled(reloaded.bridge)).toBe('connected');
    expect(await reloaded.bridge.client['app.info']({})).toMatchObject({ shell: 'browser' });
    // Even a reload that still carried the used launch token keeps its session.
    const withOldUrl = loadPage(h.url, storage);
    expect(await settled(withOldUrl.bridge)).toBe('connected');
  });

  it('a second tab or window with its own storage is refused (the page says it may not control the phone)', async () => {
    const h = await freshHost();
    expect(await settled(loadPage(h.url, tab()).bridge)).toBe('connected');
    expect(await settled(loadPage(h.url, tab()).bridge)).toBe('refused');
    expect(await settled(loadPage(h.origin + '/', tab()).bridge)).toBe('refused');
  });

  it('with --no-open, each used launch token is followed by a fresh one for the starter; every page keeps its own', async () => {
    const printed: string[] = [];
    const h = await freshHost((url) => printed.push(url));
    const firstUrl = h.url;
    const first = loadPage(firstUrl, tab());
    expect(await settled(first.bridge)).toBe('connected');
    expect(printed).toHaveLength(1);
    expect(printed[0]).not.toBe(firstUrl);
    expect(h.url).toBe(printed[0]);
    // The used URL, as another local user would find it, still opens nothing; the fresh one opens a new page.
    expect(await settled(loadPage(firstUrl, tab()).bridge)).toBe('refused');
    const second = loadPage(printed[0]!, tab());
    expect(await settled(second.bridge)).toBe('connected');
    expect(printed).toHaveLength(2);
    expect(await first.bridge.client['app.info']({})).toMatchObject({ shell: 'browser' });
    expect(await second.bridge.client['app.info']({})).toMatchObject({ shell: 'browser' });
  });

  it('a launch token exchanged by someone else first leaves the page refused, never sharing the phone', async () => {
    const h = await freshHost();
    const token = /token=([^&]+)/.exec(h.url)![1]!;
    const stolen = await fetch(`${h.origin}${sessionPath}`, {
      method: 'POST',
      body: token,
      headers: { Origin: h.origin },
    });
    expect(stolen.status).toBe(200);
    expect(await settled(loadPage(h.url, tab()).bridge)).toBe('refused');
  });

  it('the exchange wants this origin, and the session secret (not the launch token) in hello', async () => {
    const h = await freshHost();
    const token = /token=([^&]+)/.exec(h.url)![1]!;
    const elsewhere = await fetch(`${h.origin}${sessionPath}`, {
      method: 'POST',
      body: token,
      headers: { Origin: 'http://127.0.0.1:1' },
    });
    expect(elsewhere.status).toBe(403);
    // The launch token itself never opens the contract, used or not.
    expect((await asIntruder(h, token)).hello).toBe('closed 4401');
  });
});

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Plays Chromium and the page in it: takes the URL from its command line, bootstraps, stays connected. */
const fakeChromium = `#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import WebSocket from 'ws';
const url = new URL(process.argv.at(-1).replace(/^--app=/, ''));
const token = /token=([^&]+)/.exec(url.hash)[1];
const res = await fetch(new URL('${sessionPath}', url.origin), { method: 'POST', body: token, headers: { Origin: url.origin } });
const { session } = await res.json();
const ws = new WebSocket('ws://' + url.host + '/contract', { origin: url.origin });
ws.on('open', () => ws.send(JSON.stringify({ t: 'hello', token: session })));
ws.on('message', (d) => {
  if (JSON.parse(String(d)).t === 'ready') writeFileSync(process.env.FAKE_CHROMIUM_READY, String(process.pid));
});
process.on('SIGTERM', () => process.exit(0));
`;

describe('the built browser host, as another local user sees it in /proc', () => {
  it('nothing in the command lines or environment of the host and Chromium opens a contract connection', async () => {
    mkdirSync(path.join(root, '.tmp'), { recursive: true });
    const work = mkdtempSync(path.join(root, '.tmp', 'bootstrap-')); // under the repository, so `ws` resolves
    const chromium = path.join(work, 'chromium.mjs');
    writeFileSync(chromium, fakeChromium);
    chmodSync(chromium, 0o755);
    const ready = path.join(work, 'ready');
    const child = spawn(
      process.execPath,
      [path.join(root, 'dist', 'node', 'browser-host.mjs'), '--headless', '--data-dir', path.join(work, 'data')],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: {
          ...process.env,
          DIADEMA_CHROMIUM: chromium,
          DIADEMA_POLICY_FILE: path.join(work, 'no-policy.json'),
          FAKE_CHROMIUM_READY: ready,
        },
      },
    );
    let err = '';
    child.stderr!.on('data', (d) => (err += String(d)));
    const exited = new Promise((r) => child.once('exit', r));
    try {
      for (let i = 0; i < 300 && !existsSync(ready); i++) await new Promise((r) => setTimeout(r, 50));
      expect(existsSync(ready), err).toBe(true);
      const chromiumPid = readFileSync(ready, 'utf8');
      const proc = (pid: string | number, f: string) => readFileSync(`/proc/${pid}/${f}`, 'utf8').split('\0');
      const seen = [child.pid!, chromiumPid].flatMap((pid) => [...proc(pid, 'cmdline'), ...proc(pid, 'environ')]);
      const url = seen.find((a) => a.includes('#token='))!.replace(/^--app=/, '');
      expect(url, "the URL is in Chromium's command line, as on a real machine").toBeTruthy();
      const h = { url, origin: new URL(url).origin, port: Number(new URL(url).port) } as BrowserHost;
      const candidates = [...new Set([...seen, url.slice(url.indexOf('#') + 1), /token=([^&]+)/.exec(url)![1]!])];
      for (const candidate of candidates.filter((c) => c.length > 0)) {
        const got = await asIntruder(h, candidate);
        expect(got.exchange, candidate).toBe(403);
        expect(got.hello, candidate).not.toBe('contract open');
      }
    } finally {
      child.kill('SIGTERM');
      await exited;
      rmSync(work, { recursive: true, force: true });
    }
  }, 30_000);
});
