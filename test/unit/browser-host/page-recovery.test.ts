import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CdpPipe } from '../../../electron/browser-host/cdp-pipe';
import { maxReloads, reloadWindowMs, watchPageCrashes } from '../../../electron/browser-host/page-recovery';
import { createLogger } from '../../../electron/node/log';
import { FakeClock } from '../../support/fake-clock';

const origin = 'http://127.0.0.1:4567';

/**
 * A real CdpPipe whose far end is a scripted browser: it answers every command (a session for attachToTarget,
 * `{}` otherwise, an error for methods listed in `failing`) and lets the test send target events.
 */
function scriptedBrowser(o: { failing?: string[] } = {}) {
  const toBrowser = new PassThrough();
  const fromBrowser = new PassThrough();
  const cdp = new CdpPipe(toBrowser, fromBrowser);
  const commands: Array<{ method: string; params: Record<string, unknown>; sessionId?: string }> = [];
  let raw = '';
  toBrowser.on('data', (d: Buffer) => {
    raw += d.toString();
    const parts = raw.split('\0');
    raw = parts.pop()!;
    for (const p of parts) {
      const m = JSON.parse(p) as { id: number; method: string; params: Record<string, unknown>; sessionId?: string };
      commands.push({ method: m.method, params: m.params, ...(m.sessionId ? { sessionId: m.sessionId } : {}) });
      const answer = o.failing?.includes(m.method)
        ? { id: m.id, error: { code: -32000, message: 'No target with given id found' } }
        : { id: m.id, result: m.method === 'Target.attachToTarget' ? { sessionId: `S${m.id}` } : {} };
      fromBrowser.write(`${JSON.stringify(answer)}\0`);
    }
  });
  const event = (method: string, params: Record<string, unknown>) =>
    fromBrowser.write(`${JSON.stringify({ method, params })}\0`);
  const target = (targetId: string, type: string, url: string) =>
    event('Target.targetCreated', { targetInfo: { targetId, type, url, attached: false } });
  const crash = (targetId: string) => event('Target.targetCrashed', { targetId, status: 'killed', errorCode: 9 });
  const settle = async () => {
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
  };
  const lines: string[] = [];
  const log = createLogger((l) => lines.push(l), 'debug', 'browser-host');
  return { cdp, commands, target, crash, event, settle, lines, log };
}

const methods = (cmds: Array<{ method: string }>) => cmds.map((c) => c.method);

describe('watchPageCrashes', () => {
  it('asks Chromium for its targets, and reloads the app page that crashed in the same tab', async () => {
    const b = scriptedBrowser();
    const recovery = watchPageCrashes({ cdp: b.cdp, origin, log: b.log });
    await recovery.ready;
    expect(b.commands).toEqual([{ method: 'Target.setDiscoverTargets', params: { discover: true } }]);
    b.target('P1', 'page', `${origin}/#token=abc`);
    b.crash('P1');
    await b.settle();
    expect(b.commands.slice(1)).toEqual([
      { method: 'Target.attachToTarget', params: { targetId: 'P1', flatten: true } },
      { method: 'Page.reload', params: {}, sessionId: 'S2' },
      { method: 'Target.detachFromTarget', params: { sessionId: 'S2' } },
    ]);
    expect(recovery.reloads).toBe(1);
    expect(b.lines.join('\n')).toMatch(/warn .*the page crashed: reloading it .*"status":"killed"/);
    expect(b.lines.join('\n')).toContain('the page reloaded after its crash');
    // The token in the page URL never reaches the log.
    expect(b.lines.join('\n')).not.toContain('abc');
  });

  it('leaves alone crashed targets that are not the app page: other origins, Chromium UI, workers, unknown ones', async () => {
    const b = scriptedBrowser();
    const recovery = watchPageCrashes({ cdp: b.cdp, origin, log: b.log });
    await recovery.ready;
    b.target('UI', 'browser_ui', 'chrome://omnibox-popup.top-chrome/');
    b.target('OTHER', 'page', 'http://127.0.0.1:45670/'); // same prefix, another port
    b.target('W', 'service_worker', `${origin}/sw.js`);
    for (const t of ['UI', 'OTHER', 'W', 'NEVER-SEEN']) b.crash(t);
    await b.settle();
    expect(methods(b.commands)).toEqual(['Target.setDiscoverTargets']);
    expect(recovery.reloads).toBe(0);
  });

  it('follows a page navigating to the app (targetInfoChanged) and forgets a destroyed one', async () => {
    const b = scriptedBrowser();
    const recovery = watchPageCrashes({ cdp: b.cdp, origin, log: b.log });
    await recovery.ready;
    b.target('P', 'page', 'about:blank');
    b.event('Target.targetInfoChanged', { targetInfo: { targetId: 'P', type: 'page', url: `${origin}/` } });
    b.target('GONE', 'page', `${origin}/`);
    b.event('Target.targetDestroyed', { targetId: 'GONE' });
    b.crash('GONE');
    b.crash('P');
    await b.settle();
    expect(b.commands.filter((c) => c.method === 'Target.attachToTarget').map((c) => c.params.targetId)).toEqual(['P']);
  });

  it(`reloads at most ${maxReloads} times a minute, says so once, and reloads again once the minute has passed`, async () => {
    const b = scriptedBrowser();
    const clock = new FakeClock();
    const recovery = watchPageCrashes({ cdp: b.cdp, origin, log: b.log, clock });
    await recovery.ready;
    b.target('P', 'page', `${origin}/`);
    for (let i = 0; i < maxReloads + 3; i++) {
      b.crash('P');
      await b.settle();
      clock.skip(1000);
    }
    expect(recovery.reloads).toBe(maxReloads);
    expect(b.commands.filter((c) => c.method === 'Page.reload')).toHaveLength(maxReloads);
    const refusals = b.lines.filter((l) => l.includes('not reloading it (too many crashes)'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatch(/^\S+ error/);
    // The first reload leaves the window: one more is allowed.
    clock.skip(reloadWindowMs - (maxReloads + 3) * 1000 + 1);
    b.crash('P');
    await b.settle();
    expect(recovery.reloads).toBe(maxReloads + 1);
  });

  it('a reload Chromium refuses is logged as an error, nothing thrown', async () => {
    const b = scriptedBrowser({ failing: ['Page.reload'] });
    const recovery = watchPageCrashes({ cdp: b.cdp, origin, log: b.log });
    await recovery.ready;
    b.target('P', 'page', `${origin}/`);
    b.crash('P');
    await b.settle();
    expect(b.lines.join('\n')).toMatch(/error .*reloading the crashed page failed .*No target with given id found/);
    // The session is let go even so.
    expect(methods(b.commands).at(-1)).toBe('Target.detachFromTarget');
  });

  it('after stop() (Chromium being stopped: its renderers die) nothing is reloaded', async () => {
    const b = scriptedBrowser();
    const recovery = watchPageCrashes({ cdp: b.cdp, origin, log: b.log });
    await recovery.ready;
    b.target('P', 'page', `${origin}/`);
    recovery.stop();
    b.crash('P');
    await b.settle();
    expect(methods(b.commands)).toEqual(['Target.setDiscoverTargets']);
  });
});
