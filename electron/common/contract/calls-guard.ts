import { callState, callView, endReason, quality, type CallsSnapshot } from './calls';
import { isHttpsLink, LINK_MAX, screenPopLabel } from './screen-pop';
import { SCREEN_POP_FIELDS_MAX, SCREEN_POP_HEADER_MAX, SCREEN_POP_VALUE_MAX } from './screen-pop-record';

/**
 * The `calls` event's fast path: a hand-written check that a payload is *exactly* a well-formed snapshot (every
 * rule of `callsSnapshot`, and no key the schema does not name). Such a payload is what the schema's parse would
 * return unchanged, so the renderer can take it as is; anything else (a bad shape, an extra key the schema would
 * strip, a field this check does not know) goes through the schema, which refuses or strips exactly as before.
 * It runs on every ring, ahead of the ringing card; the schema's generic walk costs several times more.
 */
type Check = (v: unknown) => boolean;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
const str =
  (max: number): Check =>
  (v) =>
    typeof v === 'string' && v.length <= max;
// zod's number refuses NaN and ±Infinity (JSON cannot carry them, a direct caller could).
const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const bool: Check = (v) => typeof v === 'boolean';
/** Every element, holes included (a hole is not a value the schema accepts); no named keys beside them. */
const every = (a: unknown[], check: Check): boolean => {
  if (Object.keys(a).length !== a.length) return false;
  for (let i = 0; i < a.length; i++) if (!(i in a) || !check(a[i])) return false;
  return true;
};
const oneOf = (options: readonly string[]): Check => {
  const set = new Set(options);
  return (v) => typeof v === 'string' && set.has(v);
};
/** An object with exactly these keys (optional ones absent, never present as undefined), each passing its check. */
const exact =
  (required: Record<string, Check>, optional: Record<string, Check> = {}): Check =>
  (v) => {
    if (!isObject(v)) return false;
    let seen = 0;
    for (const k in required) {
      if (!Object.prototype.hasOwnProperty.call(v, k) || !required[k]!(v[k])) return false;
      seen++;
    }
    for (const k in optional) {
      if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
      if (!optional[k]!(v[k])) return false;
      seen++;
    }
    return Object.keys(v).length === seen;
  };

const screenPopField = exact(
  { header: str(SCREEN_POP_HEADER_MAX), value: str(SCREEN_POP_VALUE_MAX) },
  {
    // Labels come from the team's settings, rare and small: the schema itself judges them.
    label: (v) => isObject(v) && screenPopLabel.safeParse(v).success,
    link: (v) => typeof v === 'string' && v.length <= LINK_MAX && isHttpsLink(v),
  },
);

/** Each field of a call as this check knows it; `callView` fields missing here send payloads to the schema. */
export const callViewChecks: { required: Record<string, Check>; optional: Record<string, Check> } = {
  required: {
    id: str(64),
    direction: oneOf(['inbound', 'outbound']),
    state: oneOf(callState.options),
    remote: exact({ name: str(128), number: str(128) }),
    screenPop: (v) => Array.isArray(v) && v.length <= SCREEN_POP_FIELDS_MAX && every(v, screenPopField),
    startedAt: num,
    held: bool,
    earlyMedia: bool,
  },
  optional: {
    answeredAt: num,
    endedAt: num,
    endReason: oneOf(endReason.options),
    endDetail: str(200),
    heldAt: num,
    longHold: exact({ elapsedSec: num, level: (v) => Number.isSafeInteger(v) && (v as number) > 0 }),
    autoAnswerAt: num,
    consultFor: str(64),
    quality: exact(Object.fromEntries(Object.keys(quality.shape).map((k) => [k, num]))),
  },
};

const known = new Set([...Object.keys(callViewChecks.required), ...Object.keys(callViewChecks.optional)]);
/** False when the schema has a field this check does not know: then every payload takes the schema's path. */
export const callViewFullyChecked = Object.keys(callView.shape).every((k) => known.has(k));
const isCallView = exact(callViewChecks.required, callViewChecks.optional);

/** True when `payload` is a snapshot the schema would accept and return unchanged. */
export function isExactCallsSnapshot(payload: unknown): payload is CallsSnapshot {
  return (
    callViewFullyChecked &&
    isObject(payload) &&
    Object.keys(payload).length === 1 &&
    Array.isArray(payload.calls) &&
    every(payload.calls, isCallView)
  );
}
