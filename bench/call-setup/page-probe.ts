import type { Page } from 'playwright-core';

/**
 * What the bench reads inside a phone's page (a Diadema agent or the SIP.js web phone alike). Every time is
 * wall-clock milliseconds, `performance.timeOrigin + performance.now()`, the clock Kamailio's `$TV(Sn)` uses.
 *
 * The init script only observes, from listeners added beside the app's own; the page runs unchanged:
 *  - each RTCPeerConnection the page makes is kept with the first instant its ICE reached `connected` (or
 *    `completed`) and the first instant the connection as a whole (ICE and DTLS) reached `connected`;
 *  - each WebSocket's frames are watched for the one that brings a new call into the page: for Diadema the
 *    contract's `calls` event that first shows a ringing call (the core took the INVITE), for the web phone the SIP
 *    INVITE itself. The listener is the socket's first, so the stamp is when the page's thread takes the frame.
 */
export const observePeerConnections = `(() => {
  const Native = window.RTCPeerConnection;
  const pcs = [];
  window.__pcs = pcs;
  const now = () => performance.timeOrigin + performance.now();
  window.RTCPeerConnection = function (...a) {
    const pc = new Native(...a);
    const rec = { pc, iceAt: 0, dtlsAt: 0 };
    pcs.push(rec);
    pc.addEventListener('iceconnectionstatechange', () => {
      if (!rec.iceAt && /^(connected|completed)$/.test(pc.iceConnectionState)) rec.iceAt = now();
    });
    pc.addEventListener('connectionstatechange', () => {
      if (!rec.dtlsAt && pc.connectionState === 'connected') rec.dtlsAt = now();
    });
    return pc;
  };
  window.RTCPeerConnection.prototype = Native.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Native);
  const NativeWs = window.WebSocket;
  const callIn = [];
  window.__callIn = callIn;
  let ringing = false;
  window.WebSocket = function (...a) {
    const ws = new NativeWs(...a);
    ws.addEventListener('message', (e) => {
      const t = now();
      if (typeof e.data !== 'string') return;
      if (e.data.startsWith('INVITE ')) return void callIn.push(t);
      if (!e.data.includes('"name":"calls"')) return;
      const ring = e.data.includes('"state":"ringing"');
      if (ring && !ringing) {
        callIn.push(t);
        if (window.__traceMarks) performance.mark('diadema-call-in');
      }
      ringing = ring;
    });
    return ws;
  };
  window.WebSocket.prototype = NativeWs.prototype;
  Object.setPrototypeOf(window.WebSocket, NativeWs);
})();`;

interface PcRecord {
  pc: RTCPeerConnection;
  iceAt: number;
  dtlsAt: number;
}

/** The side of one call seen from one page: when audio first arrived and when its connection came up. */
export interface PageAudio {
  bytesAt: number;
  levelAt: number;
  iceAt: number;
  dtlsAt: number;
}

export const pcCount = (p: Page): Promise<number> =>
  p.evaluate(() => (window as unknown as { __pcs: unknown[] }).__pcs.length);

/** The instant the ringing call card enters the DOM (a MutationObserver runs before the next paint). */
export function watchRinging(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { __ring: number[]; __ringSeen: boolean; __traceMarks?: boolean };
    w.__ring = [];
    w.__ringSeen = false;
    new MutationObserver(() => {
      const ringing = document.querySelector('[data-testid=call][data-state=ringing]');
      if (ringing && !w.__ringSeen) {
        w.__ring.push(performance.timeOrigin + performance.now());
        if (w.__traceMarks) performance.mark('diadema-ring-shown');
      }
      w.__ringSeen = Boolean(ringing);
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
  });
}

/** When the latest call reached the page (see `observePeerConnections`), 0 if none did. */
export const lastCallIn = (p: Page): Promise<number> =>
  p.evaluate(() => (window as unknown as { __callIn: number[] }).__callIn.at(-1) ?? 0);

export const ringCount = (p: Page): Promise<number> =>
  p.evaluate(() => (window as unknown as { __ring: number[] }).__ring.length);
export const lastRing = (p: Page): Promise<number> =>
  p.evaluate(() => (window as unknown as { __ring: number[] }).__ring.at(-1)!);

/**
 * Polls the call's peer connections (those made since `fromIndex`) every 5 ms: first inbound audio bytes, first
 * inbound audio level above 0.01, and the ICE / DTLS instants of the connection that carried them.
 */
export function firstAudio(page: Page, fromIndex: number): Promise<PageAudio> {
  return page.evaluate(async (from) => {
    const recs = (window as unknown as { __pcs: PcRecord[] }).__pcs;
    const res = { bytesAt: 0, levelAt: 0, iceAt: 0, dtlsAt: 0 };
    let carrier: PcRecord | undefined;
    const until = performance.now() + 15_000;
    while ((!res.bytesAt || !res.levelAt || !carrier?.dtlsAt) && performance.now() < until) {
      for (const rec of recs.slice(from)) {
        if (rec.pc.connectionState === 'closed') continue;
        const stats = await rec.pc.getStats();
        const now = performance.timeOrigin + performance.now();
        stats.forEach((s: { type: string; kind?: string; bytesReceived?: number; audioLevel?: number }) => {
          if (s.type !== 'inbound-rtp' || s.kind !== 'audio') return;
          if (!res.bytesAt && (s.bytesReceived ?? 0) > 0) {
            res.bytesAt = now;
            carrier = rec;
          }
          if (!res.levelAt && (s.audioLevel ?? 0) > 0.01) res.levelAt = now;
        });
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    return { ...res, iceAt: carrier?.iceAt ?? 0, dtlsAt: carrier?.dtlsAt ?? 0 };
  }, fromIndex);
}

/** Types the number in the page's dial field and submits it; returns the instant of the submit. */
export function dial(page: Page, target: string): Promise<number> {
  return page.evaluate((to) => {
    const input = document.querySelector<HTMLInputElement>('[data-testid=dial-input]')!;
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, to);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    const t = performance.timeOrigin + performance.now();
    input.form!.requestSubmit();
    return t;
  }, target);
}

/** Clicks the ringing call's Answer button; returns the instant just before the click. */
export function clickAnswer(page: Page): Promise<number> {
  return page.evaluate(() => {
    const t = performance.timeOrigin + performance.now();
    document.querySelector<HTMLButtonElement>('[data-testid=call-answer]')!.click();
    return t;
  });
}

export async function waitFor(cond: () => Promise<boolean>, ms: number, what: string, everyMs = 10): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
