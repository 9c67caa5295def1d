import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ContractError } from '@common/contract/errors';
import { ignorePromise } from '@common/ignore-promise';
import { settingsSchema, type SettingKey } from '@common/settings/schema';
import { useApp, useAppStore } from './context';
import { ProfileState } from './ProfileState';
import { SettingField } from './SettingField';
import { TechDetail } from './TechDetail';
import {
  fieldKind,
  fromInput,
  keysBySection,
  lockOf,
  sourceOf,
  toInput,
  type FieldInput,
  type SettingSource,
} from './setting-fields';
import { useSettingText } from './setting-text';
import './settings.css';

/** The source of a value as word + shape (the shape is decoration: the word carries the meaning). */
export function SourceBadge({ source, testId }: { source: SettingSource; testId?: string }) {
  const { t } = useTranslation();
  return (
    <span className={`setting-source src-${source}`} data-testid={testId} data-source={source}>
      <span className="src-shape" aria-hidden="true" />
      {t(`settings.source.${source}`)}
    </span>
  );
}

/**
 * Every setting, grouped by section, with its value and where it comes from (default, team, you, team-locked,
 * IT-locked). Editors come from the schema; locked values are shown read-only with who locked them.
 */
export function SettingsView() {
  const { t } = useTranslation();
  const id = useId();
  return (
    <section className="panel settings-view" aria-labelledby={`${id}-t`} data-testid="settings-view">
      <h2 id={`${id}-t`}>{t('settings.title')}</h2>
      <p className="hint">{t('settings.intro')}</p>
      <ProfileState />
      {keysBySection().map(([section, keys]) => (
        <section
          key={section}
          className="settings-section"
          aria-labelledby={`${id}-${section}`}
          data-testid={`settings-section-${section}`}
        >
          <h3 id={`${id}-${section}`}>{t(`settings.section.${section}`, { defaultValue: section })}</h3>
          <ul className="settings-list">
            {keys.map((k) => (
              <SettingRow key={k} settingKey={k} />
            ))}
          </ul>
        </section>
      ))}
    </section>
  );
}

function SettingRow({ settingKey }: { settingKey: SettingKey }) {
  const { t } = useTranslation();
  const text = useSettingText();
  const store = useAppStore();
  const id = useId();
  const resolved = useApp((s) => s.settings?.settings[settingKey]);
  const allIssues = useApp((s) => s.settings?.issues);
  const issues = allIssues?.filter((i) => i.key === settingKey) ?? [];
  const value = resolved ? resolved.value : settingsSchema[settingKey].default;
  const source = sourceOf(settingKey, resolved?.layer, resolved?.locked ?? false);
  const kind = fieldKind(settingKey).kind;
  const [draft, setDraft] = useState<FieldInput | undefined>();
  const [refusedBy, setRefusedBy] = useState<'team' | 'it' | undefined>();
  const [coreError, setCoreError] = useState<string | undefined>();
  // A refusal's lock holds until the core's next word on this setting.
  useEffect(() => setRefusedBy(undefined), [resolved]);
  const lock = lockOf(source) ?? refusedBy;
  const input = draft ?? toInput(settingKey, value);
  // Checked as it is typed, with the same schema the core applies.
  const parsed = draft === undefined ? undefined : fromInput(settingKey, draft);
  const error = parsed && !parsed.ok ? text.problem(parsed.problem) : coreError;
  const saveNow = kind === 'boolean' || kind === 'choice';

  const save = async (next: FieldInput) => {
    const p = fromInput(settingKey, next);
    if (!p.ok) return;
    try {
      store.setState({ settings: await store.bridge.client['settings.set']({ key: settingKey, value: p.value }) });
      setDraft(undefined);
    } catch (e) {
      const code = e instanceof ContractError ? e.code : 'internal';
      if (code === 'locked-setting') {
        // The lock arrived before this screen heard of it: show the value in force and who holds it.
        setRefusedBy((e as ContractError).params?.by === 'team' ? 'team' : 'it');
        setDraft(undefined);
      } else setCoreError(t(`error.${code}`, { defaultValue: t('error.internal') }));
    }
  };
  const change = (next: FieldInput) => {
    setDraft(next);
    setCoreError(undefined);
    if (saveNow) ignorePromise(save(next));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (draft !== undefined) ignorePromise(save(draft));
  };

  const reasonId = `${id}-reason`;
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const k = fieldKind(settingKey);
  const hint =
    k.kind === 'device'
      ? t('settings.deviceHint')
      : k.kind === 'lines'
        ? t('settings.linesHint')
        : k.kind === 'json'
          ? t('settings.jsonHint')
          : k.kind === 'int' && k.min !== undefined && k.max !== undefined
            ? t('settings.range', { min: k.min, max: k.max })
            : '';
  const describedBy = [lock && reasonId, error && errorId, hint && hintId].filter(Boolean).join(' ');
  return (
    <li
      className="setting-row"
      data-testid={`setting-${settingKey}`}
      data-source={source}
      data-locked={lock ? 'true' : 'false'}
    >
      <form className="setting-form" onSubmit={submit} noValidate>
        <div className="setting-head">
          <label htmlFor={`${id}-f`} className="setting-label">
            {text.label(settingKey)}
          </label>
          <SourceBadge source={source} testId={`setting-source-${settingKey}`} />
        </div>
        <div className="setting-edit">
          <SettingField
            settingKey={settingKey}
            id={`${id}-f`}
            testId={`setting-field-${settingKey}`}
            input={input}
            onInput={change}
            readOnly={Boolean(lock)}
            invalid={Boolean(error)}
            describedBy={describedBy}
          />
          {!lock && !saveNow && kind !== 'device' && (
            <button type="submit" data-testid={`setting-save-${settingKey}`} disabled={draft === undefined}>
              {t('settings.save')}
            </button>
          )}
        </div>
        {hint && (
          <p className="hint" id={hintId}>
            {hint}
          </p>
        )}
        {lock && (
          <p className="setting-reason" id={reasonId} data-testid={`setting-reason-${settingKey}`} data-by={lock}>
            {t(`settings.locked.${lock}`)}
          </p>
        )}
        {issues.map((i) => (
          // A value a layer carried that could not be used (a damaged policy, an invalid profile value): the layer
          // below is in force, and IT learns why.
          <p
            className="hint"
            key={`${i.layer}-${i.code}`}
            data-testid={`setting-issue-${settingKey}`}
            data-layer={i.layer}
          >
            {t('settings.issue', { layer: t(`settings.layer.${i.layer}`, { defaultValue: i.layer }) })}{' '}
            <TechDetail detail={i.detail} />
          </p>
        ))}
        {error && (
          <p className="error" id={errorId} data-testid={`setting-error-${settingKey}`}>
            {error}
          </p>
        )}
      </form>
    </li>
  );
}
