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
import { closeCodes, contractPath, hostMessage, isEventFrame } from '@common/contract/wire';
import { Emitter } from '@common/emitter';
import { ignorePromise } from '@common/ignore-promise';

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

/** Where the page trades the launch token for its session secret; the browser host serves it (`sessionPath`). */
const sessionPath = '/session';
const sessionKey = 'diadema.session';

type Session = { secret: string } | { refused: true } | { retry: true };

function websocketBridge(win: Window, socketFactory: (url: string) => WebSocket): Bridge {
  // The URL's launch token works once: it is traded for a session secret that lives only in this page (and in the
  // tab's sessionStorage, which no other OS user can read, so a reload reconnects). It leaves the address bar and
  // history at once; a copy of the URL, in Chromium's command line, is worthless after this page used it.
  let launchToken = /(?:^#|&)token=([^&]+)/.exec(win.location.hash)?.[1];
  if (launchToken) win.history.replaceState(null, '', win.location.pathname + win.location.search);
  let secret: string | undefined;
  try {
    secret = win.sessionStorage.getItem(sessionKey) ?? undefined;
  } catch {
    /* storage disabled: no reload support */
  }
  const exchange = async (token: string): Promise<Session> => {
    let res: Response;
    try {
      res = await win.fetch(sessionPath, {
        method: 'POST',
        body: token,
        headers: { 'Content-Type': 'text/plain' },
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch {
      return { retry: true };
    }
    if (res.status === 403) return { refused: true };
    const body = (await res.json().catch(() => undefined)) as { session?: unknown } | undefined;
    return res.ok && typeof body?.session === 'string' ? { secret: body.session } : { retry: true };
  };
  /** The secret to say hello with: the stored one, or one traded for the launch token (once). */
  const session = async (): Promise<Session> => {
    if (launchToken) {
      const got = await exchange(launchToken);
      if ('retry' in got) return got;
      launchToken = undefined;
      if ('secret' in got) {
        secret = got.secret;
        try {
          win.sessionStorage.setItem(sessionKey, got.secret);
        } catch {
          /* storage disabled: no reload support */
        }
      }
    }
    return secret ? { secret } : { refused: true };
  };
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

  const reconnect = () => {
    setStatus('reconnecting');
    const delay = Math.min(5000, 250 * 2 ** attempt++);
    win.setTimeout(connect, delay);
  };
  const connect = () =>
    ignorePromise(
      session().then((s) => {
        if ('refused' in s) setStatus('refused');
        else if ('retry' in s) reconnect();
        else open(s.secret);
      }),
      // A socket that cannot even be created (a bad address) is retried like a closed one.
      () => reconnect(),
    );
  const open = (token: string) => {
    const sock = socketFactory(url);
    ws = sock;
    ready = false;
    sock.onopen = () => sock.send(JSON.stringify({ t: 'hello', token }));
    sock.onmessage = (ev) => {
      let raw: unknown;
      try {
        raw = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      // Events (a ring among them) are the frames that must not wait: told apart at once, payload judged by its schema.
      if (isEventFrame(raw)) {
        const event = parseEvent(raw.name, raw.payload);
        if (event) eventEmitters.get(event.name)?.emit(event.payload);
        return;
      }
      const msg = hostMessage.safeParse(raw);
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
      }
    };
    sock.onclose = (ev) => {
      for (const [, p] of pending) p.reject(new ContractError('internal'));
      pending.clear();
      if (ev.code === closeCodes.badToken) {
        setStatus('refused');
        return;
      }
      reconnect();
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
