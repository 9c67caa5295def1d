import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isCustomerLeg, isInConversation, isLive } from '@common/calls/call-state';
import type { CallView } from '@common/contract/calls';
import { ignorePromise } from '@common/ignore-promise';
import { CallVolume } from './CallVolume';
import { useApp, useAppStore } from './context';
import { useShortcutHint } from './use-hotkeys';

const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

function CallCard({ call }: { call: CallView }) {
  const { t } = useTranslation();
  const store = useAppStore();
  const [target, setTarget] = useState('');
  const consult = useApp((s) => s.calls.calls.find((c) => c.consultFor === call.id && c.state === 'active'));
  const c = store.bridge.client;
  const act = (p: Promise<unknown>) => ignorePromise(p);
  const inCall = isInConversation(call);
  const q = call.quality;
  const hint = {
    answer: useShortcutHint('answer'),
    hangup: useShortcutHint('hangup'),
    hold: useShortcutHint('toggleHold'),
  };
  return (
    <li
      className={`call call-${call.state}`}
      data-testid="call"
      data-call-id={call.id}
      data-state={call.state}
      data-direction={call.direction}
    >
      <div className="call-head">
        <span className="call-state">{t(`call.state.${call.state}`)}</span>
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
      </div>
      {call.screenPop.length > 0 && (
        <dl className="screen-pop" data-testid="screen-pop" aria-label={t('call.screenPop')}>
          {call.screenPop.map((p) => (
            <div key={p.header} data-header={p.header}>
              <dt>{p.header}</dt>
              <dd>{p.value}</dd>
            </div>
          ))}
        </dl>
      )}
      {call.state === 'ended' && call.endReason && (
        <p className="end" data-testid="call-end">
          {t(`call.end.${call.endReason}`)}
        </p>
      )}
      <div className="buttons">
        {call.state === 'ringing' && (
          <>
            <button
              type="button"
              data-testid="call-answer"
              {...hint.answer}
              onClick={() => act(c['call.answer']({ callId: call.id }))}
            >
              {t('call.answer')}
            </button>
            <button type="button" data-testid="call-reject" onClick={() => act(c['call.reject']({ callId: call.id }))}>
              {t('call.reject')}
            </button>
          </>
        )}
        {isLive(call) && call.state !== 'ringing' && (
          <button
            type="button"
            data-testid="call-hangup"
            {...hint.hangup}
            onClick={() => act(c['call.hangup']({ callId: call.id }))}
          >
            {t('call.hangup')}
          </button>
        )}
        {inCall && (
          <button
            type="button"
            data-testid={call.held ? 'call-resume' : 'call-hold'}
            aria-pressed={call.held}
            {...hint.hold}
            onClick={() => act(c['call.hold']({ callId: call.id, on: !call.held }))}
          >
            {call.held ? t('call.resume') : t('call.hold')}
          </button>
        )}
        {inCall && isCustomerLeg(call) && !consult && (
          <button
            type="button"
            data-testid="call-consult"
            onClick={() => act(c['call.consultSupervisor']({ callId: call.id }))}
          >
            {t('call.consult')}
          </button>
        )}
        {inCall && consult && (
          <button
            type="button"
            data-testid="call-complete-transfer"
            onClick={() => act(c['call.transferAttended']({ callId: call.id, consultCallId: consult.id }))}
          >
            {t('call.completeTransfer')}
          </button>
        )}
      </div>
      {inCall && (
        <form
          className="transfer"
          onSubmit={(e) => {
            e.preventDefault();
            if (target.trim()) act(c['call.transferBlind']({ callId: call.id, target }));
          }}
        >
          <label>
            {t('call.transferTarget')}{' '}
            <input data-testid="transfer-target" value={target} onChange={(e) => setTarget(e.target.value)} />
          </label>
          <button type="submit" data-testid="call-transfer">
            {t('call.transfer')}
          </button>
        </form>
      )}
      {call.state === 'active' && (
        <div className="keypad" role="group" aria-label={t('call.keypad')}>
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

export function CallPanel() {
  const { t } = useTranslation();
  const store = useAppStore();
  const calls = useApp((s) => s.calls.calls);
  const [number, setNumber] = useState('');
  const id = useId();
  const dial = (e: FormEvent) => {
    e.preventDefault();
    if (!number.trim()) return;
    ignorePromise(store.bridge.client['call.dial']({ target: number }).then(() => setNumber('')));
  };
  return (
    <section className="panel calls" id="calls" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('calls.title')}</h2>
      <form className="dial" onSubmit={dial}>
        <label htmlFor={`${id}-dial`}>{t('call.dial')}</label>
        <input
          id={`${id}-dial`}
          data-testid="dial-input"
          inputMode="tel"
          value={number}
          placeholder={t('call.dialHint')}
          onChange={(e) => setNumber(e.target.value)}
        />
        <button type="submit" data-testid="dial-call">
          {t('call.call')}
        </button>
      </form>
      <CallVolume />
      {calls.length === 0 ? (
        <p className="none">{t('calls.none')}</p>
      ) : (
        <ul className="call-list" aria-live="polite">
          {calls.map((c) => (
            <CallCard key={c.id} call={c} />
          ))}
        </ul>
      )}
    </section>
  );
}
