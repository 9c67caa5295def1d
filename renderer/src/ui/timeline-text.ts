import type { TFunction } from 'i18next';
import { agentReason, agentStateName } from '@common/contract/agent';
import { endReason } from '@common/contract/calls';
import type { TimelineEntry } from '@common/contract/notes';

/** Where a mute change came from (the core's `MuteSource`); anything else is shown without its source. */
const muteSources = ['ui', 'headset', 'hotkey', 'call-start', 'transfer', 'hold', 'policy', 'verification'] as const;
const agentCauses = ['agent', 'call-ended', 'time-box', 'registration-lost', 'registration-back'] as const;
const callStates = ['ringing', 'dialing', 'answered', 'ended'] as const;

const oneOf = <T extends string>(list: readonly T[], v: unknown): v is T =>
  typeof v === 'string' && (list as readonly string[]).includes(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/**
 * One timeline entry as a short sentence in the agent's language. Values the core wrote that this version does not
 * know (a new kind, source, state or reason) fall back to a translated generic line, never to the raw English word;
 * the sentence is plain text (React escapes it), so a device name from the network stays text.
 */
export function timelineText(t: TFunction, language: string, e: TimelineEntry): string {
  const d = e.data;
  const fmt = (v: number, digits: number) =>
    new Intl.NumberFormat(language, { maximumFractionDigits: digits }).format(v);
  const other = () =>
    t('history.tl.other', { kind: t(`history.kind.${e.kind}`, { defaultValue: t('history.tl.unknownKind') }) });
  switch (e.kind) {
    case 'mute': {
      if (typeof d.muted !== 'boolean') return other();
      const key = d.muted ? 'history.tl.mute.on' : 'history.tl.mute.off';
      return oneOf(muteSources, d.source) ? t(`${key}From`, { source: t(`history.tl.source.${d.source}`) }) : t(key);
    }
    case 'hold':
      return typeof d.on === 'boolean' ? t(d.on ? 'history.tl.hold.on' : 'history.tl.hold.off') : other();
    case 'transfer':
      return d.done === true ? t('history.tl.transfer.done') : other();
    case 'device': {
      if (typeof d.connected !== 'boolean') return other();
      if (!d.connected) return t('history.tl.device.lost');
      const product = text(d.product);
      return product ? t('history.tl.device.connectedNamed', { product }) : t('history.tl.device.connected');
    }
    case 'quality': {
      const parts = (
        [
          ['mos', d.mos, 1],
          ['jitter', d.jitterMs, 0],
          ['loss', d.lossPct, 1],
          ['rtt', d.rttMs, 0],
        ] as const
      ).flatMap(([k, v, digits]) => {
        const n = num(v);
        return n === undefined ? [] : [t(`history.tl.quality.${k}`, { value: fmt(n, digits) })];
      });
      return parts.length ? parts.join(' · ') : other();
    }
    case 'state': {
      if (!oneOf(callStates, d.state)) return other();
      if (d.state !== 'ended') return t(`history.tl.state.${d.state}`);
      return oneOf(endReason.options, d.endReason)
        ? t('history.tl.state.endedBecause', { reason: t(`call.end.${d.endReason}`) })
        : t('history.tl.state.ended');
    }
    case 'acw':
      return d.phase === 'start' || d.phase === 'end' ? t(`history.tl.acw.${d.phase}`) : other();
    case 'agent': {
      if (!oneOf(agentStateName.options, d.to)) return other();
      const state = (s: string, reason?: unknown) =>
        `${t(`agent.state.${s}`)}${oneOf(agentReason.options, reason) ? ` — ${t(`agent.reason.${reason}`)}` : ''}`;
      const change = oneOf(agentStateName.options, d.from)
        ? t('history.tl.agent.change', { from: state(d.from), to: state(d.to, d.reason) })
        : t('history.tl.agent.to', { to: state(d.to, d.reason) });
      return oneOf(agentCauses, d.cause)
        ? t('history.tl.agent.because', { change, cause: t(`history.tl.cause.${d.cause}`) })
        : change;
    }
    default:
      return other();
  }
}
