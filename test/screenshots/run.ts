import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
// @ts-expect-error: plain JavaScript module shared with `npm run lab`
import { startLab } from '../lab/lab-core.mjs';
import { toneWav } from '../support/audio-files';
import { startHostProcess } from '../support/browser-host-process';
import { launchAgentBrowser } from '../support/chromium';
import { labAccount, type LabEnv } from '../support/lab-env';
import { callState, openPage, startAgent, stopAgent, type Agent } from '../support/mute-agents';
import { runSipp } from '../support/sipp';
import { speechClip } from '../support/voice-clips';

/**
 * `npm run screenshots`: pictures of every view for the README, in es-MX and en at 1366×768, from the real product
 * (the built browser host, Chromium, the lab's Kamailio). A SIPp caller hands over a call with IVR data (ringing,
 * in call with the screen pop); a second agent calls for the rest (muted with its warnings, the long-hold reminder,
 * after-call work), as SIPp's scenario cannot take a hold re-INVITE. Written to docs/screenshots/<language>/.
 * Each state that must fit a 1366×768 screen is checked for a vertical scroll bar, and the result printed.
 */
// Chromium's WebRTC must not reach the machine's other interfaces: re-run in a private network namespace with only
// loopback up, as `npm test` does (DIADEMA_NO_NETNS=1 runs without one).
if (!process.env.DIADEMA_IN_NETNS && process.platform === 'linux' && !process.env.DIADEMA_NO_NETNS) {
  const asRoot = process.getuid?.() === 0;
  const r = spawnSync(
    'unshare',
    [asRoot ? '-n' : '-rn', '--', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath].concat(
      process.execArgv,
      [process.argv[1]!],
      process.argv.slice(2),
    ),
    { stdio: 'inherit', env: { ...process.env, DIADEMA_IN_NETNS: '1' } },
  );
  if (r.error || r.status === null) {
    console.error(
      `screenshots: no private network namespace (${r.error?.message ?? r.signal}); DIADEMA_NO_NETNS=1 runs without one`,
    );
    process.exit(1);
  }
  process.exit(r.status);
}

const root = process.env.DIADEMA_ROOT ?? process.cwd();
const outDir = path.join(root, 'docs', 'screenshots');
const viewport = { width: 1366, height: 768 };
const languages = ['es-MX', 'en'] as const;
// runSipp finds its scenarios beside its own module, which in this bundle is .tmp/: name the scenario from there.
const sippScenario = path.relative(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'lab', 'sipp'),
  path.join(root, 'test', 'lab', 'sipp', 'ivr-caller.xml'),
);

const built = spawnSync(process.execPath, [path.join(root, 'build', 'bundle.mjs')], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (built.status !== 0) {
  console.error('screenshots: build failed');
  process.exit(1);
}

const voice = {
  en: speechClip('en-us', [
    'Good morning, thank you for calling, how can I help you today?',
    'Let me look up your account, it will only take a moment.',
  ]),
  'es-MX': speechClip('es-419', [
    'Buenos días, gracias por llamar, ¿en qué le puedo ayudar?',
    'Permítame revisar su cuenta, es solo un momento.',
  ]),
};

const until = async (what: string, fn: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`screenshots: timed out waiting for ${what}`);
};
const present = (p: Page, testId: string) =>
  p.evaluate((id) => document.querySelector(`[data-testid="${id}"]`) !== null, testId);

const fits: Array<{ lang: string; shot: string; fits: boolean; scrollHeight: number }> = [];
async function shoot(p: Page, lang: string, name: string, mustFit = false): Promise<void> {
  // Clocks tick and the focus ring would land wherever the last click was: the picture is taken calm.
  await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await p.mouse.move(0, 0);
  const file = path.join(outDir, lang, `${name}.png`);
  await p.screenshot({ path: file });
  const scrollHeight = await p.evaluate(() => document.documentElement.scrollHeight);
  if (mustFit) fits.push({ lang, shot: name, fits: scrollHeight <= viewport.height, scrollHeight });
  console.log(`  ${path.relative(root, file)}`);
}

async function firstRun(lab: LabEnv, lang: string): Promise<void> {
  const host = await startHostProcess({ settings: { 'ui.language': lang } });
  const browser = await launchAgentBrowser({ audioFile: toneWav(440) });
  try {
    const page = await browser.context.newPage();
    await page.setViewportSize(viewport);
    await page.goto(host.url);
    await page.getByTestId('first-run').waitFor({ timeout: 15_000 });
    // The server filled in, as an agent would have it from IT: the form reads as a form, not a blank.
    await page.getByTestId('account-server').fill(lab.ws);
    await shoot(page, lang, '01-first-run');
  } finally {
    await browser.dispose();
    await host.stop();
  }
}

async function calls(lab: LabEnv, lang: (typeof languages)[number]): Promise<void> {
  const accA = labAccount(lab, 4);
  const accB = labAccount(lab, 5);
  const ivr = labAccount(lab, 6);
  let a: Agent | undefined;
  let b: Agent | undefined;
  try {
    a = await startAgent(accA, lab.ws, {
      'ui.language': lang,
      'account.displayName': 'Agente 1004',
      'acw.durationSec': 120,
      'mute.longMuteSec': 5,
      'mute.reminderEverySec': 5,
      'calls.longHoldSec': 10,
      // The customer column as a team sets it up: the IVR's account number under its label, linked to the CRM.
      'calls.screenPop': [
        {
          header: 'X-Account-Id',
          label: { en: 'Account', 'es-MX': 'Cuenta', 'es-ES': 'Cuenta' },
          link: 'https://crm.example/cases?account={value}',
        },
        { header: 'X-IVR-Path', label: { en: 'IVR path', 'es-MX': 'Ruta del IVR', 'es-ES': 'Ruta del IVR' } },
      ],
    });
    b = await startAgent(accB, lab.ws, { 'account.displayName': lang === 'en' ? 'Laura Smith' : 'Lucía Hernández' });
    const pa = await openPage(a, voice[lang]);
    const pb = await openPage(b, toneWav(660));
    await pa.setViewportSize(viewport);
    await shoot(pa, lang, '02-idle', true);

    // A call handed over by the IVR: the screen pop with what it collected.
    const sipp = await runSipp({
      lab,
      scenario: sippScenario,
      service: accA.user,
      account: ivr,
      pauseMs: 6000,
      keys: { account_id: '4815-1623', ivr_path: lang === 'en' ? 'menu>2>balance' : 'menu>2>saldo' },
    });
    try {
      await until('ringing', async () => (await callState(pa)) === 'ringing');
      await shoot(pa, lang, '03-ringing', true);
      await pa.getByTestId('call-answer').click();
      await until('in call', async () => (await callState(pa)) === 'active');
      await pa.waitForTimeout(1500);
      await shoot(pa, lang, '04-in-call', true);
      await until('the caller hangs up', async () => /ended|none/.test(await callState(pa)));
      await sipp.done;
    } finally {
      sipp.kill();
    }
    await until('after-call work', async () => present(pa, 'acw-ready'));
    await pa.getByTestId('acw-ready').click();
    await until('available', async () => !(await present(pa, 'acw-ready')));

    // A call from the second agent: muted while talking, then held too long.
    await pb.getByTestId('dial-input').fill(accA.user);
    await pb.getByTestId('dial-input').press('Enter');
    await until('ringing', async () => (await callState(pa)) === 'ringing');
    await pa.getByTestId('call-answer').click();
    await until('in call', async () => (await callState(pa)) === 'active');
    await pa.getByTestId('mute-toggle').click();
    await until(
      'the mute warnings',
      async () => (await present(pa, 'mute-warning-talking')) && (await present(pa, 'mute-warning-long')),
    );
    await shoot(pa, lang, '05-muted-warning');
    await pa.getByTestId('mute-toggle').click();
    await pa.getByTestId('call-hold').click();
    await until('held', async () => (await callState(pa)) === 'held');
    await until('the long-hold reminder', async () => present(pa, 'hold-warning-long'), 20_000);
    await shoot(pa, lang, '06-on-hold-reminder');
    await pa.getByTestId('hold-warning-resume').click();
    await until('resumed', async () => (await callState(pa)) === 'active');
    await pa.getByTestId('call-hangup').click();
    await until('after-call work', async () => present(pa, 'acw-ready'));
    await pa.waitForTimeout(3500);
    await shoot(pa, lang, '07-after-call-work', true);
    await pa.getByTestId('view-history').click();
    await pa.getByTestId('view-history-panels').waitFor({ state: 'visible' });
    await pa.waitForTimeout(500);
    await shoot(pa, lang, '08-history');
    await pa.getByTestId('view-settings').click();
    await pa.getByTestId('view-settings-panels').waitFor({ state: 'visible' });
    await pa.waitForTimeout(500);
    await shoot(pa, lang, '09-settings');
  } finally {
    await stopAgent(a);
    await stopAgent(b);
  }
}

const labDir = mkdtempSync(path.join(os.tmpdir(), 'diadema-lab-screenshots-'));
const lab = (await startLab({ dir: labDir })) as { env: LabEnv; stop(): Promise<void> };
let failed = false;
try {
  for (const lang of languages) {
    mkdirSync(path.join(outDir, lang), { recursive: true });
    console.log(`== ${lang}`);
    await firstRun(lab.env, lang);
    await calls(lab.env, lang);
  }
  console.log('\nfits 1366×768 without a vertical scroll:');
  for (const f of fits) console.log(`  ${f.lang} ${f.shot}: ${f.fits ? 'yes' : 'NO'} (page ${f.scrollHeight} px)`);
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  await lab.stop();
  rmSync(labDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
