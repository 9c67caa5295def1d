import type { Page } from 'playwright-core';
import { startHostProcess, type HostProcess } from './browser-host-process';
import { launchAgentBrowser } from './chromium';
import { callState, clickTestId as click } from './e2e-agent';

/**
 * Agents for the mute tests and bench/mute: a browser host (the core) and a Chromium page whose microphone is a
 * WAV file. A page can be replaced (new browser, another clip) while the host and its registration stay.
 *
 * The init script only observes: it keeps the page's RTCPeerConnections and getUserMedia streams reachable so a
 * test can read the far end's inbound level at a fine grain, flip a sender track behind the core's back, or end
 * a microphone track as an unplugged device would.
 */
export interface AgentPage {
  page: Page;
  dispose(): Promise<void>;
}
export interface Agent {
  host: HostProcess;
  user: string;
  page?: AgentPage;
}

export const observeMedia = `(() => {
  const pcs = []; const streams = [];
  window.__diademaTest = { pcs, streams };
  const PC = window.RTCPeerConnection;
  window.RTCPeerConnection = function (...args) { const pc = new PC(...args); pcs.push(pc); return pc; };
  window.RTCPeerConnection.prototype = PC.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, PC);
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (c) => {
    if (window.__diademaTest.failRawAnalysis && c && typeof c.audio === 'object' && c.audio.autoGainControl === false) {
      throw new DOMException('simulated', 'NotReadableError');
    }
    const s = await gum(c); streams.push({ stream: s, raw: Boolean(c && typeof c.audio === 'object' && c.audio.autoGainControl === false) }); return s;
  };
})();`;

export async function startAgent(
  account: { user: string; password: string },
  ws: string,
  settings: Record<string, unknown> = {},
): Promise<Agent> {
  // No after-call work between the calls of a test (a time box of 0 turns it off), unless a test asks for it.
  const host = await startHostProcess({
    settings: {
      'account.server': ws,
      'account.user': account.user,
      'account.password': account.password,
      'acw.durationSec': 0,
      ...settings,
    },
  });
  return { host, user: account.user };
}

/** Opens the agent's screen in a fresh Chromium whose microphone plays `audioFile` (looped). */
export async function openPage(agent: Agent, audioFile: string, o: { failRawAnalysis?: boolean } = {}): Promise<Page> {
  await agent.page?.dispose();
  const browser = await launchAgentBrowser({ audioFile });
  const page = await browser.context.newPage();
  await page.addInitScript({
    content: observeMedia + (o.failRawAnalysis ? 'window.__diademaTest.failRawAnalysis = true;' : ''),
  });
  await page.goto(agent.host.url);
  await page.locator('[data-testid=registration-state][data-state=registered]').waitFor({ timeout: 15_000 });
  agent.page = { page, dispose: () => browser.dispose() };
  return page;
}

export async function stopAgent(agent: Agent | undefined): Promise<void> {
  await agent?.page?.dispose();
  await agent?.host.stop();
}

export { callState, click };
export const present = (p: Page, testId: string) =>
  p.evaluate((id) => document.querySelector(`[data-testid=${id}]`) !== null, testId);
export const attr = (p: Page, testId: string, name: string) =>
  p.evaluate(([id, a]) => document.querySelector(`[data-testid=${id}]`)?.getAttribute(a!) ?? null, [
    testId,
    name,
  ] as const);

/** Inbound audio level at this page (what the far end hears), straight from getStats. */
export const inboundLevel = (p: Page) =>
  p.evaluate(async () => {
    const pcs = (window as unknown as { __diademaTest: { pcs: RTCPeerConnection[] } }).__diademaTest.pcs.filter(
      (pc) => pc.connectionState !== 'closed',
    );
    let level = 0;
    for (const pc of pcs)
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') level = Math.max(level, Number(s.audioLevel ?? 0));
      });
    return level;
  });

/** The live audio sender track's `enabled` in this page (undefined without one). */
export const senderEnabled = (p: Page) =>
  p.evaluate(() => {
    const pcs = (window as unknown as { __diademaTest: { pcs: RTCPeerConnection[] } }).__diademaTest.pcs.filter(
      (pc) => pc.connectionState !== 'closed',
    );
    const t = pcs.flatMap((pc) => pc.getSenders()).find((s) => s.track?.kind === 'audio')?.track;
    return t ? t.enabled : undefined;
  });

/** A dials B, B answers; both see the call active. */
export async function connect(
  a: Page,
  b: Page,
  bUser: string,
  poll: (fn: () => Promise<string>, want: string) => Promise<void>,
): Promise<void> {
  await a.getByTestId('dial-input').fill(bUser);
  await a.getByTestId('dial-input').press('Enter');
  await poll(() => callState(b), 'ringing');
  await click(b, 'call-answer');
  await poll(() => callState(a), 'active');
  await poll(() => callState(b), 'active');
}

/** Counts how often an element appears in the page from now on (a MutationObserver; never misses a short one). */
export async function countAppearances(p: Page, testId: string): Promise<() => Promise<number>> {
  const key = `__seen_${testId.replace(/\W/g, '_')}`;
  await p.evaluate(
    ([id, k]) => {
      const w = window as unknown as Record<string, number>;
      let was = document.querySelector(`[data-testid=${id}]`) !== null;
      w[k!] = was ? 1 : 0;
      new MutationObserver(() => {
        const now = document.querySelector(`[data-testid=${id}]`) !== null;
        if (now && !was) w[k!] = (w[k!] ?? 0) + 1;
        was = now;
      }).observe(document.body, { childList: true, subtree: true });
    },
    [testId, key] as const,
  );
  return () => p.evaluate((k) => (window as unknown as Record<string, number>)[k] ?? 0, key);
}
