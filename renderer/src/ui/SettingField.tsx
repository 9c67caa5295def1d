import type { SettingKey } from '@common/settings/schema';
import { fieldKind, type FieldInput } from './setting-fields';
import { useSettingText } from './setting-text';

export interface SettingFieldProps {
  settingKey: SettingKey;
  /** The element id the label points at. */
  id: string;
  input: FieldInput;
  onInput(next: FieldInput): void;
  /** Locked: shown, focusable where the control allows it, never changed. */
  readOnly?: boolean;
  invalid?: boolean;
  /** Ids of the texts that explain the field (reason it is locked, its error). */
  describedBy?: string;
  testId: string;
}

/**
 * One setting's editor, chosen from its schema: checkbox, select, number with its bounds, text, one entry per line,
 * or JSON. The parent keeps the input (so an invalid entry stays as typed) and decides when to save.
 */
export function SettingField(p: SettingFieldProps) {
  const text = useSettingText();
  const k = fieldKind(p.settingKey);
  const common = {
    id: p.id,
    'data-testid': p.testId,
    'aria-invalid': p.invalid ? true : undefined,
    'aria-describedby': p.describedBy || undefined,
  };
  switch (k.kind) {
    case 'boolean':
      return (
        <input
          {...common}
          type="checkbox"
          checked={Boolean(p.input)}
          disabled={p.readOnly}
          onChange={(e) => p.onInput(e.target.checked)}
        />
      );
    case 'choice':
      return (
        <select {...common} value={String(p.input)} disabled={p.readOnly} onChange={(e) => p.onInput(e.target.value)}>
          {k.options.map((o) => (
            <option key={String(o)} value={String(o)}>
              {text.option(p.settingKey, o)}
            </option>
          ))}
        </select>
      );
    case 'int':
      return (
        <input
          {...common}
          type="number"
          inputMode="numeric"
          step={1}
          min={k.min}
          max={k.max}
          value={String(p.input)}
          readOnly={p.readOnly}
          onChange={(e) => p.onInput(e.target.value)}
        />
      );
    case 'lines':
    case 'json':
      return (
        <textarea
          {...common}
          rows={k.kind === 'json' ? 6 : 3}
          spellCheck={false}
          value={String(p.input)}
          readOnly={p.readOnly}
          onChange={(e) => p.onInput(e.target.value)}
        />
      );
    case 'device':
      return <output {...common}>{String(p.input) || text.value(p.settingKey, null)}</output>;
    default:
      return (
        <input
          {...common}
          type="text"
          value={String(p.input)}
          readOnly={p.readOnly}
          onChange={(e) => p.onInput(e.target.value)}
        />
      );
  }
}
