import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SettingsView } from '@common/contract/settings';
import { silentLogger } from '../../../../electron/node/log';
import { jsonFileLayer } from '../../../../electron/node/settings/layer-source';
import { SettingsService } from '../../../../electron/node/settings/settings-service';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-team-layers-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function service(policy: Record<string, unknown> = {}) {
  const userFile = path.join(dir, 'settings.json');
  const policyFile = path.join(dir, 'policy.json');
  writeFileSync(policyFile, JSON.stringify(policy));
  const s = new SettingsService({
    userFile,
    user: jsonFileLayer('user', userFile, { quarantineDamaged: true }),
    policy: jsonFileLayer('policy', policyFile, { quarantineDamaged: false }),
    log: silentLogger,
  });
  await s.load();
  return { s, userFile };
}

describe('team layers in the settings service', () => {
  it('team defaults sit under the agent, enforced values over the agent; both say where they come from', async () => {
    const { s } = await service();
    await s.set({ 'acw.durationSec': 45 });
    s.setTeamLayers({ 'acw.durationSec': 90, 'mute.longMuteSec': 40 }, { 'notes.editWindowMin': 5 });
    const v = s.view().settings;
    expect(v['acw.durationSec']).toEqual({ value: 45, layer: 'user', locked: false });
    expect(v['mute.longMuteSec']).toEqual({ value: 40, layer: 'team', locked: false });
    expect(v['notes.editWindowMin']).toEqual({ value: 5, layer: 'team-locked', locked: true });
  });

  it('refuses to change an enforced value with locked-setting by team, and writes nothing', async () => {
    const { s, userFile } = await service();
    await s.set({ 'mute.longMuteSec': 20 });
    const before = readFileSync(userFile, 'utf8');
    s.setTeamLayers({}, { 'mute.longMuteSec': 60 });
    await expect(s.set({ 'mute.longMuteSec': 10 })).rejects.toMatchObject({
      code: 'locked-setting',
      params: { key: 'mute.longMuteSec', by: 'team' },
    });
    expect(readFileSync(userFile, 'utf8')).toBe(before);
    expect(s.get('mute.longMuteSec')).toBe(60);
    // The agent's own value comes back once the profile stops enforcing it.
    s.setTeamLayers({}, {});
    expect(s.get('mute.longMuteSec')).toBe(20);
  });

  it('a team default can be changed by the agent', async () => {
    const { s } = await service();
    s.setTeamLayers({ 'mute.longMuteSec': 60 }, {});
    await s.set({ 'mute.longMuteSec': 15 });
    expect(s.view().settings['mute.longMuteSec']).toEqual({ value: 15, layer: 'user', locked: false });
  });

  it('policy wins over team-enforced, and the refusal then names IT', async () => {
    const { s } = await service({ 'mute.longMuteSec': 30 });
    s.setTeamLayers({}, { 'mute.longMuteSec': 60 });
    expect(s.view().settings['mute.longMuteSec']).toEqual({ value: 30, layer: 'policy', locked: true });
    await expect(s.set({ 'mute.longMuteSec': 10 })).rejects.toMatchObject({
      code: 'locked-setting',
      params: { key: 'mute.longMuteSec', by: 'it' },
    });
    // A key IT alone decides is refused as IT's too.
    await expect(s.set({ 'updates.mode': 'auto' })).rejects.toMatchObject({
      code: 'locked-setting',
      params: { key: 'updates.mode', by: 'it' },
    });
  });

  it('values a team layer may not carry or the schema refuses are issues of that layer, the rest applies', async () => {
    const { s } = await service();
    s.setTeamLayers({ 'account.user': '1001', 'acw.durationSec': -4 }, { 'mute.longMuteSec': 60, 'no.such': 1 });
    const issues = s
      .view()
      .issues.map((i) => [i.layer, i.key, i.code])
      .sort();
    expect(issues).toEqual([
      ['team', 'account.user', 'not-allowed-in-layer'],
      ['team', 'acw.durationSec', 'invalid-value'],
      ['team-locked', 'no.such', 'unknown-key'],
    ]);
    expect(s.get('account.user')).toBe('');
    expect(s.get('mute.longMuteSec')).toBe(60);
  });

  it('emits a settings change when the team layers change, and none when they are the same again', async () => {
    const { s } = await service();
    const seen: SettingsView[] = [];
    s.onChange((v) => seen.push(v));
    s.setTeamLayers({ 'mute.longMuteSec': 60 }, {});
    s.setTeamLayers({ 'mute.longMuteSec': 60 }, {});
    expect(seen).toHaveLength(1);
    expect(seen[0]?.settings['mute.longMuteSec']).toMatchObject({ value: 60, layer: 'team' });
  });
});
