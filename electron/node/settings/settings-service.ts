import { ContractError } from '@common/contract/errors';
import type { SettingsIssue, SettingsView } from '@common/contract/settings';
import { Emitter } from '@common/emitter';
import { resolveSettings, settingValues, type LayerValues, type Resolution } from '@common/settings/resolver';
import { isSettingKey, settingsSchema, type SettingKey, type Settings } from '@common/settings/schema';
import { writeFileAtomic } from '../fs-atomic';
import type { Logger } from '../log';
import type { LayerProblem, LayerRead, LayerSource } from './layer-source';

type WatchedLayer = 'user' | 'policy';

export interface SettingsServiceOptions {
  /** The agent's own choices: read and written by the app. */
  userFile: string;
  user: LayerSource;
  policy?: LayerSource;
  log: Logger;
}

/**
 * Holds the resolved settings (defaults < team defaults < user < team enforced < policy) and is the only writer of
 * the user layer. The two team layers come only from a verified signed profile (the profile client hands them in),
 * never from a file this service reads. Callers read values and subscribe; they never know which layer a value came
 * from unless they ask.
 */
export class SettingsService {
  private user: Record<string, unknown> = {};
  private team: LayerValues = {};
  private teamLocked: LayerValues = {};
  private policy: LayerValues = {};
  /** Problems reading each layer, kept per layer so that re-reading one layer replaces only its own. */
  private problems: Partial<Record<WatchedLayer, SettingsIssue[]>> = {};
  private resolution: Resolution = resolveSettings({});
  private readonly changes = new Emitter<SettingsView>();
  private stopWatching: (() => void)[] | undefined;
  private rereads: Promise<void> = Promise.resolve();

  constructor(private readonly o: SettingsServiceOptions) {}

  /**
   * Reads every layer. The first load also starts watching the layers that can change under us (IT policy):
   * a change is read again and applies live, with a `settings` event like any other change.
   */
  async load(): Promise<void> {
    const take = async (layer: WatchedLayer, src: LayerSource | undefined) => {
      if (!src) {
        this.problems[layer] = [];
        return {};
      }
      return this.accept(layer, await src.read());
    };
    this.user = { ...(await take('user', this.o.user)) };
    this.policy = await take('policy', this.o.policy);
    this.recompute();
    const src = this.o.policy;
    this.stopWatching ??= src?.watch
      ? [
          // Readings are applied one after another, so that a slow one never overwrites a newer one.
          src.watch(() => {
            this.rereads = this.rereads.then(() => this.reread(src));
          }),
        ]
      : [];
  }

  /**
   * Replaces the team profile's layers (its defaults, and its enforced values that lock). The caller has verified
   * the signed document; values the schema or the layer refuses still show up as issues of their layer.
   */
  setTeamLayers(defaults: LayerValues, enforced: LayerValues): void {
    if (sameValues(this.team, defaults) && sameValues(this.teamLocked, enforced)) return;
    this.team = { ...defaults };
    this.teamLocked = { ...enforced };
    this.recompute();
  }

  /** Stops watching the layers; the values stay as they are. */
  dispose(): void {
    for (const stop of this.stopWatching ?? []) stop();
    this.stopWatching = [];
  }

  view(): SettingsView {
    const read = [...(this.problems.user ?? []), ...(this.problems.policy ?? [])];
    return { settings: this.resolution.settings, issues: [...read, ...this.resolution.issues] };
  }
  values(): Settings {
    return settingValues(this.resolution.settings);
  }
  get<K extends SettingKey>(key: K): Settings[K] {
    return this.resolution.settings[key].value as Settings[K];
  }
  readonly onChange = this.changes.on;

  /**
   * Writes the user layer. Unknown keys and invalid values are refused with a coded error, locked keys with
   * `locked-setting` naming who locked it: `team` (the team profile enforces it) or `it` (policy, or a key IT alone
   * decides, such as update control).
   */
  async set(entries: Partial<Record<string, unknown>>): Promise<SettingsView> {
    for (const [key, value] of Object.entries(entries)) {
      if (!isSettingKey(key)) throw new ContractError('invalid-setting', { key });
      const by = this.lockedBy(key);
      if (by) throw new ContractError('locked-setting', { key, by });
      if (!settingsSchema[key].schema.safeParse(value).success) throw new ContractError('invalid-setting', { key });
    }
    const next = { ...this.user, ...entries };
    await writeFileAtomic(this.o.userFile, JSON.stringify(next, null, 2), 0o600);
    this.user = next;
    this.recompute();
    return this.view();
  }

  /** Who keeps the agent from changing this key, if anyone. */
  lockedBy(key: SettingKey): 'team' | 'it' | undefined {
    const r = this.resolution.settings[key];
    if (r.layer === 'policy' || !settingsSchema[key].user) return 'it';
    return r.locked ? 'team' : undefined;
  }

  /** Never rejects: a reading that fails is logged and the values stay as they were. */
  private async reread(src: LayerSource) {
    if (this.stopWatching?.length === 0) return;
    try {
      this.policy = this.accept('policy', await src.read());
      this.o.log.info('settings layer changed', { layer: 'policy' });
      this.recompute();
    } catch (e) {
      this.o.log.warn('settings layer could not be read again', { layer: 'policy', error: String(e) });
    }
  }

  /** Notes what could not be used of one reading (replacing that layer's earlier notes) and returns its values. */
  private accept(layer: WatchedLayer, r: LayerRead): LayerValues {
    const issues: SettingsIssue[] = [];
    if (r.problem) issues.push(this.layerProblem(layer, r.problem));
    const values: Record<string, unknown> = { ...r.values };
    for (const v of r.valueProblems ?? []) {
      this.o.log.warn('settings value unreadable', { layer, key: v.key, detail: v.detail });
      issues.push({ layer, key: v.key, code: 'invalid-value', detail: v.detail });
      delete values[v.key];
    }
    this.problems[layer] = issues;
    return values;
  }

  private layerProblem(layer: string, p: LayerProblem): SettingsIssue {
    this.o.log.warn('settings layer damaged', { layer, code: p.code, detail: p.detail, movedTo: p.movedTo });
    return {
      layer,
      key: '*',
      code: `layer-${p.code}`,
      detail: p.movedTo ? `${p.detail} (moved to ${p.movedTo})` : p.detail,
    };
  }

  private recompute() {
    this.resolution = resolveSettings({
      team: this.team,
      user: this.user,
      'team-locked': this.teamLocked,
      policy: this.policy,
    });
    this.changes.emit(this.view());
  }
}

function sameValues(a: LayerValues, b: LayerValues): boolean {
  const ka = Object.keys(a);
  return (
    ka.length === Object.keys(b).length &&
    ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && JSON.stringify(a[k]) === JSON.stringify(b[k]))
  );
}
