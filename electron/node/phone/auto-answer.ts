import type { Settings } from '@common/settings/schema';

export type AutoAnswerSettings = Pick<Settings, 'calls.autoAnswer' | 'calls.autoAnswerDelaySec'>;

/** The longest `answer-after` a caller may ask for, in seconds. */
const maxAnswerAfterSec = 60;

/**
 * How many seconds after it rings an incoming call answers itself, or undefined when it waits for the agent.
 * The caller may ask for it (`Call-Info: <...>;answer-after=N`, the intercom and call-centre convention, capped at
 * 60 s); otherwise the settings decide (`calls.autoAnswer`, `calls.autoAnswerDelaySec`). The call manager only
 * arms it when no other call is live, so an auto-answer never puts a conversation on hold.
 */
export function autoAnswerDelaySec(callInfo: string | undefined, settings: AutoAnswerSettings): number | undefined {
  const m = callInfo ? /answer-after\s*=\s*(\d{1,3})/i.exec(callInfo) : null;
  if (m) return Math.min(maxAnswerAfterSec, Number(m[1]));
  return settings['calls.autoAnswer'] ? settings['calls.autoAnswerDelaySec'] : undefined;
}
