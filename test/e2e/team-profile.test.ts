import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
// @ts-expect-error: plain JavaScript module shared with the `npm run lab` command
import { notifyRegistered } from '../lab/lab-core.mjs';
import { startE2eAgent, clickTestId as click, type E2eAgent } from '../support/e2e-agent';
import { makeTestCertificates, startHttpsFileServer, type HttpsFileServer } from '../support/https-server';
import { labAccount } from '../support/lab-env';

// A team lead and two agents, each a real browser host with its page in Chromium, registered to the lab's Kamailio.
// The team lead starts from the command line (keygen, init, sign, publish v1 to a folder), then edits v2 on the Team
// profile screen of the app and publishes it to the same folder; a real HTTPS server serves that folder to the
// agents, who trust the team lead's key by IT policy. Kamailio's check-sync NOTIFY makes them fetch at once.
//
// Agent A polls once an hour, so only the NOTIFY can bring it a new version; agent B polls every 5 s, so it shows
// what happens without a NOTIFY. How long each step took is printed (the bound is 2 s after the NOTIFY and
// one poll interval without), not asserted: the tests assert what caused each change.

type NotifyResult = { aor: string; code: number };
const notify = notifyRegistered as (env: unknown, o?: { only?: string[] }) => Promise<NotifyResult[]>;

const lab = inject('lab');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist', 'node', 'cli.mjs');
const team = 'floor-b2';
const pollSecB = 5;

let work: string;
let share: string;
let server: HttpsFileServer;
let lead: E2eAgent;
let agentA: E2eAgent;
let agentB: E2eAgent;

function profileCli(...args: string[]): string {
  const r = spawnSync(process.execPath, [cli, 'profile', ...args], { encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`diadema profile ${args[0]} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** What the Settings view shows for one key: the value in its field, where it comes from, and whether it is locked. */
const shownSetting = (p: Page, key: string) =>
  p.evaluate((k) => {
    const row = document.querySelector(`[data-testid="setting-${k}"]`);
    const field = document.querySelector(`[data-testid="setting-field-${k}"]`) as HTMLInputElement | null;
    return {
      value: field?.value ?? null,
      source: row?.getAttribute('data-source') ?? null,
      locked: row?.getAttribute('data-locked') ?? null,
      readOnly: field ? field.readOnly || field.disabled : null,
    };
  }, key);

const appliedVersion = (p: Page) =>
  p.evaluate(() => document.querySelector('[data-testid=profile-state-version]')?.textContent ?? null);

const lastCheck = (p: Page) =>
  p.evaluate(() => {
    const el = document.querySelector('[data-testid=profile-state-last-check]');
    return { trigger: el?.getAttribute('data-trigger'), outcome: el?.getAttribute('data-outcome') };
  });

/** Polls until the page shows `version`; resolves with the milliseconds it took from `since`. */
async function shownAfter(p: Page, version: string, since: number, timeout: number): Promise<number> {
  await expect.poll(() => appliedVersion(p), { timeout, interval: 25 }).toBe(version);
  return Math.round(performance.now() - since);
}

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'diadema-e2e-team-'));
  share = path.join(work, 'share');
  mkdirSync(share);
  const keys = path.join(work, 'keys');
  const certs = makeTestCertificates();
  const caFile = path.join(work, 'ca.pem');
  writeFileSync(caFile, certs.caPem);

  // The team lead's first version, from the command line.
  const publicKey = profileCli('keygen', '--dir', keys).trim().split('\n').at(-1)!;
  expect(publicKey).toMatch(/^ed25519:[\w-]+$/);
  const draftFile = path.join(work, 'v1.json');
  profileCli('init', '--team', team, '--out', draftFile);
  const draft = JSON.parse(readFileSync(draftFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(
    draftFile,
    JSON.stringify({
      ...draft,
      team,
      version: 1,
      author: 'Lucía Méndez',
      defaults: { 'mute.longMuteSec': 30 },
      enforced: { 'acw.durationSec': 45 },
    }),
  );
  const signed = path.join(work, 'v1.jws');
  profileCli('sign', '--key', path.join(keys, 'team-profile.key'), '--in', draftFile, '--out', signed);
  profileCli('publish', '--in', signed, '--to', share);

  server = await startHttpsFileServer({ dir: share, certs });
  const policy = (pollSec: number) => ({
    'profile.url': `${server.url}/${team}.jws`,
    'profile.trustedKeys': [publicKey],
    'profile.team': team,
    'profile.pollSec': pollSec,
  });
  const env = { NODE_EXTRA_CA_CERTS: caFile };
  // Agent A chose its own long-mute time and after-call time: the team default must not override the first, the
  // enforced value must override the second.
  agentA = await startE2eAgent({
    server: lab.ws,
    account: labAccount(lab, 1),
    settings: { 'mute.longMuteSec': 90, 'acw.durationSec': 0 },
    policy: policy(3600),
    env,
  });
  agentB = await startE2eAgent({ server: lab.ws, account: labAccount(lab, 2), policy: policy(pollSecB), env });
  lead = await startE2eAgent({
    server: lab.ws,
    account: labAccount(lab, 3),
    settings: { 'profile.signingKey': path.join(keys, 'team-profile.key'), 'profile.publishTo': share },
  });
  for (const p of [agentA.page, agentB.page]) await click(p, 'view-settings');
}, 90_000);

afterAll(async () => {
  await lead?.dispose();
  await agentA?.dispose();
  await agentB?.dispose();
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('team profiles from the team lead to the agents', () => {
  it('at start both agents apply v1: the default under the agent’s own choice, the enforced value locked', async () => {
    for (const p of [agentA.page, agentB.page]) {
      await expect.poll(() => appliedVersion(p), { timeout: 10_000 }).toBe('1');
      expect(await shownSetting(p, 'acw.durationSec')).toEqual({
        value: '45',
        source: 'team-locked',
        locked: 'true',
        readOnly: true,
      });
    }
    expect(await shownSetting(agentA.page, 'mute.longMuteSec')).toMatchObject({ value: '90', source: 'you' });
    expect(await shownSetting(agentB.page, 'mute.longMuteSec')).toMatchObject({ value: '30', source: 'team' });
    // Only the team lead's PC, where a signing key is set, offers the Team profile screen.
    for (const p of [agentA.page, agentB.page]) expect(await p.getByTestId('view-team-profile').count()).toBe(0);
  });

  it('the team lead edits v2 on the Team profile screen; a check-sync NOTIFY brings it to both agents', async () => {
    const p = lead.page;
    await click(p, 'view-team-profile');
    await expect.poll(() => p.getByTestId('tp-version').inputValue(), { timeout: 10_000 }).toBe('2');
    await p.getByTestId('tp-field-acw.durationSec').fill('120');
    await p.getByTestId('tp-mode-calls.supervisorExtension').selectOption('enforced');
    await p.getByTestId('tp-field-calls.supervisorExtension').fill('1950');
    await p.getByTestId('tp-preview').click();
    const preview = p.getByTestId('tp-preview-result');
    await expect.poll(() => preview.textContent(), { timeout: 10_000 }).toContain('1950');
    await p.getByTestId('tp-publish').click();
    await expect.poll(() => p.getByTestId('tp-result').textContent(), { timeout: 10_000 }).toContain('2');

    const start = performance.now();
    const results = await notify(lab, { only: [labAccount(lab, 1).user, labAccount(lab, 2).user] });
    expect(results.map((r) => r.code)).toEqual([200, 200]);
    const ms = [await shownAfter(agentA.page, '2', start, 10_000), await shownAfter(agentB.page, '2', start, 10_000)];
    console.log(`check-sync NOTIFY sent → v2 shown: agent A ${ms[0]} ms, agent B ${ms[1]} ms`);
    // Agent A polls hourly: the NOTIFY is what made it fetch.
    expect(await lastCheck(agentA.page)).toEqual({ trigger: 'check-sync', outcome: 'applied' });
    for (const a of [agentA.page, agentB.page]) {
      expect(await shownSetting(a, 'acw.durationSec')).toMatchObject({ value: '120', source: 'team-locked' });
      expect(await shownSetting(a, 'calls.supervisorExtension')).toMatchObject({
        value: '1950',
        source: 'team-locked',
        readOnly: true,
      });
      // The agent is told, in words, with the list of what changed.
      const notice = a.getByTestId('profile-notice-text');
      await expect.poll(() => notice.textContent(), { timeout: 5_000 }).toMatch(/v2.*Lucía Méndez.*2/);
    }
  });

  it('without a NOTIFY, the agent that polls takes v3 within its poll interval; the other waits for check-sync', async () => {
    const p = lead.page;
    await expect.poll(() => p.getByTestId('tp-version').inputValue(), { timeout: 10_000 }).toBe('3');
    await p.getByTestId('tp-mode-mute.longMuteSec').selectOption('enforced');
    await p.getByTestId('tp-field-mute.longMuteSec').fill('25');
    await p.getByTestId('tp-publish').click();
    const start = performance.now();
    await expect.poll(() => p.getByTestId('tp-result').textContent(), { timeout: 10_000 }).toContain('3');

    const msB = await shownAfter(agentB.page, '3', start, (pollSecB * 1.2 + 10) * 1000);
    console.log(`published v3 → shown by polling (every ${pollSecB} s ± 20 %): agent B ${msB} ms`);
    expect(await lastCheck(agentB.page)).toEqual({ trigger: 'poll', outcome: 'applied' });
    expect(await shownSetting(agentB.page, 'mute.longMuteSec')).toMatchObject({ value: '25', source: 'team-locked' });
    // Agent A had no reason to look: still v2, its own 90 s still in force.
    expect(await appliedVersion(agentA.page)).toBe('2');
    expect(await shownSetting(agentA.page, 'mute.longMuteSec')).toMatchObject({ value: '90', source: 'you' });

    await notify(lab, { only: [labAccount(lab, 1).user] });
    await shownAfter(agentA.page, '3', performance.now(), 10_000);
    expect(await shownSetting(agentA.page, 'mute.longMuteSec')).toMatchObject({ value: '25', source: 'team-locked' });
  });
});
