import { memo, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  ArrowRightLeft,
  Grid3x3,
  Headset,
  Pause,
  Phone,
  PhoneForwarded,
  PhoneIncoming,
  PhoneOff,
  PhoneOutgoing,
  Play,
  type LucideIcon,
} from 'lucide-react';
import { isCustomerLeg, isInConversation, isLive } from '@common/calls/call-state';
import type { CallView } from '@common/contract/calls';
import { ignorePromise } from '@common/ignore-promise';
import { CallVolume } from './CallVolume';
import { SignallingBanner } from './SignallingBanner';
import { formatClock } from './clock-text';
import { useApp, useAppStore } from './context';
import { useShortcutHints } from './use-hotkeys';
import { useNow } from './use-now';

const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

// The call's state as a shape beside its word: ringing, on the line, held and ended look different.
const stateIcon: Record<CallView['state'], LucideIcon> = {
  ringing: PhoneIncoming,
  dialing: PhoneOutgoing,
  early: PhoneOutgoing,
  active: Phone,
  held: Pause,
  ended: PhoneOff,
};

/** Handle time once answered, else how long it has rung; the clock ticks silently (a timer, not a live region). */
function CallClock({ call }: { call: CallView }) {
  const { t } = useTranslation();
  const live = call.state !== 'ended';
  const from = call.answeredAt ?? call.startedAt;
  const now = useNow(live, from);
  const sec = Math.max(0, Math.floor(((live ? now : (call.endedAt ?? now)) - from) / 1000));
  return (
    <span className="call-time">
      <span className="call-time-label">{call.answeredAt ? t('call.handleTime') : t('call.waitTime')}</span>{' '}
      <span role="timer" aria-live="off" data-testid="call-handle-time" data-seconds={sec}>
        {formatClock(sec)}
      </span>
    </span>
  );
}

/** How long the customer has been on hold, beside the handle time; silent, like every clock. */
function HoldClock({ heldAt }: { heldAt: number }) {
  const { t } = useTranslation();
  const now = useNow(true, heldAt);
  const sec = Math.max(0, Math.floor((now - heldAt) / 1000));
  return (
    <span className="call-time hold-time">
      <span className="call-time-label">{t('call.holdTime')}</span>{' '}
      <span role="timer" aria-live="off" data-testid="call-hold-time" data-seconds={sec}>
        {formatClock(sec)}
      </span>
    </span>
  );
}

function CallCard({ call }: { call: CallView }) {
  const { t } = useTranslation();
  const store = useAppStore();
  const [target, setTarget] = useState('');
  const [keypad, setKeypad] = useState(false);
  const keypadId = useId();
  const StateIcon = stateIcon[call.state];
  const consult = useApp((s) => s.calls.calls.find((c) => c.consultFor === call.id && c.state === 'active'));
  const c = store.bridge.client;
  const act = (p: Promise<unknown>) => ignorePromise(p);
  const inCall = isInConversation(call);
  const q = call.quality;
  const hints = useShortcutHints();
  const hint = { answer: hints.answer ?? {}, hangup: hints.hangup ?? {}, hold: hints.toggleHold ?? {} };
  return (
    <li
      className={`call call-${call.state}`}
      data-testid="call"
      data-call-id={call.id}
      data-state={call.state}
      data-direction={call.direction}
    >
      <div className="call-head">
        <span className="call-state">
          <StateIcon aria-hidden="true" />
          {t(`call.state.${call.state}`)}
        </span>
        {call.direction === 'inbound' && call.state === 'ringing' && (
          <span className="incoming">{t('call.incoming')}</span>
        )}
        {/* Names and numbers come from the caller's network: text only, never markup. */}
        <span className="remote-name" data-testid="call-remote-name">
          {call.remote.name || t('call.unknownCaller')}
        </span>
        <span className="remote-number" data-testid="call-remote-number">
          {call.remote.number}
        </span>
        {!isCustomerLeg(call) && <span className="consult-for">{t('call.consultFor')}</span>}
        <CallClock call={call} />
        {call.state === 'held' && call.heldAt !== undefined && <HoldClock heldAt={call.heldAt} />}
      </div>
      {call.state === 'ended' && call.endReason && (
        <p className="end" data-testid="call-end">
          {t(`call.end.${call.endReason}`)}
        </p>
      )}
      {/* Answer and Hang up are the large buttons; the rest sit in a row below them. */}
      <div className="buttons call-main">
        {call.state === 'ringing' && (
          <>
            <button
              type="button"
              className="btn-big btn-answer"
              data-testid="call-answer"
              {...hint.answer}
              onClick={() => act(c['call.answer']({ callId: call.id }))}
            >
              <Phone aria-hidden="true" />
              {t('call.answer')}
            </button>
            <button
              type="button"
              className="btn-big btn-reject"
              data-testid="call-reject"
              onClick={() => act(c['call.reject']({ callId: call.id }))}
            >
              <PhoneOff aria-hidden="true" />
              {t('call.reject')}
            </button>
          </>
        )}
        {isLive(call) && call.state !== 'ringing' && (
          <button
            type="button"
            className="btn-big btn-hangup"
            data-testid="call-hangup"
            {...hint.hangup}
            onClick={() => act(c['call.hangup']({ callId: call.id }))}
          >
            <PhoneOff aria-hidden="true" />
            {t('call.hangup')}
          </button>
        )}
      </div>
      {inCall && (
        <div className="buttons">
          <button
            type="button"
            data-testid={call.held ? 'call-resume' : 'call-hold'}
            aria-pressed={call.held}
            {...hint.hold}
            onClick={() => act(c['call.hold']({ callId: call.id, on: !call.held }))}
          >
            {call.held ? <Play aria-hidden="true" /> : <Pause aria-hidden="true" />}
            {call.held ? t('call.resume') : t('call.hold')}
          </button>
          {isCustomerLeg(call) && !consult && (
            <button
              type="button"
              data-testid="call-consult"
              onClick={() => act(c['call.consultSupervisor']({ callId: call.id }))}
            >
              <Headset aria-hidden="true" />
              {t('call.consult')}
            </button>
          )}
          {consult && (
            <button
              type="button"
              data-testid="call-complete-transfer"
              onClick={() => act(c['call.transferAttended']({ callId: call.id, consultCallId: consult.id }))}
            >
              <PhoneForwarded aria-hidden="true" />
              {t('call.completeTransfer')}
            </button>
          )}
          {call.state === 'active' && (
            <button
              type="button"
              data-testid="call-keypad"
              aria-expanded={keypad}
              aria-controls={keypadId}
              onClick={() => setKeypad((k) => !k)}
            >
              <Grid3x3 aria-hidden="true" />
              {t('call.keypad')}
            </button>
          )}
        </div>
      )}
      {inCall && (
        <form
          className="transfer"
          onSubmit={(e) => {
            e.preventDefault();
            if (target.trim()) act(c['call.transferBlind']({ callId: call.id, target }));
          }}
        >
          <label htmlFor={`${keypadId}-transfer`}>{t('call.transferTarget')}</label>
          <input
            id={`${keypadId}-transfer`}
            data-testid="transfer-target"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
          />
          <button type="submit" data-testid="call-transfer">
            <ArrowRightLeft aria-hidden="true" />
            {t('call.transfer')}
          </button>
        </form>
      )}
      {call.state === 'active' && keypad && (
        <div className="keypad" id={keypadId} role="group" aria-label={t('call.keypad')}>
          {keys.map((k) => (
            <button
              key={k}
              type="button"
              data-testid={`dtmf-${k}`}
              onClick={() => act(c['call.dtmf']({ callId: call.id, digits: k }))}
            >
              {k}
            </button>
          ))}
        </div>
      )}
      {q && inCall && (
        <p
          className="quality"
          data-testid="call-quality"
          data-inbound-bytes={q.inboundBytes}
          data-outbound-bytes={q.outboundBytes}
          data-inbound-level={q.inboundLevel}
          data-outbound-level={q.outboundLevel}
          data-mos={q.mos}
        >
          {t('call.quality')}: MOS {q.mos.toFixed(1)} · jitter {q.jitterMs.toFixed(0)} ms · loss {q.lossPct.toFixed(1)}{' '}
          % · RTT {q.rttMs.toFixed(0)} ms
        </p>
      )}
    </li>
  );
}

/**
 * One sentence for a screen reader at each moment of a call the agent must not miss: it rings, it is answered, it
 * goes on hold or comes back, it ends (with why). A polite status of its own, so the cards' clocks and buttons
 * changing around it are not read out.
 */
function CallAnnouncer({ calls }: { calls: CallView[] }) {
  const { t } = useTranslation();
  const [said, setSaid] = useState('');
  const last = useRef(new Map<string, CallView['state']>());
  useEffect(() => {
    const seen = last.current;
    let text: string | undefined;
    for (const c of calls) {
      if (seen.get(c.id) === c.state) continue;
      seen.set(c.id, c.state);
      const who = c.remote.name || c.remote.number || t('call.unknownCaller');
      text =
        c.state === 'ended'
          ? c.endReason
            ? t('call.announce.endedWhy', { who, reason: t(`call.end.${c.endReason}`) })
            : t('call.announce.ended', { who })
          : c.state === 'early'
            ? t('call.announce.dialing', { who })
            : t(`call.announce.${c.state}`, { who });
    }
    for (const id of seen.keys()) if (!calls.some((c) => c.id === id)) seen.delete(id);
    if (text !== undefined) setSaid(text);
  }, [calls, t]);
  return (
    <p className="visually-hidden" role="status" aria-live="polite" data-testid="call-announce">
      {said}
    </p>
  );
}

/** The dial field: its own component, so a change in the calls (a ring) does not render it again. */
const DialForm = memo(function DialForm({ id }: { id: string }) {
  const { t } = useTranslation();
  const store = useAppStore();
  const [number, setNumber] = useState('');
  const dial = (e: FormEvent) => {
    e.preventDefault();
    if (!number.trim()) return;
    ignorePromise(store.bridge.client['call.dial']({ target: number }).then(() => setNumber('')));
  };
  return (
    // The label sits above the field and the hint below it, never over the typed number.
    <form className="dial" onSubmit={dial}>
      <label htmlFor={`${id}-dial`}>{t('call.dial')}</label>
      <div className="dial-row">
        <input
          id={`${id}-dial`}
          data-testid="dial-input"
          inputMode="tel"
          autoComplete="off"
          value={number}
          aria-describedby={`${id}-dial-hint`}
          onChange={(e) => setNumber(e.target.value)}
        />
        <button type="submit" data-testid="dial-call">
          <Phone aria-hidden="true" />
          {t('call.call')}
        </button>
      </div>
      <span className="hint" id={`${id}-dial-hint`}>
        {t('call.dialHint')}
      </span>
    </form>
  );
});
// Each follows its own slice of the state; a ring (a new calls snapshot) need not render them again.
const Banner = memo(SignallingBanner);
const Volume = memo(CallVolume);

export function CallPanel() {
  const { t } = useTranslation();
  const calls = useApp((s) => s.calls.calls);
  const id = useId();
  return (
    <section className="panel calls" id="calls" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('calls.title')}</h2>
      <DialForm id={id} />
      <Banner />
      <Volume />
      <CallAnnouncer calls={calls} />
      {calls.length === 0 ? (
        <p className="none">{t('calls.none')}</p>
      ) : (
        <ul className="call-list">
          {calls.map((c) => (
            <CallCard key={c.id} call={c} />
          ))}
        </ul>
      )}
    </section>
  );
}
