import { lookup } from 'node:dns/promises';
import net from 'node:net';
import tls from 'node:tls';
import WebSocket from 'ws';
import type { ConnectionStep, FailureReason, StepReport } from '@common/contract/registration';

/**
 * Walks the network path to a SIP WebSocket server one layer at a time (DNS, TCP/TLS, WebSocket upgrade) so
 * that a failure can be named precisely. SIP.js only says "the transport failed"; IT and agents need to know
 * which layer to fix.
 */
export interface ProbeTarget {
  server: string;
  host: string;
  secure: boolean;
}
export interface ProbeOutcome {
  ok: boolean;
  steps: StepReport[];
  reason?: FailureReason;
  detail?: string;
}

const tlsCodes = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|EPROTO|HOSTNAME_MISMATCH|ALTNAME/i;

export function classifyNetworkError(err: unknown): { reason: FailureReason; detail: string } {
  const e = err as { code?: string; message?: string };
  const code = e?.code ?? '';
  const detail = [code, e?.message].filter(Boolean).join(' ').slice(0, 300);
  if (tlsCodes.test(code) || tlsCodes.test(e?.message ?? '')) return { reason: 'tls', detail };
  if (code === 'ETIMEDOUT' || /timed? ?out/i.test(e?.message ?? '')) return { reason: 'timeout', detail };
  return { reason: 'unreachable', detail };
}

function portOf(server: string, secure: boolean): number {
  const m = /^wss?:\/\/(?:\[[^\]]+\]|[^/:]+):(\d+)/i.exec(server);
  return m ? Number(m[1]) : secure ? 443 : 80;
}

export async function probeServer(
  target: ProbeTarget,
  opts: { timeoutMs?: number; onStep?: (s: StepReport) => void } = {},
): Promise<ProbeOutcome> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const steps: StepReport[] = [];
  const report = (step: ConnectionStep, status: StepReport['status'], started: number, detail?: string) => {
    const s: StepReport = { step, status, ms: Date.now() - started, ...(detail ? { detail } : {}) };
    steps.push(s);
    opts.onStep?.(s);
  };
  const host = target.host.replace(/^\[|\]$/g, '');
  const port = portOf(target.server, target.secure);

  let t = Date.now();
  let address: string;
  try {
    address = net.isIP(host) ? host : (await withTimeout(lookup(host), timeoutMs, 'DNS lookup timed out')).address;
    report('dns', 'ok', t, address);
  } catch (err) {
    const c = classifyNetworkError(err);
    report('dns', 'failed', t, c.detail);
    return { ok: false, steps, reason: c.reason === 'timeout' ? 'timeout' : 'unreachable', detail: c.detail };
  }

  t = Date.now();
  try {
    await connectOnce(address, port, target.secure ? host : undefined, timeoutMs);
    report('connect', 'ok', t, `${address}:${port}${target.secure ? ' (TLS)' : ''}`);
  } catch (err) {
    const c = classifyNetworkError(err);
    report('connect', 'failed', t, c.detail);
    return { ok: false, steps, ...c };
  }

  t = Date.now();
  try {
    await upgradeOnce(target.server, timeoutMs);
    report('websocket', 'ok', t);
  } catch (err) {
    const c = classifyNetworkError(err);
    report('websocket', 'failed', t, c.detail);
    return { ok: false, steps, ...c };
  }
  return { ok: true, steps };
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error(message), { code: 'ETIMEDOUT' })), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

function connectOnce(address: string, port: number, servername: string | undefined, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = servername
      ? tls.connect({ host: address, port, servername: net.isIP(servername) ? undefined : servername })
      : net.connect({ host: address, port });
    const done = (err?: Error) => {
      socket.destroy();
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(
      () => done(Object.assign(new Error('connection timed out'), { code: 'ETIMEDOUT' })),
      timeoutMs,
    );
    socket.once(servername ? 'secureConnect' : 'connect', () => done());
    socket.once('error', (e) => done(e));
  });
}

function upgradeOnce(server: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(server, 'sip', { handshakeTimeout: timeoutMs });
    ws.once('open', () => {
      if (ws.protocol !== 'sip') {
        ws.terminate();
        reject(new Error('server did not accept the "sip" WebSocket subprotocol'));
        return;
      }
      ws.close();
      resolve();
    });
    ws.once('error', (e) => {
      ws.terminate();
      reject(/Opening handshake has timed out/i.test(e.message) ? Object.assign(e, { code: 'ETIMEDOUT' }) : e);
    });
  });
}
