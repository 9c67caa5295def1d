import { ContractError } from '../../common/contract/errors';
import type { SettingsIssue, SettingsView } from '../../common/contract/settings';
import { Emitter } from '../../common/emitter';
import { resolveSettings, settingValues, type LayerValues, type Resolution } from '../../common/settings/resolver';
import { isSettingKey, settingsSchema, type SettingKey, type Settings } from '../../common/settings/schema';
import { writeFileAtomic } from '../fs-atomic';
import type { Logger } from '../log';
import type { LayerProblem, LayerSource } from './layer-source';

export interface SettingsServiceOptions {
  /** The agent's own choices: read and written by the app. */
  userFile: string;
  user: LayerSource;
  profile?: LayerSource;
  policy?: LayerSource;
  log: Logger;
}

/**
 * Holds the resolved settings (defaults < team profile < user < policy) and is the only writer of the user
 * layer. Callers read values and subscribe; they never know which layer a value came from unless they ask.
 */
export class SettingsService {
  private user: Record<string, unknown> = {};
  private profile: LayerValues = {};
  private policy: LayerValues = {};
  private problems: SettingsIssue[] = [];
  private resolution: Resolution = resolveSettings({});
  private readonly changes = new Emitter<SettingsView>();

  constructor(private readonly o: SettingsServiceOptions) {}

  async load(): Promise<void> {
    this.problems = [];
    const take = async (layer: string, src: LayerSource | undefined) => {
      if (!src) return {};
      const { values, problem } = await src.read();
      if (problem) this.noteProblem(layer, problem);
      return values;
    };
    this.user = { ...(await take('user', this.o.user)) };
    this.profile = await take('profile', this.o.profile);
    this.policy = await take('policy', this.o.policy);
    this.recompute();
  }

  view(): SettingsView { return { settings: this.resolution.settings, issues: [...this.problems, ...this.resolution.issues] }; }
  values(): Settings { return settingValues(this.resolution.settings); }
  get<K extends SettingKey>(key: K): Settings[K] { return this.resolution.settings[key].value as Settings[K]; }
  readonly onChange = this.changes.on;

  /** Writes the user layer. Unknown keys, invalid values and policy-locked keys are refused with a coded error. */
  async set(entries: Partial<Record<string, unknown>>): Promise<SettingsView> {
    for (const [key, value] of Object.entries(entries)) {
      if (!isSettingKey(key)) throw new ContractError('invalid-setting', { key });
      if (this.resolution.settings[key].locked) throw new ContractError('locked-setting', { key });
      if (!settingsSchema[key].schema.safeParse(value).success) throw new ContractError('invalid-setting', { key });
    }
    const next = { ...this.user, ...entries };
    await writeFileAtomic(this.o.userFile, JSON.stringify(next, null, 2), 0o600);
    this.user = next;
    this.recompute();
    return this.view();
  }

  private noteProblem(layer: string, p: LayerProblem) {
    this.o.log.warn('settings layer damaged', { layer, code: p.code, detail: p.detail, movedTo: p.movedTo });
    this.problems.push({ layer, key: '*', code: `layer-${p.code}`, detail: p.movedTo ? `${p.detail} (moved to ${p.movedTo})` : p.detail });
  }

  private recompute() {
    this.resolution = resolveSettings({ profile: this.profile, user: this.user, policy: this.policy });
    this.changes.emit(this.view());
  }
}
