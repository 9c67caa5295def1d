import type { Page } from 'playwright-core';
import { startE2eAgent } from '../../test/support/e2e-agent';

/**
 * One phone the bench drives: a Diadema agent or the SIP.js web phone. Both pages carry the same test ids
 * (`registration-state`, `call` with `data-state`, `call-answer`), so one measuring loop serves them all.
 */
export interface Phone {
  name: string;
  user: string;
  page: Page;
  dispose(): Promise<void>;
}

/** A Diadema agent (browser host + Chromium, a tone as its microphone), no after-call work between calls. */
export async function startDiadema(o: {
  name: string;
  server: string;
  account: { user: string; password: string };
  toneHz: number;
  initScript?: string;
  settings?: Record<string, unknown>;
}): Promise<Phone> {
  const agent = await startE2eAgent({
    server: o.server,
    account: o.account,
    settings: { 'acw.durationSec': 0, ...o.settings },
    toneHz: o.toneHz,
    ...(o.initScript ? { initScript: o.initScript } : {}),
  });
  return { name: o.name, user: o.account.user, page: agent.page, dispose: () => agent.dispose() };
}
