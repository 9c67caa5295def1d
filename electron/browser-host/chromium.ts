import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Flags that keep Debian's Chromium quiet on a closed network and let WebRTC use loopback. */
export function chromiumArgs(o: {
  url: string;
  headless: boolean;
  userDataDir: string;
  fakeMedia?: { audioFile?: string };
}): string[] {
  const args = [
    `--user-data-dir=${o.userDataDir}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--allow-loopback-in-peer-connection',
    '--autoplay-policy=no-user-gesture-required',
  ];
  if (o.headless) args.push('--headless', '--disable-gpu');
  if (process.getuid?.() === 0) args.push('--no-sandbox'); // Chromium refuses to run its sandbox as root.
  if (o.fakeMedia) {
    args.push('--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream');
    if (o.fakeMedia.audioFile) args.push(`--use-file-for-fake-audio-capture=${o.fakeMedia.audioFile}`);
  }
  args.push(o.headless ? o.url : `--app=${o.url}`);
  return args;
}

export function launchChromium(o: { executable: string; url: string; headless: boolean }): {
  child: ChildProcess;
  dispose(): void;
} {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'diadema-chromium-'));
  const child = spawn(o.executable, chromiumArgs({ url: o.url, headless: o.headless, userDataDir }), {
    stdio: 'ignore',
  });
  return {
    child,
    dispose() {
      if (child.exitCode === null) child.kill('SIGTERM');
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
