import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  CdpCommandError,
  CdpPipe,
  CdpPipeError,
  maxFrameBytes,
  type CdpEvent,
} from '../../../electron/browser-host/cdp-pipe';

/** The client on real streams: `toBrowser` is what Chromium would read on fd 3, `fromBrowser` what it writes on fd 4. */
function pipe() {
  const toBrowser = new PassThrough();
  const fromBrowser = new PassThrough();
  const cdp = new CdpPipe(toBrowser, fromBrowser);
  const written: Array<{ id: number; method: string; params: unknown; sessionId?: string }> = [];
  let raw = '';
  toBrowser.on('data', (d: Buffer) => {
    raw += d.toString();
    const parts = raw.split('\0');
    raw = parts.pop()!;
    for (const p of parts) written.push(JSON.parse(p) as (typeof written)[number]);
  });
  const events: CdpEvent[] = [];
  const failures: CdpPipeError[] = [];
  cdp.onEvent((e) => events.push(e));
  cdp.onFailure((e) => failures.push(e));
  const tick = () => new Promise((r) => setImmediate(r));
  return { cdp, fromBrowser, toBrowser, written, events, failures, tick };
}

describe('CdpPipe', () => {
  it('writes each command as one JSON object ended by a NUL, and resolves it with its answer by id', async () => {
    const p = pipe();
    const first = p.cdp.send('Target.setDiscoverTargets', { discover: true });
    const second = p.cdp.send('Page.reload', {}, 'S1');
    await p.tick();
    expect(p.written).toEqual([
      { id: 1, method: 'Target.setDiscoverTargets', params: { discover: true } },
      { id: 2, method: 'Page.reload', params: {}, sessionId: 'S1' },
    ]);
    // Answers may come in any order.
    p.fromBrowser.write('{"id":2,"result":{"two":true}}\0{"id":1,"result":{}}\0');
    expect(await second).toEqual({ two: true });
    expect(await first).toEqual({});
  });

  it('puts a message split across chunks back together, even inside a multi-byte character', async () => {
    const p = pipe();
    const msg = Buffer.from('{"method":"Target.targetInfoChanged","params":{"targetInfo":{"title":"Llamada — ñ"}}}\0');
    const cut = msg.indexOf(Buffer.from('—')) + 1; // in the middle of the dash's three bytes
    p.fromBrowser.write(msg.subarray(0, 5));
    p.fromBrowser.write(msg.subarray(5, cut));
    await p.tick();
    expect(p.events).toEqual([]);
    p.fromBrowser.write(msg.subarray(cut));
    await p.tick();
    expect(p.events).toEqual([
      { method: 'Target.targetInfoChanged', params: { targetInfo: { title: 'Llamada — ñ' } } },
    ]);
  });

  it('hands on events with their session, several in one chunk', async () => {
    const p = pipe();
    p.fromBrowser.write(
      '{"method":"Target.targetCrashed","params":{"targetId":"T","status":"killed","errorCode":9}}\0' +
        '{"method":"Inspector.targetCrashed","params":{},"sessionId":"S"}\0',
    );
    await p.tick();
    expect(p.events).toEqual([
      { method: 'Target.targetCrashed', params: { targetId: 'T', status: 'killed', errorCode: 9 } },
      { method: 'Inspector.targetCrashed', params: {}, sessionId: 'S' },
    ]);
  });

  it('rejects a command Chromium answers with an error, naming the method and the error', async () => {
    const p = pipe();
    const sent = p.cdp.send('Nope.method');
    p.fromBrowser.write('{"id":1,"error":{"code":-32601,"message":"\'Nope.method\' wasn\'t found"}}\0');
    const err = await sent.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CdpCommandError);
    expect((err as CdpCommandError).cdpCode).toBe(-32601);
    expect((err as Error).message).toContain('Nope.method failed');
    expect(p.cdp.closed).toBe(false);
  });

  it('garbage on the pipe: a clear coded error, commands waiting rejected with it, later input ignored, no throw', async () => {
    const p = pipe();
    const waiting = p.cdp.send('Target.getTargets');
    p.fromBrowser.write('{"id":7,"result":{}}\0not json at all\0{"method":"Target.targetCrashed","params":{}}\0');
    const err = await waiting.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CdpPipeError);
    expect((err as CdpPipeError).code).toBe('cdp-bad-frame');
    expect((err as Error).message).toContain('not json');
    expect(p.failures.map((f) => f.code)).toEqual(['cdp-bad-frame']);
    // Nothing after the garbage is trusted, and new commands fail at once with the same reason.
    expect(p.events).toEqual([]);
    await expect(p.cdp.send('Page.reload')).rejects.toMatchObject({ code: 'cdp-bad-frame' });
  });

  it('JSON that is not a CDP message is garbage too', async () => {
    for (const bad of ['[1,2]', '42', '{"neither":true}']) {
      const p = pipe();
      p.fromBrowser.write(`${bad}\0`);
      await p.tick();
      expect(
        p.failures.map((f) => f.code),
        bad,
      ).toEqual(['cdp-bad-frame']);
    }
  });

  it('a stream with no message end stops being buffered past the limit', async () => {
    const p = pipe();
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    for (let i = 0; i * chunk.length <= maxFrameBytes; i++) p.fromBrowser.write(chunk);
    await p.tick();
    expect(p.failures.map((f) => f.code)).toEqual(['cdp-frame-too-large']);
  });

  it('Chromium exiting (its end of the pipe closed) rejects what waits with cdp-closed', async () => {
    const p = pipe();
    const waiting = p.cdp.send('Target.getTargets');
    p.fromBrowser.end();
    await expect(waiting).rejects.toMatchObject({ code: 'cdp-closed' });
    expect(p.failures.map((f) => f.code)).toEqual(['cdp-closed']);
  });

  it('an answer to a command never sent is dropped; close() rejects what waits without reporting a failure', async () => {
    const p = pipe();
    p.fromBrowser.write('{"id":99,"result":{}}\0');
    await p.tick();
    expect(p.cdp.closed).toBe(false);
    const waiting = p.cdp.send('Target.getTargets');
    p.cdp.close();
    await expect(waiting).rejects.toMatchObject({ code: 'cdp-closed' });
    expect(p.failures).toEqual([]);
  });
});
