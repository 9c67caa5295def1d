import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { NoteDraft as DraftSummary } from '@common/contract/notes';
import { ignorePromise } from '@common/ignore-promise';
import { isFieldRequired, NOTE_TEXT_FIELD, requiredTemplateFields } from '@common/notes/note-rules';
import { useApp, useAppStore } from './context';
import { useSetting } from './use-setting';

/** Field, template and disposition names: translated when known, else the team's own text, as text. */
export function useNoteLabels() {
  const { t } = useTranslation();
  return {
    field: (id: string) => (id === 'text' ? t('notes.text') : t(`notes.field.${id}`, { defaultValue: id })),
    template: (id: string, label: string) => t(`notes.template.${id}`, { defaultValue: label }),
    disposition: (d: string) => t(`notes.disposition.${d}`, { defaultValue: d }),
  };
}

/** How long after its call's answer a note opens: about the answer's media handshake on a LAN (bench/call-setup). */
export const noteOpenAfterAnswerMs = 250;

/**
 * The note of the current call: opens as a draft when a call is answered, follows the team's template, is saved
 * as the agent types (≤300 ms at risk), and is finished with a disposition and the required fields filled.
 */
export function NotesPanel() {
  const { t, i18n } = useTranslation();
  const store = useAppStore();
  const note = useStore(store.note);
  const forCall = useApp((s) => s.currentNote) ?? undefined;
  const templates = useSetting('notes.templates');
  const dispositions = useSetting('notes.dispositions');
  const required = useSetting('notes.requiredFields');
  const labels = useNoteLabels();
  const [drafts, setDrafts] = useState<DraftSummary[]>([]);
  const id = useId();

  // The core says which call's note is current (the answered customer call, else the one in after-call work).
  useEffect(() => {
    if (!forCall || forCall === store.note.getState().callId) return;
    const open = () => void store.note.open(forCall, templates[0]?.id ?? null);
    // Opening renders the template and saves the draft. Right at the answer that work would compete for the CPU with
    // the call's media handshake (bench/call-setup: first audio later by tens of ms), so it waits for the handshake.
    const answeredAt = store.getState().calls.calls.find((c) => c.id === forCall)?.answeredAt;
    const wait =
      answeredAt === undefined ? 0 : Math.min(noteOpenAfterAnswerMs, answeredAt + noteOpenAfterAnswerMs - Date.now());
    if (wait <= 0) {
      open();
      return;
    }
    const timer = setTimeout(open, wait);
    return () => clearTimeout(timer);
  }, [forCall, store, templates]);

  // After-call work over: a note the core finished on the time box is closed; an unfinished one stays to finish.
  useEffect(() => {
    const callId = note.callId;
    if (!callId || forCall === callId || note.status === 'final') return;
    let stale = false;
    ignorePromise(
      store.note
        .flush()
        .then(() => store.bridge.client['notes.get']({ callId }))
        .then((r) => {
          if (!stale && r.note?.status === 'final' && store.note.getState().callId === callId) store.note.close();
        }),
    );
    return () => {
      stale = true;
    };
  }, [forCall, note.callId, note.status, store]);

  // Unfinished drafts from earlier (a crash, a closed window) are offered back on start.
  useEffect(() => {
    ignorePromise(store.bridge.client['notes.drafts']({}).then((r) => setDrafts(r.drafts)));
  }, [store]);

  const offered = drafts.filter((d) => d.callId !== note.callId);
  const template = templates.find((x) => x.id === note.templateId) ?? templates[0];
  const readOnly = !note.editable;
  const fieldIds = template?.fields ?? [];
  // Required fields the template lacks, and fields written under another template, are shown too.
  const extraFields = [
    ...new Set([...requiredTemplateFields(required), ...Object.keys(note.fields).filter((f) => note.fields[f])]),
  ].filter((f) => !fieldIds.includes(f));

  const finish = async () => {
    if (await store.note.finish(required)) setDrafts((ds) => ds.filter((d) => d.callId !== note.callId));
    else if (store.note.getState().missing[0])
      document.getElementById(`${id}-f-${store.note.getState().missing[0]}`)?.focus();
  };

  return (
    <section className="panel notes" aria-labelledby={`${id}-title`} data-testid="notes">
      <h2 id={`${id}-title`}>{t('notes.title')}</h2>
      {offered.length > 0 && (
        <div className="drafts" data-testid="notes-drafts">
          <p>{t('notes.draftsOffered')}</p>
          <ul>
            {offered.map((d) => (
              <li key={d.callId} data-testid="notes-draft" data-call-id={d.callId}>
                <span>{d.remoteName || d.remoteNumber || t('call.unknownCaller')}</span>{' '}
                <span className="hint">{new Date(d.updatedAt).toLocaleString(i18n.language)}</span>{' '}
                <span className="preview">{d.preview}</span>{' '}
                <button
                  type="button"
                  data-testid="notes-draft-open"
                  onClick={() => void store.note.open(d.callId, templates[0]?.id ?? null)}
                >
                  {t('notes.continue')}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {!note.callId ? (
        <p>{t('notes.none')}</p>
      ) : (
        <form
          data-testid="note"
          data-call-id={note.callId}
          data-status={note.status}
          onSubmit={(e) => {
            e.preventDefault();
            void finish();
          }}
        >
          {readOnly && (
            <p className="hint" data-testid="note-readonly">
              {t('notes.readOnly')}
            </p>
          )}
          {templates.length > 1 && (
            <label className="field">
              {t('notes.template')}
              <select
                data-testid="note-template"
                value={template?.id ?? ''}
                disabled={readOnly}
                onChange={(e) => store.note.edit({ templateId: e.target.value })}
              >
                {templates.map((x) => (
                  <option key={x.id} value={x.id}>
                    {labels.template(x.id, x.label)}
                  </option>
                ))}
              </select>
            </label>
          )}
          {templates.length === 1 && template && (
            <p className="hint" data-testid="note-template-name">
              {labels.template(template.id, template.label)}
            </p>
          )}
          {[...fieldIds, ...extraFields].map((f) => {
            const isRequired = isFieldRequired(required, f);
            const missing = note.missing.includes(f);
            return (
              <div className="field" key={f}>
                <label htmlFor={`${id}-f-${f}`}>
                  {labels.field(f)}
                  {isRequired && <span className="required"> ({t('notes.required')})</span>}
                </label>
                <textarea
                  id={`${id}-f-${f}`}
                  data-testid={`note-field-${f}`}
                  rows={2}
                  value={note.fields[f] ?? ''}
                  readOnly={readOnly}
                  aria-required={isRequired}
                  aria-invalid={missing}
                  aria-describedby={missing ? `${id}-f-${f}-err` : undefined}
                  onChange={(e) =>
                    store.note.edit({ fields: { ...store.note.getState().fields, [f]: e.target.value } })
                  }
                />
                {missing && (
                  <span id={`${id}-f-${f}-err`} className="error">
                    {t('notes.fieldRequired')}
                  </span>
                )}
              </div>
            );
          })}
          <div className="field">
            <label htmlFor={`${id}-f-text`}>
              {t('notes.text')}
              {isFieldRequired(required, NOTE_TEXT_FIELD) && <span className="required"> ({t('notes.required')})</span>}
            </label>
            <textarea
              id={`${id}-f-text`}
              data-testid="note-text"
              rows={4}
              value={note.text}
              readOnly={readOnly}
              aria-required={isFieldRequired(required, NOTE_TEXT_FIELD)}
              aria-invalid={note.missing.includes(NOTE_TEXT_FIELD)}
              onChange={(e) => store.note.edit({ text: e.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-disp`}>{t('notes.disposition')}</label>
            <select
              id={`${id}-disp`}
              data-testid="note-disposition"
              value={note.disposition ?? ''}
              disabled={readOnly}
              aria-invalid={note.problem === 'no-disposition'}
              onChange={(e) => store.note.edit({ disposition: e.target.value || null })}
            >
              <option value="">{t('notes.chooseDisposition')}</option>
              {dispositions.map((d) => (
                <option key={d} value={d}>
                  {labels.disposition(d)}
                </option>
              ))}
            </select>
          </div>
          <p
            className={`save save-${note.save}`}
            data-testid="note-save"
            data-save={note.save}
            role={note.save === 'memory' || note.save === 'unsaved' ? 'alert' : undefined}
          >
            {note.save !== 'idle' && t(`notes.save.${note.save}`)}
          </p>
          {note.problem && (
            <p role="alert" className="error" data-testid="note-problem" data-problem={note.problem}>
              {note.problem === 'missing'
                ? t('notes.problem.missing', { fields: note.missing.map(labels.field).join(', ') })
                : t(`notes.problem.${note.problem}`)}
            </p>
          )}
          <div className="buttons">
            {!readOnly && note.status === 'draft' && (
              <button type="submit" data-testid="note-finish">
                {t('notes.finish')}
              </button>
            )}
            {note.status === 'final' && <span data-testid="note-final">{t('notes.finished')}</span>}
            {note.status === 'final' && note.callId !== forCall && (
              <button type="button" data-testid="note-close" onClick={() => store.note.close()}>
                {t('notes.close')}
              </button>
            )}
          </div>
        </form>
      )}
    </section>
  );
}
