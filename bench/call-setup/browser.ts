import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { callState, clickTestId, startE2eAgent, type E2eAgent } from '../../test/support/e2e-agent';
import type { LabEnv } from '../../test/support/lab-env';
import { labAccount } from '../../test/support/lab-env';

/**
 * Call set-up as agents see it: two Diadema agents (browser host + Chromium, fake microphones playing tones)
 * through the lab's Kamailio. All times are wall-clock milliseconds on this machine's one clock (Kamailio's
 * `$TV(Sn)` in its log; `performance.timeOrigin + performance.now()` in the pages).
 */
export interface BrowserCallSample {
  inviteToRing: number;
  dialToRing: number;
  agentFirstBytes: number;
  agentFirstLevel: number;
  callerFirstBytes: number;
  callerFirstLevel: number;
}

// Observation only: every RTCPeerConnection the page makes is kept so the bench can poll its inbound audio.
const keepPeerConnections = `(() => {
  const Native = window.RTCPeerConnection;
  const pcs = [];
  window.__pcs = pcs;
  window.RTCPeerConnection = function (...a) { const pc = new Native(...a); pcs.push(pc); return pc; };
  window.RTCPeerConnection.prototype = Native.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Native);
})();`;

/** The instant the ringing call card enters the DOM (a MutationObserver runs before the next paint). */
function watchRinging(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { __ring: number[]; __ringSeen: boolean };
    w.__ring = [];
    w.__ringSeen = false;
    new MutationObserver(() => {
      const ringing = document.querySelector('[data-testid=call][data-state=ringing]');
      if (ringing && !w.__ringSeen) w.__ring.push(performance.timeOrigin + performance.now());
      w.__ringSeen = Boolean(ringing);
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
  });
}

/** Polls the call's peer connections every 5 ms: first inbound audio bytes, first audio level above silence. */
function firstAudio(page: Page, fromIndex: number): Promise<{ bytesAt: number; levelAt: number }> {
  return page.evaluate(async (from) => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    const res = { bytesAt: 0, levelAt: 0 };
    const until = performance.now() + 15_000;
    while ((!res.bytesAt || !res.levelAt) && performance.now() < until) {
      for (const pc of pcs.slice(from)) {
        if (pc.connectionState === 'closed') continue;
        const stats = await pc.getStats();
        const now = performance.timeOrigin + performance.now();
        stats.forEach((s: { type: string; kind?: string; bytesReceived?: number; audioLevel?: number }) => {
          if (s.type !== 'inbound-rtp' || s.kind !== 'audio') return;
          if (!res.bytesAt && (s.bytesReceived ?? 0) > 0) res.bytesAt = now;
          if (!res.levelAt && (s.audioLevel ?? 0) > 0.01) res.levelAt = now;
        });
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    return res;
  }, fromIndex);
}

const pcCount = (p: Page) => p.evaluate(() => (window as unknown as { __pcs: unknown[] }).__pcs.length);

function inviteTimes(env: LabEnv): number[] {
  const log = readFileSync(path.join(env.logs, 'kamailio.log'), 'utf8');
  return [...log.matchAll(/diadema-invite ci=\S+ t=(\d+)\.(\d+)/g)].map(
    (m) => Number(m[1]) * 1000 + Number(m[2]!.padEnd(6, '0')) / 1000,
  );
}

export async function browserCalls(
  env: LabEnv,
  calls: number,
  onProgress: (i: number) => void,
): Promise<BrowserCallSample[]> {
  // The browser host runs the built bundle: build what is in the tree now.
  const built = spawnSync(process.execPath, [path.resolve('build', 'bundle.mjs')], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('build failed');
  const noAcw = { 'acw.durationSec': 0 };
  const agents: E2eAgent[] = [];
  const samples: BrowserCallSample[] = [];
  try {
    const agent = await startE2eAgent({
      server: env.ws,
      account: labAccount(env, 3),
      settings: noAcw,
      toneHz: 440,
      initScript: keepPeerConnections,
    });
    agents.push(agent);
    const caller = await startE2eAgent({
      server: env.ws,
      account: labAccount(env, 4),
      settings: noAcw,
      toneHz: 660,
      initScript: keepPeerConnections,
    });
    agents.push(caller);
    await watchRinging(agent.page);
    for (let i = 0; i < calls; i++) {
      const [agentFrom, callerFrom] = [await pcCount(agent.page), await pcCount(caller.page)];
      const invitesBefore = inviteTimes(env).length;
      const dialAt = await caller.page.evaluate((target) => {
        const input = document.querySelector<HTMLInputElement>('[data-testid=dial-input]')!;
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, target);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        const t = performance.timeOrigin + performance.now();
        input.form!.requestSubmit();
        return t;
      }, labAccount(env, 3).user);
      await waitFor(
        async () => (await agent.page.evaluate(() => (window as unknown as { __ring: number[] }).__ring.length)) > i,
        10_000,
        'ringing',
      );
      const ringAt = await agent.page.evaluate(() => (window as unknown as { __ring: number[] }).__ring.at(-1)!);
      const invites = inviteTimes(env);
      if (invites.length !== invitesBefore + 1)
        throw new Error(`expected one new INVITE in Kamailio's log, saw ${invites.length - invitesBefore}`);
      const agentAudio = firstAudio(agent.page, agentFrom);
      const callerAudio = firstAudio(caller.page, callerFrom);
      const answerAt = await agent.page.evaluate(() => {
        const t = performance.timeOrigin + performance.now();
        document.querySelector<HTMLButtonElement>('[data-testid=call-answer]')!.click();
        return t;
      });
      const [a, c] = await Promise.all([agentAudio, callerAudio]);
      if (!a.bytesAt || !a.levelAt || !c.bytesAt || !c.levelAt)
        throw new Error(`call ${i + 1}: no audio (${JSON.stringify({ a, c })})`);
      samples.push({
        inviteToRing: ringAt - invites.at(-1)!,
        dialToRing: ringAt - dialAt,
        agentFirstBytes: a.bytesAt - answerAt,
        agentFirstLevel: a.levelAt - answerAt,
        callerFirstBytes: c.bytesAt - answerAt,
        callerFirstLevel: c.levelAt - answerAt,
      });
      await clickTestId(caller.page, 'call-hangup');
      await waitFor(
        async () => /ended|none/.test(await callState(agent.page)) && /ended|none/.test(await callState(caller.page)),
        10_000,
        'hang-up',
      );
      onProgress(i + 1);
    }
  } finally {
    for (const a of agents) await a.dispose();
  }
  return samples;
}

async function waitFor(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
