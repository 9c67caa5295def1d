import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileDraft, ProfileStatus } from '@common/contract/profile';
import type { SettingsView } from '@common/contract/settings';
import { generateSigningKey, readSigningKey, type SigningKey } from '../../../../electron/node/profile/keys';
import { signProfile } from '../../../../electron/node/profile/signed-profile';
import { jsonFileLayer } from '../../../../electron/node/settings/layer-source';
import { startAgentCore, type AgentCore } from '../../../support/agent-core';
import { startHttpsFileServer, type HttpsFileServer } from '../../../support/https-server';

// The whole agent core follows a team profile published on a real HTTPS server: applied live through the
// contract, refused values stay out, enforced values cannot be changed through settings.set.
let server: HttpsFileServer;
let lead: SigningKey;
let work: string;
let agent: AgentCore | undefined;
const draft = (version: number, more: Partial<ProfileDraft> = {}): ProfileDraft => ({
  team: 'sales',
  version,
  author: 'Ana Lead',
  defaults: { 'notes.editWindowMin': 15 },
  enforced: { 'mute.longMuteSec': 45 },
  ...more,
});
const publish = async (d: ProfileDraft) =>
  writeFileSync(path.join(server.dir, 'sales.jws'), await signProfile(d, lead, new Date()));

beforeAll(async () => {
  server = await startHttpsFileServer();
  work = mkdtempSync(path.join(os.tmpdir(), 'diadema-core-profile-'));
  lead = await readSigningKey((await generateSigningKey(work, 'lead', new Date())).keyFile);
});
afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});
afterEach(async () => {
  await agent?.dispose();
  agent = undefined;
});

async function startAgent() {
  const policyFile = path.join(work, 'policy.json');
  writeFileSync(
    policyFile,
    JSON.stringify({ 'profile.url': `${server.url}/sales.jws`, 'profile.trustedKeys': [lead.publicLine] }),
  );
  agent = await startAgentCore({
    policy: jsonFileLayer('policy', policyFile, { quarantineDamaged: false }),
    profile: { ca: server.caPem },
  });
  const events: Array<[string, unknown]> = [];
  agent.core.connect((name, payload) => events.push([name, payload]));
  await until(async () => (await agent!.core.handlers['profile.status']({})).lastCheck !== null);
  return { core: agent.core, events };
}

describe('the core follows the team profile', () => {
  it('applies on start, answers profile.status, and refuses settings.set of an enforced value by team', async () => {
    await publish(draft(1));
    const { core } = await startAgent();
    const status = await core.handlers['profile.status']({});
    expect(status).toMatchObject({ configured: true, applied: { team: 'sales', version: 1, keyId: lead.kid } });
    expect(status.lastCheck).toMatchObject({ trigger: 'start', outcome: 'applied' });
    const view = await core.handlers['settings.get']({});
    expect(view.settings['mute.longMuteSec']).toEqual({ value: 45, layer: 'team-locked', locked: true });
    expect(view.settings['notes.editWindowMin']).toEqual({ value: 15, layer: 'team', locked: false });
    await expect(core.handlers['settings.set']({ key: 'mute.longMuteSec', value: 10 })).rejects.toMatchObject({
      code: 'locked-setting',
      params: { key: 'mute.longMuteSec', by: 'team' },
    });
    await core.handlers['settings.set']({ key: 'notes.editWindowMin', value: 60 });
    expect(core.settings.get('notes.editWindowMin')).toBe(60);
  });

  it('a network change checks at once and applies live: profile and settings events reach the renderer', async () => {
    await publish(draft(1));
    const { core, events } = await startAgent();
    await publish(draft(2, { enforced: { 'mute.longMuteSec': 90 } }));
    core.shell.networkChanged();
    await until(async () => (await core.handlers['profile.status']({})).applied?.version === 2);
    expect(core.settings.get('mute.longMuteSec')).toBe(90);
    const profileEvents = events.filter(([n]) => n === 'profile').map(([, p]) => p as ProfileStatus);
    expect(profileEvents.at(-1)).toMatchObject({
      applied: { version: 2 },
      lastCheck: { trigger: 'network', outcome: 'applied', version: 2 },
      changes: [{ key: 'mute.longMuteSec', mode: 'enforced', before: 45, after: 90 }],
    });
    const settingsEvents = events.filter(([n]) => n === 'settings').map(([, p]) => p as SettingsView);
    expect(settingsEvents.at(-1)?.settings['mute.longMuteSec']).toMatchObject({ value: 90, layer: 'team-locked' });
  });

  it('profile.check reports a refusal; the profile in force and the settings stay', async () => {
    await publish(draft(3));
    const { core } = await startAgent();
    writeFileSync(path.join(server.dir, 'sales.jws'), JSON.stringify(draft(4)));
    const s = await core.handlers['profile.check']({});
    expect(s).toMatchObject({
      applied: { version: 3 },
      lastCheck: { trigger: 'manual', outcome: 'refused', refusal: 'unsigned' },
    });
    expect(core.settings.get('mute.longMuteSec')).toBe(45);
    expect(agent!.logLines.some((l) => l.includes('warn') && l.includes('team profile refused'))).toBe(true);
  });

  it("the team lead's calls: forbidden without a signing key; with one, a draft to start from", async () => {
    await publish(draft(1));
    const { core } = await startAgent();
    await expect(core.handlers['profile.draft']({})).rejects.toMatchObject({ code: 'forbidden' });
    const keyFile = path.join(work, 'lead.key');
    await core.handlers['settings.set']({ key: 'profile.signingKey', value: keyFile });
    const view = await core.handlers['profile.draft']({});
    expect(view).toMatchObject({ available: true, keyId: lead.kid, keyProblem: null });
  });

  it('a profile.json dropped in the data folder is not read (only a signed profile sets team values)', async () => {
    await publish(draft(1));
    const { core } = await startAgent();
    const before = core.settings.get('mute.reminderEverySec');
    writeFileSync(path.join(agent!.dir, 'profile.json'), JSON.stringify({ 'mute.reminderEverySec': before + 7 }));
    await core.settings.load();
    await core.handlers['profile.check']({});
    expect(core.settings.view().settings['mute.reminderEverySec']).toEqual({
      value: before,
      layer: 'default',
      locked: false,
    });
  });
});

async function until(cond: () => Promise<boolean>, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
