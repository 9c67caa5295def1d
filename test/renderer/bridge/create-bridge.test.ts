import { describe, expect, it } from 'vitest';
import { createBridge } from '../../../renderer/src/bridge/create-bridge';
import { callView, callsSnapshot } from '../../support/views';

/** The page's side of the host's socket: what the bridge sent, and a way to deliver frames as the host would. */
interface PageSocket {
  sent: string[];
  deliver(frame: unknown): void;
}

/** A page holding a session secret already (a reload), so the bridge opens its socket at once. */
function page(): { bridge: ReturnType<typeof createBridge>; socket: Promise<PageSocket> } {
  let opened: (s: PageSocket) => void = () => undefined;
  const socket = new Promise<PageSocket>((r) => (opened = r));
  const win = {
    location: { protocol: 'http:', host: '127.0.0.1:1', hash: '', pathname: '/', search: '' },
    history: { replaceState: () => undefined },
    sessionStorage: { getItem: () => 'a-session-secret-of-enough-length', setItem: () => undefined },
    setTimeout: () => 0,
  } as unknown as Window;
  const bridge = createBridge(win, () => {
    const ws = {
      readyState: 1,
      sent: [] as string[],
      send(text: string) {
        this.sent.push(text);
      },
      onopen: null as null | (() => void),
      onmessage: null as null | ((e: { data: string }) => void),
      onclose: null,
    };
    queueMicrotask(() => {
      ws.onopen?.();
      opened({
        sent: ws.sent,
        deliver: (frame) => ws.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) }),
      });
    });
    return ws as unknown as WebSocket;
  });
  return { bridge, socket };
}

describe('the page bridge over the host socket', () => {
  it('delivers a valid event, drops a malformed or unknown one and ignores a frame that is not JSON', async () => {
    const { bridge, socket } = page();
    const s = await socket;
    s.deliver({ t: 'ready' });
    expect(bridge.status()).toBe('connected');
    const got: unknown[] = [];
    bridge.on('calls', (c) => got.push(c));
    const ringing = callsSnapshot(callView('c1', { state: 'ringing' }));
    s.deliver({ t: 'event', name: 'calls', payload: ringing });
    s.deliver({ t: 'event', name: 'calls', payload: { calls: [{ ...ringing.calls[0], state: 'hacked' }] } });
    s.deliver({ t: 'event', name: 'no-such-event', payload: {} });
    s.deliver('{"t":"event","name":"calls"');
    s.deliver({ t: 'event', name: 'calls', payload: { calls: [{ ...ringing.calls[0], evil: '<b>' }] } });
    expect(got).toEqual([ringing, ringing]);
    expect(JSON.stringify(got)).not.toContain('evil');
  });

  it('still answers calls: a result resolves, a refusal rejects with its code', async () => {
    const { bridge, socket } = page();
    const s = await socket;
    s.deliver({ t: 'ready' });
    const info = bridge.client['calls.get']({});
    const dial = bridge.client['call.dial']({ target: '1001' });
    const ids = s.sent.slice(1).map((t) => (JSON.parse(t) as { id: number }).id);
    s.deliver({ t: 'result', id: ids[0], ok: true, value: { calls: [] } });
    s.deliver({ t: 'result', id: ids[1], ok: false, error: { code: 'forbidden' } });
    await expect(info).resolves.toEqual({ calls: [] });
    await expect(dial).rejects.toMatchObject({ code: 'forbidden' });
  });
});
