import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallResult } from '@common/contract/contract';
import type { CallSummary } from '@common/contract/notes';
import { screenPopLabelFor, type ScreenPopRecord } from '@common/contract/screen-pop';
import { useAppStore } from './context';
import { useNoteLabels } from './NotesPanel';
import { timelineText } from './timeline-text';
import './customer-context.css';

type Detail = CallResult<'notes.detail'>;
const PAGE = 50;
/** A search stops counting matches here (the page itself is found at once; the count is what costs). */
const COUNT_LIMIT = 10_000;
const DAY = 86_400_000;

export const formatDuration = (ms: number) => {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
const dayInput = (at: number) => new Date(at - new Date(at).getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
const parseDay = (v: string, endOfDay: boolean): number | undefined => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d.getTime() + (endOfDay ? DAY - 1 : 0);
};

/** Past calls: times, full-text search over notes, a call's timeline and note, CSV export. */
export function History() {
  const { t, i18n } = useTranslation();
  const store = useAppStore();
  const labels = useNoteLabels();
  const id = useId();
  const [query, setQuery] = useState('');
  const [result, setResult] = useState<
    { calls: CallSummary[]; total: number; totalCapped?: boolean; offset: number } | undefined
  >();
  const [detail, setDetail] = useState<Detail | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [from, setFrom] = useState(() => dayInput(Date.now() - 7 * DAY));
  const [to, setTo] = useState(() => dayInput(Date.now()));
  const c = store.bridge.client;

  /** The chosen days as times, or undefined (and the agent told) when the range is not valid. */
  const range = (): { from: number; to: number } | undefined => {
    setError(undefined);
    const f = parseDay(from, false);
    const tt = parseDay(to, true);
    if (f === undefined || tt === undefined || f > tt) {
      setError(t('history.badRange'));
      return undefined;
    }
    return { from: f, to: tt };
  };
  /** The calls between the chosen days (and matching the search, when there is one), one page at a time. */
  const search = async (offset: number) => {
    const days = range();
    if (!days) return;
    try {
      const q = query.trim();
      setResult({
        // A search counts at most COUNT_LIMIT matches: past that, "more than" is all the agent needs to know.
        ...(await c['notes.history']({
          limit: PAGE,
          offset,
          ...days,
          ...(q ? { query: q, countLimit: COUNT_LIMIT } : {}),
        })),
        offset,
      });
    } catch {
      setError(t('history.error'));
    }
  };
  const open = async (callId: string) => {
    setError(undefined);
    try {
      setDetail(await c['notes.detail']({ callId }));
    } catch {
      setError(t('history.error'));
    }
  };
  const exportCsv = async () => {
    const days = range();
    if (!days) return;
    try {
      const { data } = await c['notes.export']({ ...days, format: 'csv' });
      const url = URL.createObjectURL(new Blob([data], { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `diadema-calls-${from}-${to}.csv`;
      a.dataset.testid = 'history-download';
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch {
      setError(t('history.error'));
    }
  };

  return (
    <section className="panel history" aria-labelledby={`${id}-title`} data-testid="history">
      <h2 id={`${id}-title`}>{t('history.title')}</h2>
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void search(0);
        }}
      >
        <label htmlFor={`${id}-q`}>{t('history.search')}</label>{' '}
        <input
          id={`${id}-q`}
          type="search"
          data-testid="history-query"
          value={query}
          maxLength={256}
          onChange={(e) => setQuery(e.target.value)}
        />{' '}
        <button type="submit" data-testid="history-search">
          {t('history.searchButton')}
        </button>
      </form>
      <div className="export">
        <label>
          {t('history.from')}{' '}
          <input type="date" data-testid="history-from" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>{' '}
        <label>
          {t('history.to')}{' '}
          <input type="date" data-testid="history-to" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>{' '}
        <button type="button" data-testid="history-export" onClick={() => void exportCsv()}>
          {t('history.export')}
        </button>
      </div>
      {error && (
        <p role="alert" className="error" data-testid="history-error">
          {error}
        </p>
      )}
      {result && (
        <>
          <p role="status" data-testid="history-count">
            {t(result.totalCapped ? 'history.countCapped' : 'history.count', {
              count: result.total,
              first: result.calls.length ? result.offset + 1 : 0,
              last: result.offset + result.calls.length,
            })}
          </p>
          {(result.total > PAGE || result.totalCapped) && (
            <div className="buttons pager">
              <button
                type="button"
                data-testid="history-prev"
                disabled={result.offset === 0}
                onClick={() => void search(Math.max(0, result.offset - PAGE))}
              >
                {t('history.prev')}
              </button>
              <button
                type="button"
                data-testid="history-next"
                disabled={result.offset + PAGE >= result.total && !result.totalCapped}
                onClick={() => void search(result.offset + PAGE)}
              >
                {t('history.next')}
              </button>
            </div>
          )}
          {result.calls.length > 0 && (
            <table className="history-table">
              <thead>
                <tr>
                  <th scope="col">{t('history.when')}</th>
                  <th scope="col">{t('history.who')}</th>
                  <th scope="col">{t('history.handle')}</th>
                  <th scope="col">{t('history.hold')}</th>
                  <th scope="col">{t('history.acw')}</th>
                  <th scope="col">{t('notes.disposition')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('history.open')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {result.calls.map((x) => (
                  <tr key={x.callId} data-testid="history-row" data-call-id={x.callId}>
                    <td>
                      {new Date(x.ringAt).toLocaleString(i18n.language)}{' '}
                      <span className="hint">{t(`history.direction.${x.direction}`)}</span>
                    </td>
                    <td>
                      {x.remoteName || x.remoteNumber || t('call.unknownCaller')}{' '}
                      {x.remoteName && <span className="hint">{x.remoteNumber}</span>}
                      {x.snippet && (
                        <div className="snippet" data-testid="history-snippet">
                          {x.snippet}
                        </div>
                      )}
                    </td>
                    <td>{formatDuration(x.handleMs)}</td>
                    <td>{formatDuration(x.holdMs)}</td>
                    <td>{formatDuration(x.acwMs)}</td>
                    <td>{x.disposition ? labels.disposition(x.disposition) : '—'}</td>
                    <td>
                      <button type="button" data-testid="history-open" onClick={() => void open(x.callId)}>
                        {t('history.open')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      {detail && <CallDetail detail={detail} onClose={() => setDetail(undefined)} />}
    </section>
  );
}

function CallDetail({ detail, onClose }: { detail: Detail; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const store = useAppStore();
  const labels = useNoteLabels();
  const { call, note, timeline, editable } = detail;
  return (
    <article
      className="call-detail"
      data-testid="history-detail"
      data-call-id={call.callId}
      aria-label={t('history.detail')}
    >
      <h3>{call.remoteName || call.remoteNumber || t('call.unknownCaller')}</h3>
      {call.screenPop && call.screenPop.length > 0 && <RecordedScreenPop fields={call.screenPop} />}
      <ol className="timeline" data-testid="history-timeline">
        {timeline.map((e, i) => (
          <li key={i} data-kind={e.kind}>
            <span>{new Date(e.at).toLocaleTimeString(i18n.language)}</span>{' '}
            <span data-testid="history-event">{timelineText(t, i18n.language, e)}</span>
          </li>
        ))}
      </ol>
      {note ? (
        <div className="note-view" data-testid="history-note" data-status={note.status}>
          {Object.entries(note.fields).map(([f, v]) => (
            <div key={f}>
              <strong>{labels.field(f)}</strong>
              <p className="note-text">{v}</p>
            </div>
          ))}
          {note.text && (
            <div>
              <strong>{t('notes.text')}</strong>
              <p className="note-text" data-testid="history-note-text">
                {note.text}
              </p>
            </div>
          )}
          <p>
            {t('notes.disposition')}: {note.disposition ? labels.disposition(note.disposition) : '—'}
          </p>
          <p className="hint">{editable ? t('history.editable') : t('notes.readOnly')}</p>
        </div>
      ) : (
        <p>{t('history.noNote')}</p>
      )}
      <div className="buttons">
        {editable && note && (
          <button
            type="button"
            data-testid="history-edit"
            onClick={() => {
              void store.note.open(call.callId, note.templateId);
              document.querySelector<HTMLElement>('[data-testid=notes] h2')?.scrollIntoView?.();
            }}
          >
            {t('history.edit')}
          </button>
        )}
        <button type="button" data-testid="history-close" onClick={onClose}>
          {t('history.close')}
        </button>
      </div>
    </article>
  );
}

/** What the IVR had said when the call rang, under the labels the team used then (text only: network data). */
function RecordedScreenPop({ fields }: { fields: readonly ScreenPopRecord[] }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <>
      <h4 id={`${id}-pop`}>{t('history.screenPop')}</h4>
      <dl className="screen-pop" data-testid="history-screen-pop" aria-labelledby={`${id}-pop`}>
        {fields.map((p) => (
          <div key={p.header} data-header={p.header}>
            <dt>{screenPopLabelFor(p.label, i18n.language, p.header)}</dt>
            <dd>{p.value}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}
