import { describe, expect, it } from 'vitest';
import { chromiumArgs, singleAppFlags } from '../../../electron/browser-host/chromium';

const url = 'http://127.0.0.1:4567/#token=abc';
const base = { url, userDataDir: '/tmp/diadema-chromium-x' };

/** Switches that would take the renderer out of its sandbox, or put it in the browser process. */
const sandboxBreakers = [
  '--no-sandbox',
  '--no-zygote',
  '--single-process',
  '--disable-setuid-sandbox',
  '--disable-namespace-sandbox',
  '--disable-seccomp-filter-sandbox',
  '--disable-gpu-sandbox',
];

describe('Chromium flags of the browser host', () => {
  it('as an agent runs it (not root), nothing weakens the renderer sandbox', () => {
    for (const headless of [false, true]) {
      const args = chromiumArgs({ ...base, headless, asRoot: false });
      for (const breaker of sandboxBreakers) expect(args, breaker).not.toContain(breaker);
      expect(args.filter((a) => /sandbox|zygote/.test(a))).toEqual(['--no-unsandboxed-zygote']);
    }
  });

  it('as root, where Chromium refuses its sandbox, says so with --no-sandbox and keeps the zygote', () => {
    const args = chromiumArgs({ ...base, headless: true, asRoot: true });
    expect(args).toContain('--no-sandbox');
    expect(args).not.toContain('--no-zygote');
  });

  it('runs one app page: the single-app flags are all there, the page is the app window or the headless page', () => {
    const windowed = chromiumArgs({ ...base, headless: false, asRoot: false });
    expect(windowed).toEqual(expect.arrayContaining(singleAppFlags));
    expect(windowed.at(-1)).toBe(`--app=${url}`);
    expect(windowed).not.toContain('--headless');
    const headless = chromiumArgs({ ...base, headless: true, asRoot: false });
    expect(headless.slice(-2)).toEqual(['--headless', url]);
  });

  it('keeps each switch once, and one --disable-features / --enable-features list (a second would replace the first)', () => {
    const args = chromiumArgs({ ...base, headless: false, asRoot: false, fakeMedia: { audioFile: '/tmp/a.wav' } });
    expect(new Set(args).size).toBe(args.length);
    for (const list of ['--disable-features=', '--enable-features='])
      expect(
        args.filter((a) => a.startsWith(list)),
        list,
      ).toHaveLength(1);
  });
});
