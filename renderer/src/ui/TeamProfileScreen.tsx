import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ContractError } from '@common/contract/errors';
import { ignorePromise } from '@common/ignore-promise';
import type { DraftProblem, ProfileDraft, ProfilePreview, TeamProfileView } from '@common/contract/profile';
import { validateDraft } from '@common/profile/validate-draft';
import { settingKeys, settingsSchema, type SettingKey } from '@common/settings/schema';
import { useApp, useAppStore } from './context';
import { ProfileChanges } from './ProfileChanges';
import { SettingField } from './SettingField';
import { fieldKind, fromInput, keysBySection, toInput, type FieldInput, type FieldProblem } from './setting-fields';
import { useSettingText } from './setting-text';
import './settings.css';

type Mode = 'unset' | 'default' | 'enforced';
interface Entry {
  mode: Mode;
  input: FieldInput;
}
interface Form {
  team: string;
  version: string;
  author: string;
  expires: string;
  entries: Record<string, Entry>;
}
type Header = 'team' | 'version' | 'author' | 'expires';
const isHeader = (k: string): k is Header => k === 'team' || k === 'version' || k === 'author' || k === 'expires';

/** The keys a team profile may carry, as the schema says (`profile: true`). */
export const profileKeys: SettingKey[] = settingKeys.filter(
  (k) => settingsSchema[k].profile && fieldKind(k).kind !== 'device',
);

function formOf(d: ProfileDraft): Form {
  const entries: Record<string, Entry> = {};
  for (const k of profileKeys) {
    const mode: Mode = k in d.enforced ? 'enforced' : k in d.defaults ? 'default' : 'unset';
    const v = mode === 'enforced' ? d.enforced[k] : mode === 'default' ? d.defaults[k] : settingsSchema[k].default;
    entries[k] = { mode, input: toInput(k, v) };
  }
  return { team: d.team, version: String(d.version), author: d.author, expires: d.expires ?? '', entries };
}

type ClientProblem = { field: FieldProblem } | { header: string };

/** The draft the form says, and what the schema already refuses in it (shown while typing). */
function draftOf(
  f: Form,
  published: ProfileDraft | null,
): { draft: ProfileDraft; problems: Record<string, ClientProblem> } {
  const problems: Record<string, ClientProblem> = {};
  const defaults: Record<string, unknown> = {};
  const enforced: Record<string, unknown> = {};
  for (const k of profileKeys) {
    const e = f.entries[k];
    if (!e || e.mode === 'unset') continue;
    const p = fromInput(k, e.input);
    if (!p.ok) problems[k] = { field: p.problem };
    else (e.mode === 'enforced' ? enforced : defaults)[k] = p.value;
  }
  const version = /^\s*\d+\s*$/.test(f.version) ? Number(f.version) : 0;
  const draft: ProfileDraft = {
    team: f.team,
    version,
    author: f.author,
    ...(f.expires ? { expires: f.expires } : {}),
    defaults,
    enforced,
  };
  // The document's own fields, checked by the very rules `diadema profile sign` applies.
  const now = new Date();
  for (const p of validateDraft(draft, { now })) {
    if (!isHeader(p.key) || problems[p.key]) continue;
    const past = p.key === 'expires' && Date.parse(f.expires) <= now.getTime();
    problems[p.key] = { header: past ? 'expiresPast' : p.key };
  }
  if (!problems.version && published && version <= published.version) problems.version = { header: 'versionNotNewer' };
  return { draft, problems };
}

type Outcome =
  | { kind: 'published'; version: number; publishedTo: string; keyId: string }
  | { kind: 'refused'; key: string | undefined; code: string; detail: string | undefined }
  | { kind: 'fix-first' };

/**
 * The team lead's screen: every setting a team profile may carry, each not set, a default the agent may change,
 * or enforced; preview what agents will see change; sign and publish. Offered only where the core says a signing
 * key is configured; the core validates exactly as `diadema profile sign` does, and the schema checks here while
 * typing.
 */
export function TeamProfileScreen() {
  const view = useApp((s) => s.teamProfile);
  if (!view?.available) return null;
  return <TeamProfileForm view={view} />;
}

function TeamProfileForm({ view }: { view: TeamProfileView }) {
  const { t } = useTranslation();
  const text = useSettingText();
  const store = useAppStore();
  const id = useId();
  const [form, setForm] = useState<Form>(() => formOf(view.draft));
  const [preview, setPreview] = useState<ProfilePreview | undefined>();
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const [busy, setBusy] = useState(false);
  const { draft, problems } = draftOf(form, view.published);
  const coreProblems = new Map<string, DraftProblem[]>();
  for (const p of preview?.problems ?? []) coreProblems.set(p.key, [...(coreProblems.get(p.key) ?? []), p]);

  const edit = (next: Partial<Form>) => {
    setForm((f) => ({ ...f, ...next }));
    setOutcome(undefined);
  };
  const editEntry = (k: string, e: Partial<Entry>) => {
    setForm((f) => ({ ...f, entries: { ...f.entries, [k]: { ...f.entries[k]!, ...e } } }));
    setOutcome(undefined);
    // The core's word on this key was about the value before the edit.
    setPreview((p) => p && { ...p, problems: p.problems.filter((x) => x.key !== k) });
  };
  const clientText = (p: ClientProblem) =>
    'field' in p ? text.problem(p.field) : t(`teamProfile.error.${p.header}`, { published: view.published?.version });

  const run = async (what: 'preview' | 'publish') => {
    if (Object.keys(problems).length > 0) {
      setOutcome({ kind: 'fix-first' });
      return;
    }
    setBusy(true);
    try {
      if (what === 'preview') {
        setPreview(await store.bridge.client['profile.preview']({ draft }));
        setOutcome(undefined);
      } else {
        const r = await store.bridge.client['profile.publish']({ draft });
        setOutcome({ kind: 'published', ...r });
        // What was just published is the new base: the form goes on to the next version with the same values.
        setForm((f) => ({ ...f, version: String(r.version + 1) }));
        setPreview(undefined);
        await store.reloadTeamProfile();
      }
    } catch (e) {
      const ce = e instanceof ContractError ? e : new ContractError('internal');
      setOutcome({ kind: 'refused', key: ce.params?.key, code: ce.code, detail: ce.params?.detail });
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    ignorePromise(run('preview'));
  };
  const refusedKey = outcome?.kind === 'refused' ? outcome.key : undefined;

  const headerField = (h: Header, type: 'text' | 'number' = 'text') => {
    const problem = problems[h];
    const core = coreProblems.get(h);
    return (
      <div className="field" key={h}>
        <label htmlFor={`${id}-${h}`}>{t(`teamProfile.${h}`)}</label>
        <input
          id={`${id}-${h}`}
          type={type}
          data-testid={`tp-${h}`}
          value={form[h]}
          aria-invalid={problem || core ? true : undefined}
          aria-describedby={problem || core ? `${id}-${h}-p` : undefined}
          onChange={(e) => edit({ [h]: e.target.value })}
        />
        {h === 'expires' && <span className="hint">{t('teamProfile.expiresHint')}</span>}
        {(problem || core) && (
          <p className="error" id={`${id}-${h}-p`} data-testid={`tp-problem-${h}`}>
            {problem && clientText(problem)}
            {core?.map((c) => (
              <span key={c.code}>
                {' '}
                {t(`teamProfile.problem.${c.code}`)} <span className="tech-detail">{c.detail}</span>
              </span>
            ))}
          </p>
        )}
      </div>
    );
  };

  return (
    <section className="panel team-profile" aria-labelledby={`${id}-t`} data-testid="team-profile">
      <h2 id={`${id}-t`}>{t('teamProfile.title')}</h2>
      <p className="hint">{t('teamProfile.intro')}</p>
      <dl className="facts">
        <dt>{t('teamProfile.publishTo')}</dt>
        <dd data-testid="tp-publish-to">{view.publishTo || t('settings.value.none')}</dd>
        <dt>{t('teamProfile.keyId')}</dt>
        <dd>{view.keyId ?? t('settings.value.none')}</dd>
        <dt>{t('teamProfile.publishedVersion')}</dt>
        <dd data-testid="tp-published">{view.published ? view.published.version : t('teamProfile.neverPublished')}</dd>
      </dl>
      {view.keyProblem && (
        <p className="error" data-testid="tp-key-problem">
          {t('teamProfile.keyProblem')} <span className="tech-detail">{view.keyProblem}</span>
        </p>
      )}
      <form onSubmit={submit} noValidate>
        <fieldset className="tp-header">
          <legend>{t('teamProfile.document')}</legend>
          {headerField('team')}
          {headerField('version', 'number')}
          {headerField('author')}
          {headerField('expires')}
        </fieldset>
        {keysBySection(profileKeys).map(([section, keys]) => (
          <fieldset key={section} className="tp-section">
            <legend>{t(`settings.section.${section}`, { defaultValue: section })}</legend>
            <ul className="settings-list">
              {keys.map((k) => {
                const entry = form.entries[k]!;
                const problem = problems[k];
                const core = coreProblems.get(k);
                const bad = Boolean(problem || core || refusedKey === k);
                const fid = `${id}-${k}`;
                return (
                  <li
                    key={k}
                    className="setting-row"
                    data-testid={`tp-row-${k}`}
                    data-mode={entry.mode}
                    data-invalid={bad ? 'true' : 'false'}
                  >
                    <div className="setting-head">
                      <span className="setting-label" id={`${fid}-l`}>
                        {text.label(k)}
                      </span>
                      <label className="tp-mode">
                        <span className="visually-hidden">{text.label(k)}: </span>
                        {t('teamProfile.mode')}{' '}
                        <select
                          data-testid={`tp-mode-${k}`}
                          value={entry.mode}
                          onChange={(e) => editEntry(k, { mode: e.target.value as Mode })}
                        >
                          <option value="unset">{t('teamProfile.mode.unset')}</option>
                          <option value="default">{t('teamProfile.mode.default')}</option>
                          <option value="enforced">{t('teamProfile.mode.enforced')}</option>
                        </select>
                      </label>
                    </div>
                    {entry.mode !== 'unset' && (
                      <div className="setting-edit">
                        <label htmlFor={`${fid}-f`} className="visually-hidden">
                          {t('teamProfile.value', { label: text.label(k) })}
                        </label>
                        <SettingField
                          settingKey={k}
                          id={`${fid}-f`}
                          testId={`tp-field-${k}`}
                          input={entry.input}
                          onInput={(input) => editEntry(k, { input })}
                          invalid={bad}
                          describedBy={bad ? `${fid}-p` : undefined}
                        />
                      </div>
                    )}
                    {bad && (
                      <p className="error" id={`${fid}-p`} data-testid={`tp-problem-${k}`}>
                        {problem && entry.mode !== 'unset' && clientText(problem)}
                        {core?.map((c) => (
                          <span key={c.code}>
                            {' '}
                            {t(`teamProfile.problem.${c.code}`)} <span className="tech-detail">{c.detail}</span>
                          </span>
                        ))}
                        {refusedKey === k && !core && <> {t('teamProfile.problem.invalid-value')}</>}
                      </p>
                    )}
                  </li>
                );
              })}
            </ul>
          </fieldset>
        ))}
        <div className="buttons">
          <button type="submit" data-testid="tp-preview" disabled={busy}>
            {t('teamProfile.preview')}
          </button>
          <button type="button" data-testid="tp-publish" disabled={busy} onClick={() => ignorePromise(run('publish'))}>
            {t('teamProfile.publish')}
          </button>
        </div>
      </form>
      <div role="status" aria-live="polite" data-testid="tp-outcome">
        {outcome?.kind === 'fix-first' && <p className="error">{t('teamProfile.fixFirst')}</p>}
        {outcome?.kind === 'published' && (
          <p data-testid="tp-result">
            {t('teamProfile.published', {
              version: outcome.version,
              where: outcome.publishedTo,
              keyId: outcome.keyId,
            })}
          </p>
        )}
        {outcome?.kind === 'refused' && (
          <p className="error" data-testid="tp-refusal" data-key={outcome.key ?? ''}>
            {outcome.key
              ? t('teamProfile.refusedKey', { label: text.label(outcome.key) })
              : t('teamProfile.refused', { reason: t(`error.${outcome.code}`, { defaultValue: t('error.internal') }) })}
            {outcome.detail && <span className="tech-detail"> {t('tech.detail', { detail: outcome.detail })}</span>}
          </p>
        )}
      </div>
      {preview && (
        <section className="tp-preview" aria-labelledby={`${id}-pv`} data-testid="tp-preview-result">
          <h3 id={`${id}-pv`}>{t('teamProfile.previewTitle', { count: preview.changes.length })}</h3>
          {preview.problems.length > 0 && (
            <p className="error" data-testid="tp-preview-problems">
              {t('teamProfile.previewProblems', { count: preview.problems.length })}
            </p>
          )}
          <ProfileChanges changes={preview.changes} testId="tp-changes" />
        </section>
      )}
    </section>
  );
}
