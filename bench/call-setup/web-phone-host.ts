import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'esbuild';
import { toneWav } from '../../test/support/audio-files';
import { launchAgentBrowser } from '../../test/support/chromium';
import type { Phone } from './phone';

const here = path.resolve('bench', 'call-setup', 'web-phone');

/**
 * The SIP.js web phone (web-phone/) in Debian's Chromium: bundled with esbuild, served from 127.0.0.1 (a secure
 * context, so the page may open the microphone), launched like an agent's Chromium (same flags, a sox tone as the
 * fake microphone), registered to the lab's Kamailio over WebSocket as `account`.
 */
export async function startWebPhone(o: {
  server: string;
  domain: string;
  account: { user: string; password: string };
  toneHz: number;
  initScript: string;
}): Promise<Phone> {
  const bundle = await build({
    entryPoints: [path.join(here, 'web-phone.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'warning',
  });
  const files: Record<string, { type: string; body: Uint8Array }> = {
    '/': { type: 'text/html; charset=utf-8', body: readFileSync(path.join(here, 'index.html')) },
    '/web-phone.js': { type: 'text/javascript; charset=utf-8', body: bundle.outputFiles[0]!.contents },
  };
  const server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const browser = await launchAgentBrowser({ audioFile: toneWav(o.toneHz) });
  const dispose = async () => {
    await browser.dispose();
    await new Promise((resolve) => server.close(resolve));
  };
  try {
    const page = await browser.context.newPage();
    await page.addInitScript(o.initScript);
    await page.goto(url);
    await page.waitForFunction(() => 'webPhone' in window);
    await page.evaluate(
      (c) => (window as unknown as { webPhone: { start(c: unknown): Promise<void> } }).webPhone.start(c),
      { server: o.server, aor: `sip:${o.account.user}@${o.domain}`, ...o.account },
    );
    await page.locator('[data-testid=registration-state][data-state=registered]').waitFor({ timeout: 10_000 });
    return { name: 'SIP.js web phone', user: o.account.user, page, dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}
