import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
// @ts-expect-error: plain JavaScript module shared with the `npm run lab` command
import { startLab } from '../../lab/lab-core.mjs';
import type { LabEnv } from '../../support/lab-env';
import { labAccount } from '../../support/lab-env';
import { startAgentCore } from '../../support/agent-core';
import { until } from '../../support/sip-party';

const lab = inject('lab');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const a1 = labAccount(lab, 1);

describe('registration against Kamailio', () => {
  it('registers through the digest challenge, and unregisters', async () => {
    const agent = await startAgentCore({
      account: { server: lab.ws, user: a1.user, password: a1.password },
      register: false,
    });
    const seen: string[] = [];
    agent.core.phone.onChange((s) => seen.push(s.state));
    expect(await agent.core.handlers['phone.register']({})).toMatchObject({
      state: 'registered',
      aor: `sip:${a1.user}@${lab.domain}`,
    });
    expect(seen).toEqual(['registering', 'registered']);
    expect(await agent.core.handlers['phone.unregister']({})).toEqual({ state: 'unregistered' });
    await agent.dispose();
  });

  it('a wrong password ends in failed with the credentials reason, and stays there', async () => {
    const agent = await startAgentCore({
      account: { server: lab.ws, user: a1.user, password: 'not-the-password' },
      register: false,
    });
    expect(await agent.core.handlers['phone.register']({})).toMatchObject({ state: 'failed', reason: 'credentials' });
    await new Promise((r) => setTimeout(r, 500));
    expect(agent.core.phone.snapshot()).toMatchObject({ state: 'failed', reason: 'credentials' });
    await agent.dispose();
  });

  it('an unreachable server ends in failed/unreachable and keeps retrying', async () => {
    const agent = await startAgentCore({
      account: { server: `ws://127.0.0.1:${lab.wsPort + 1}`, user: a1.user, password: a1.password },
      register: false,
    });
    const s = await agent.core.handlers['phone.register']({});
    expect(s).toMatchObject({ state: 'failed', reason: 'unreachable' });
    expect(s.retryAt).toBeGreaterThan(Date.now() - 1000);
    await agent.dispose();
  });

  it('a server that accepts the WebSocket but never answers SIP ends in timeout', async () => {
    const { WebSocketServer } = await import('ws');
    const mute = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'sip' });
    await new Promise((r) => mute.once('listening', r));
    const port = (mute.address() as { port: number }).port;
    const agent = await startAgentCore({
      account: { server: `ws://127.0.0.1:${port}`, user: a1.user, password: a1.password },
      register: false,
      phone: { registerTimeoutMs: 1500, backoffBaseMs: 60_000 },
    });
    expect(await agent.core.handlers['phone.register']({})).toMatchObject({ state: 'failed', reason: 'timeout' });
    await agent.dispose();
    mute.close();
  });

  describe('when the server goes away and comes back', () => {
    let dir: string;
    let own: { env: LabEnv; stop(): Promise<void>; stopKamailio(): Promise<void>; startKamailio(): Promise<void> };
    beforeAll(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-lab-restart-'));
      own = await startLab({ dir, media: false });
    });
    afterAll(async () => {
      await own.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('says reconnecting at once and ends registered again without user action', async () => {
      const agent = await startAgentCore({
        account: { server: own.env.ws, user: a1.user, password: a1.password },
        phone: { registerTimeoutMs: 3000, backoffBaseMs: 200, backoffCapMs: 1000 },
      });
      expect(agent.core.phone.snapshot().state).toBe('registered');
      const seen: string[] = [];
      agent.core.phone.onChange((s) => seen.push(s.state));
      await own.stopKamailio();
      await until(() => agent.core.phone.snapshot().state === 'reconnecting', 5000, 'reconnecting');
      await new Promise((r) => setTimeout(r, 1000));
      expect(agent.core.phone.snapshot().state).not.toBe('registered');
      await own.startKamailio();
      await until(() => agent.core.phone.snapshot().state === 'registered', 10_000, 'registered again');
      expect(seen).not.toContain('unregistered');
      await agent.dispose();
    });
  });
});

describe('diadema doctor', () => {
  const cli = path.join(root, 'bin', 'diadema.mjs');
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [cli, 'doctor', ...args], { encoding: 'utf8', timeout: 20_000 });
  it.skipIf(!existsSync(path.join(root, 'dist', 'node', 'cli.mjs')))(
    'exits 0 with every step for a working account',
    () => {
      const r = run('--server', lab.ws, '--user', a1.user, '--password', a1.password);
      expect(r.status).toBe(0);
      for (const step of ['DNS', 'connect', 'WebSocket upgrade', 'REGISTER sent', 'digest challenge', '200 OK'])
        expect(r.stdout).toContain(step);
      expect(r.stdout).not.toContain(a1.password);
    },
  );
  it.skipIf(!existsSync(path.join(root, 'dist', 'node', 'cli.mjs')))(
    'exits non-zero and names the reason for a broken one',
    () => {
      const wrong = run(
        '--server',
        lab.ws,
        '--user',
        `${a1.user}@${lab.domain}`,
        '--password',
        'nope',
        '--auth-user',
        a1.user,
      );
      expect(wrong.status).toBe(1);
      expect(wrong.stdout).toMatch(/not registered \(credentials\)/);
      const down = run('--server', `ws://127.0.0.1:${lab.wsPort + 1}`, '--user', a1.user, '--password', 'x');
      expect(down.status).toBe(1);
      expect(down.stdout).toMatch(/FAIL connect.*ECONNREFUSED/);
      const insecure = run('--server', 'ws://sip.example.org', '--user', a1.user, '--password', 'x');
      expect(insecure.status).toBe(1);
      expect(insecure.stdout).toMatch(/FAIL account settings.*server: insecure-remote/);
      expect(run('--server', lab.ws).status).toBe(2);
    },
  );
  it.skipIf(!existsSync(path.join(root, 'dist', 'node', 'cli.mjs')))(
    'with several servers, tries them as the phone does and names the one in use and why',
    () => {
      const down = `ws://127.0.0.1:${lab.wsPort + 1}`;
      const r = run('--server', down, '--server', lab.ws, '--user', a1.user, '--password', a1.password);
      expect(r.status, r.stdout).toBe(0);
      expect(r.stdout).toContain(`server 1 of 2: ${down}`);
      expect(r.stdout).toMatch(/server 1 cannot be used \(unreachable\): the phone tries the next/);
      expect(r.stdout).toMatch(
        new RegExp(`in use: ${lab.ws}/? \\(server 2\\), because the first one cannot be used \\(unreachable`),
      );
      const first = run('--server', lab.ws, '--server', down, '--user', a1.user, '--password', a1.password);
      expect(first.status).toBe(0);
      expect(first.stdout).not.toContain('server 2 of 2');
      expect(first.stdout).toMatch(/in use: \S+ \(the first server\)/);
    },
  );
});
