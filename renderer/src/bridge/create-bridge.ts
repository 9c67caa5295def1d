import {
  calls as callSpecs,
  type CallName,
  type ContractClient,
  type EventName,
  type EventPayload,
} from '@common/contract/contract';
import { parseEvent } from '@common/contract/dispatch';
import { ContractError, contractErrorFromMessage } from '@common/contract/errors';
import type { PreloadApi } from '@common/contract/preload-api';
import { closeCodes, contractPath, hostMessage } from '@common/contract/wire';
import { Emitter } from '@common/emitter';

export type BridgeStatus = 'connecting' | 'connected' | 'reconnecting' | 'refused';

/** The only code in the renderer that touches the shell: `window.diadema` in Electron, the host's WebSocket otherwise. */
export interface Bridge {
  client: ContractClient;
  on<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): () => void;
  status(): BridgeStatus;
  onStatus(listener: (s: BridgeStatus) => void): () => void;
}

export function createBridge(
  win: Window & { diadema?: PreloadApi } = window,
  socketFactory?: (url: string) => WebSocket,
): Bridge {
  if (win.diadema) return electronBridge(win.diadema);
  return websocketBridge(win, socketFactory ?? ((url) => new WebSocket(url)));
}

function electronBridge(api: PreloadApi): Bridge {
  const client = {} as Record<CallName, (args: unknown) => Promise<unknown>>;
  for (const name of Object.keys(callSpecs) as CallName[]) {
    client[name] = async (args: unknown) => {
      try {
        return await (api[name] as (a: unknown) => Promise<unknown>)(args);
      } catch (e) {
        // Errors cross the context bridge as plain Errors: code and params travel in the message.
        const { code, params } = contractErrorFromMessage(String((e as Error)?.message ?? ''));
        throw new ContractError(code, params);
      }
    };
  }
  return {
    client: client as unknown as ContractClient,
    on: (name, listener) =>
      api.on(name, (p) => {
        const ev = parseEvent(name, p);
        if (ev) listener(ev.payload as never);
      }),
    status: () => 'connected',
    onStatus: () => () => undefined,
  };
}

function websocketBridge(win: Window, socketFactory: (url: string) => WebSocket): Bridge {
  // Keep the token out of the address bar, history and screenshots; sessionStorage keeps it for this tab only,
  // so a reload (or a replaced renderer) reconnects and the core re-negotiates live calls.
  const fromHash = /(?:^#|&)token=([^&]+)/.exec(win.location.hash)?.[1];
  if (fromHash) {
    try {
      win.sessionStorage.setItem('diadema.token', fromHash);
    } catch {
      /* storage disabled: no reload support */
    }
    win.history.replaceState(null, '', win.location.pathname + win.location.search);
  }
  let stored: string | null = null;
  try {
    stored = win.sessionStorage.getItem('diadema.token');
  } catch {
    /* storage disabled */
  }
  const token = fromHash ?? stored ?? '';
  const url = `${win.location.protocol === 'https:' ? 'wss' : 'ws'}://${win.location.host}${contractPath}`;
  const eventEmitters = new Map<EventName, Emitter<unknown>>();
  const statusChanged = new Emitter<BridgeStatus>();
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const queue: string[] = [];
  let ws: WebSocket | undefined;
  let ready = false;
  let seq = 0;
  let attempt = 0;
  let status: BridgeStatus = 'connecting';
  const setStatus = (s: BridgeStatus) => {
    status = s;
    statusChanged.emit(s);
  };

  const connect = () => {
    const sock = socketFactory(url);
    ws = sock;
    ready = false;
    sock.onopen = () => sock.send(JSON.stringify({ t: 'hello', token }));
    sock.onmessage = (ev) => {
      let msg;
      try {
        msg = hostMessage.safeParse(JSON.parse(String(ev.data)));
      } catch {
        return;
      }
      if (!msg.success) return;
      const m = msg.data;
      if (m.t === 'ready') {
        ready = true;
        attempt = 0;
        setStatus('connected');
        for (const q of queue.splice(0)) sock.send(q);
      } else if (m.t === 'result') {
        const p = pending.get(m.id);
        if (!p) return;
        pending.delete(m.id);
        if (m.ok) p.resolve(m.value);
        else p.reject(new ContractError(m.error.code, m.error.params));
      } else if (m.t === 'event') {
        const ev2 = parseEvent(m.name, m.payload);
        if (ev2) eventEmitters.get(ev2.name)?.emit(ev2.payload);
      }
    };
    sock.onclose = (ev) => {
      for (const [, p] of pending) p.reject(new ContractError('internal'));
      pending.clear();
      if (ev.code === closeCodes.badToken) {
        setStatus('refused');
        return;
      }
      setStatus('reconnecting');
      const delay = Math.min(5000, 250 * 2 ** attempt++);
      win.setTimeout(connect, delay);
    };
  };
  connect();

  const client = {} as Record<CallName, (args: unknown) => Promise<unknown>>;
  for (const name of Object.keys(callSpecs) as CallName[]) {
    client[name] = (args: unknown) =>
      new Promise((resolve, reject) => {
        const id = ++seq;
        pending.set(id, { resolve, reject });
        const text = JSON.stringify({ t: 'call', id, name, args: args ?? {} });
        if (ready && ws?.readyState === 1) ws.send(text);
        else queue.push(text);
      });
  }
  return {
    client: client as unknown as ContractClient,
    on(name, listener) {
      let emitter = eventEmitters.get(name);
      if (!emitter) {
        emitter = new Emitter<unknown>();
        eventEmitters.set(name, emitter);
      }
      return emitter.on(listener as (payload: unknown) => void);
    },
    status: () => status,
    onStatus: statusChanged.on,
  };
}
