import { useId, useState } from 'react';
import './agent-notes.css';
import { useTranslation } from 'react-i18next';
import { Circle, Diamond, Phone, Square, Triangle, type LucideIcon } from 'lucide-react';
import { notReadyReason, type AgentSetArgs, type AgentStateName } from '@common/contract/agent';
import { refusalOf } from '@common/contract/errors';
import { formatClock } from './clock-text';
import { useApp, useAppStore } from './context';
import { useNow } from './use-now';

// Each state has its own filled shape as well as its colour (see styles: agent-*), so it reads without colour vision.
const shape: Record<AgentStateName, LucideIcon> = {
  available: Circle,
  'not-ready': Square,
  acw: Diamond,
  break: Triangle,
};

type Choice = 'available' | 'break' | `not-ready:${(typeof notReadyReason.options)[number]}`;
const choices: Choice[] = ['available', ...notReadyReason.options.map((r) => `not-ready:${r}` as const), 'break'];
const toArgs = (c: Choice): AgentSetArgs =>
  c.startsWith('not-ready:')
    ? { state: 'not-ready', reason: c.slice('not-ready:'.length) as (typeof notReadyReason.options)[number] }
    : { state: c as 'available' | 'break' };

/** Why the core refused a state change, as a message key. */
export function refusalKey(
  e: unknown,
): 'agent.error.note-unfinished' | 'agent.error.acw-time-box' | 'agent.error.refused' {
  const reason = refusalOf(e);
  return reason === 'note-unfinished'
    ? 'agent.error.note-unfinished'
    : reason === 'acw-time-box'
      ? 'agent.error.acw-time-box'
      : 'agent.error.refused';
}

/** The agent's state, shown with text and shape, and switchable from the keyboard (a native select). */
export function AgentState() {
  const { t } = useTranslation();
  const store = useAppStore();
  const agent = useApp((s) => s.agent);
  const [error, setError] = useState<string | undefined>();
  const id = useId();
  // On a call the agent is talking whatever state they chose (it only decides the next offer): say so, and time it.
  const onCall = agent?.state !== 'acw' ? agent?.onCall : undefined;
  const since = onCall?.since ?? agent?.since;
  const now = useNow(Boolean(agent), since);
  if (!agent || since === undefined) return null;
  const Shape = onCall ? Phone : shape[agent.state];
  const inState = Math.max(0, Math.floor((now - since) / 1000));
  const current: Choice | '' =
    agent.state === 'available'
      ? 'available'
      : agent.state === 'break'
        ? 'break'
        : agent.state === 'not-ready' && agent.reason && agent.reason !== 'degraded'
          ? `not-ready:${agent.reason}`
          : '';
  const locked = agent.state === 'acw' && !agent.acw?.canEnd;
  const choose = async (c: Choice) => {
    setError(undefined);
    try {
      await store.bridge.client['agent.set'](toArgs(c));
    } catch (e) {
      setError(t(refusalKey(e)));
    }
  };
  return (
    <div className={`agent agent-${onCall ? 'on-call' : agent.state}`} data-testid="agent">
      <div
        role="status"
        aria-live="polite"
        className="agent-now"
        data-testid="agent-state"
        data-state={agent.state}
        data-reason={agent.reason ?? ''}
        data-on-call={onCall ? 'true' : 'false'}
      >
        <Shape aria-hidden="true" className="agent-shape" fill={onCall ? 'none' : 'currentColor'} />
        <span className="agent-text">{onCall ? t('agent.onCall') : t(`agent.state.${agent.state}`)}</span>
        {!onCall && agent.reason && (
          <span className="agent-reason" data-testid="agent-reason">
            {t(`agent.reason.${agent.reason}`)}
          </span>
        )}
      </div>
      {/* Time in state ticks silently: a screen reader hears the state change, not every second. */}
      <span className="agent-time">
        <span className="visually-hidden">{t(onCall ? 'agent.timeOnCall' : 'agent.timeInState')} </span>
        <span role="timer" aria-live="off" data-testid="agent-time" data-seconds={inState}>
          {formatClock(inState)}
        </span>
      </span>
      <label htmlFor={id} className="agent-label">
        {t('agent.change')}
      </label>
      <select
        id={id}
        data-testid="agent-select"
        value={current}
        disabled={locked}
        aria-describedby={locked ? `${id}-locked` : undefined}
        onChange={(e) => {
          if (e.target.value) void choose(e.target.value as Choice);
        }}
      >
        {current === '' && (
          <option value="">
            {t(`agent.state.${agent.state}`)}
            {agent.reason ? ` — ${t(`agent.reason.${agent.reason}`)}` : ''}
          </option>
        )}
        {choices.map((c) => (
          <option key={c} value={c}>
            {c.startsWith('not-ready:')
              ? `${t('agent.state.not-ready')} — ${t(`agent.reason.${c.slice('not-ready:'.length)}`)}`
              : t(`agent.state.${c}`)}
          </option>
        ))}
      </select>
      {locked && (
        <span id={`${id}-locked`} className="hint">
          {t('acw.locked')}
        </span>
      )}
      {agent.degraded && agent.state !== 'not-ready' && (
        <span className="hint" data-testid="agent-degraded">
          {t('agent.degradedPending')}
        </span>
      )}
      {error && (
        <span role="alert" className="error" data-testid="agent-error">
          {error}
        </span>
      )}
    </div>
  );
}
