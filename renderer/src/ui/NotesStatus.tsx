import { useTranslation } from 'react-i18next';
import type { NotesStatus as NotesStatusView } from '@common/contract/notes';
import { TechDetail } from './TechDetail';
import { useCoreView } from './use-core-view';

/**
 * What the notes store and the sync outbox are doing, when the agent needs to know: a damaged database moved aside
 * (and where), a full disk or a store that cannot write (notes kept in memory), and the calls still waiting to be
 * sent to the team's endpoint.
 */
export function NotesStatus() {
  const { t, i18n } = useTranslation();
  const status = useCoreView('notes.status', 'notes.status');
  if (!status) return null;
  const { outbox } = status;
  const time = (at: number) => new Date(at).toLocaleTimeString(i18n.language);
  return (
    <>
      {status.store !== 'ok' && (
        <div className="notice error" role="alert" data-testid="notes-store-status" data-store={status.store}>
          <p>
            {t(storeMessage(status), { movedTo: status.movedTo ?? '', count: status.recovery?.notesRecovered ?? 0 })}
          </p>
          <TechDetail detail={status.detail} />
        </div>
      )}
      {outbox.endpoint && (
        <p className="outbox" role="status" data-testid="notes-outbox" data-pending={outbox.pending}>
          {outbox.pending === 0
            ? t('notesStatus.outbox.sent')
            : t('notesStatus.outbox.pending', { count: outbox.pending })}
          {outbox.pending > 0 && outbox.nextAttemptAt !== undefined && (
            <> {t('notesStatus.outbox.next', { time: time(outbox.nextAttemptAt) })}</>
          )}
          {outbox.pending > 0 && (
            <>
              {' '}
              <TechDetail detail={outbox.lastError} />
            </>
          )}
        </p>
      )}
    </>
  );
}

/** A database set aside says whether it was emptied, damaged with notes copied, or damaged with none readable. */
function storeMessage(status: NotesStatusView): string {
  const r = status.recovery;
  if (status.store !== 'recovered' || !r) return `notesStatus.store.${status.store}`;
  if (r.cause === 'emptied') return 'notesStatus.store.recovered.emptied';
  return r.notesRecovered > 0 ? 'notesStatus.store.recovered.damaged' : 'notesStatus.store.recovered.unreadable';
}
