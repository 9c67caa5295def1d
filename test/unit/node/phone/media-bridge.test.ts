import { describe, expect, it } from 'vitest';
import type { MediaRequest } from '@common/contract/calls';
import type { Connection } from '@common/contract/contract';
import { MediaBridge, ProxySessionDescriptionHandler } from '../../../../electron/node/phone/media-bridge';
import { silentLogger } from '../../../../electron/node/log';

/** A media host that records what it is asked and answers when told to. */
function host(id: string) {
  const asked: MediaRequest[] = [];
  const conn: Connection = {
    id,
    send: (name, payload) => {
      if (name === 'media.request') asked.push(payload as MediaRequest);
    },
  };
  return { conn, asked, ops: () => asked.map((r) => `${r.op}:${r.callId}`) };
}
const offer = 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';

describe('media prepared while a call rings', () => {
  it('asks the host once per call, and the answer takes it without a round trip for the same offer', async () => {
    const bridge = new MediaBridge(silentLogger);
    const h = host('r1');
    bridge.attach(h.conn);
    bridge.prepare('c1', offer);
    bridge.prepare('c1', offer);
    expect(h.ops()).toEqual(['prepare:c1']);
    expect(h.asked[0]!.sdp).toBe(offer);
    const sdh = new ProxySessionDescriptionHandler('c1', bridge);
    const applied = sdh.setDescription(offer);
    bridge.respond(h.conn, { reqId: h.asked[0]!.reqId, ok: true });
    await applied;
    // No setDescription went to the host: the offer was applied while the call rang.
    expect(h.ops()).toEqual(['prepare:c1']);
    expect(bridge.preparedCalls()).toEqual([]);
    // Ending the answered call later is SIP.js's close, not a second release.
    bridge.release('c1');
    expect(h.ops()).toEqual(['prepare:c1']);
  });

  it('falls back to the normal path when the prepare failed, and when the offer is not the one prepared', async () => {
    const bridge = new MediaBridge(silentLogger);
    const h = host('r1');
    bridge.attach(h.conn);
    bridge.prepare('c1', offer);
    bridge.respond(h.conn, { reqId: h.asked[0]!.reqId, ok: false, error: 'NotAllowedError' });
    const sdh = new ProxySessionDescriptionHandler('c1', bridge);
    const applied = sdh.setDescription(offer);
    await new Promise((r) => setTimeout(r, 0));
    expect(h.ops()).toEqual(['prepare:c1', 'setDescription:c1']);
    bridge.respond(h.conn, { reqId: h.asked[1]!.reqId, ok: true });
    await applied;

    bridge.prepare('c2', offer);
    const other = new ProxySessionDescriptionHandler('c2', bridge);
    const changed = other.setDescription(`${offer}a=x\r\n`);
    // The old preparation is released and the new offer applied the normal way.
    expect(h.ops().slice(2)).toEqual(['prepare:c2', 'close:c2', 'setDescription:c2']);
    bridge.respond(h.conn, { reqId: h.asked.at(-1)!.reqId, ok: true });
    await changed;
  });

  it('releases what was prepared when the call ends unanswered, once', () => {
    const bridge = new MediaBridge(silentLogger);
    const h = host('r1');
    bridge.attach(h.conn);
    bridge.prepare('c1', offer);
    bridge.prepare('c2', offer);
    bridge.release('c1');
    bridge.release('c1');
    expect(h.ops()).toEqual(['prepare:c1', 'prepare:c2', 'close:c1']);
    expect(bridge.preparedCalls()).toEqual(['c2']);
  });

  it('tells a replaced host to close what it prepared; the new host prepares afresh', async () => {
    const bridge = new MediaBridge(silentLogger);
    const old = host('r1');
    bridge.attach(old.conn);
    bridge.prepare('c1', offer);
    const fresh = host('r2');
    bridge.attach(fresh.conn);
    expect(old.ops()).toEqual(['prepare:c1', 'close:c1']);
    expect(bridge.preparedCalls()).toEqual([]);
    // Nothing prepared on the new host: answering takes the normal path there.
    const sdh = new ProxySessionDescriptionHandler('c1', bridge);
    const applied = sdh.setDescription(offer);
    expect(fresh.ops()).toEqual(['setDescription:c1']);
    bridge.respond(fresh.conn, { reqId: fresh.asked[0]!.reqId, ok: true });
    await applied;
  });

  it('prepares nothing without a host', () => {
    const bridge = new MediaBridge(silentLogger);
    bridge.prepare('c1', offer);
    expect(bridge.preparedCalls()).toEqual([]);
  });
});
