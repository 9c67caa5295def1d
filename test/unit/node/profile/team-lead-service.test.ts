import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProfileDraft } from '../../../../electron/common/contract/profile';
import { createLogger } from '../../../../electron/node/log';
import { generateSigningKey } from '../../../../electron/node/profile/keys';
import { verifyProfile } from '../../../../electron/node/profile/signed-profile';
import { TeamLeadService } from '../../../../electron/node/profile/team-lead-service';
import { teamProfileHandlers } from '../../../../electron/node/profile/team-profile-handlers';
import { jsonFileLayer } from '../../../../electron/node/settings/layer-source';
import { SettingsService } from '../../../../electron/node/settings/settings-service';
import { FakeClock } from '../../../support/fake-clock';
import { startHttpsFileServer, type HttpsFileServer } from '../../../support/https-server';

// The real settings service over a real settings file, a real key from keygen, real folders and the HTTPS server.
const start = Date.parse('2026-12-01T10:00:00Z');
let dir: string;
let share: string;
let keyFile: string;
let publicLine: string;
let kid: string;
let settings: SettingsService;
let clock: FakeClock;
let logLines: string[];
let server: HttpsFileServer;

beforeAll(async () => {
  server = await startHttpsFileServer({ putToken: 'tok' });
});
afterAll(() => server.close());

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-lead-'));
  share = path.join(dir, 'share');
  mkdirSync(share);
  const k = await generateSigningKey(path.join(dir, 'keys'), 'lead', new Date(start));
  ({ keyFile, publicLine, kid } = k);
  settings = await settingsWith({ 'profile.signingKey': keyFile, 'profile.publishTo': share });
  clock = new FakeClock();
  clock.skip(start);
  logLines = [];
});
afterEach(() => {
  settings.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function settingsWith(values: Record<string, unknown>, policy: Record<string, unknown> = {}) {
  const name = Math.random().toString(36).slice(2);
  const userFile = path.join(dir, `settings-${name}.json`);
  const policyFile = path.join(dir, `policy-${name}.json`);
  writeFileSync(userFile, JSON.stringify(values));
  writeFileSync(policyFile, JSON.stringify(policy));
  const s = new SettingsService({
    userFile,
    user: jsonFileLayer('user', userFile, { quarantineDamaged: true }),
    policy: jsonFileLayer('policy', policyFile, { quarantineDamaged: false }),
    log: createLogger(() => undefined),
  });
  await s.load();
  return s;
}
const service = (more: Partial<ConstructorParameters<typeof TeamLeadService>[0]> = {}) =>
  new TeamLeadService({ settings, clock, log: createLogger((l) => logLines.push(l), 'debug'), ...more });
const draft = (more: Partial<ProfileDraft> = {}): ProfileDraft => ({
  team: 'sales-north',
  version: 1,
  author: 'Marta',
  defaults: { 'acw.durationSec': 90 },
  enforced: { 'calls.supervisorExtension': '7001' },
  ...more,
});

describe('TeamLeadService', () => {
  it('without a signing key configured every call is forbidden', async () => {
    settings.dispose();
    settings = await settingsWith({ 'profile.publishTo': share });
    const h = teamProfileHandlers({ teamLead: service() });
    expect(service().available()).toBe(false);
    await expect(h['profile.draft']({})).rejects.toMatchObject({ code: 'forbidden' });
    await expect(h['profile.preview']({ draft: draft() })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(h['profile.publish']({ draft: draft() })).rejects.toMatchObject({ code: 'forbidden' });
    expect(readdirSync(share)).toEqual([]);
  });

  it('the view before anything is published: key id, where it goes, a starter draft that validates', async () => {
    const view = await service().view();
    expect(view).toMatchObject({ available: true, keyId: kid, keyProblem: null, publishTo: share, published: null });
    expect(view.draft.version).toBe(1);
    expect(view.draft.defaults['acw.durationSec']).toBe(60);
  });

  it('preview lists what agents see change and the problems; publish signs, writes <team>.jws, agents accept it', async () => {
    const lead = service();
    const p = await lead.preview(draft({ defaults: { 'acw.durationSec': 90, 'account.user': 'x' } }));
    expect(p.problems.map((x) => [x.key, x.code])).toEqual([['account.user', 'not-allowed-in-profile']]);
    expect(p.changes.map((c) => c.key)).toEqual(['account.user', 'acw.durationSec', 'calls.supervisorExtension']);

    const r = await teamProfileHandlers({ teamLead: lead })['profile.publish']({ draft: draft() });
    expect(r).toEqual({ version: 1, publishedTo: path.join(share, 'sales-north.jws'), keyId: kid });
    const signed = readFileSync(path.join(share, 'sales-north.jws'));
    const out = await verifyProfile(signed, { trustedKeys: [publicLine], team: 'sales-north', now: new Date(start) });
    expect(out.ok && out.profile.enforced).toEqual({ 'calls.supervisorExtension': '7001' });
    expect(logLines.some((l) => l.includes('team profile published'))).toBe(true);

    // The next view starts from what was published, one version up; the preview diffs against it.
    const view = await lead.view();
    expect(view.published).toEqual(draft());
    expect(view.draft).toEqual(draft({ version: 2 }));
    const next = await lead.preview(draft({ version: 2, defaults: { 'acw.durationSec': 120 } }));
    expect(next).toEqual({
      problems: [],
      changes: [{ key: 'acw.durationSec', mode: 'default', before: 90, after: 120 }],
    });
  });

  it('publish refuses a draft with problems with invalid-setting naming the key, and writes nothing', async () => {
    const lead = service();
    const err = await lead.publish(draft({ enforced: { 'acw.durationSec': -4 } })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'invalid-setting', params: { key: 'acw.durationSec', reason: 'invalid-value' } });
    expect(readdirSync(share)).toEqual([]);
    await lead.publish(draft({ version: 3 }));
    await expect(lead.publish(draft({ version: 3, author: 'Other' }))).rejects.toMatchObject({
      code: 'invalid-setting',
      params: { key: 'version' },
    });
    expect((await lead.preview(draft({ version: 2 }))).problems.map((x) => x.key)).toEqual(['version']);
  });

  it.skipIf(process.platform === 'win32')(
    'a key file others can read: shown as a key problem, publish refused',
    async () => {
      chmodSync(keyFile, 0o644);
      const lead = service();
      const view = await lead.view();
      expect(view.keyId).toBeNull();
      expect(view.keyProblem).toContain('chmod 600');
      await expect(lead.publish(draft())).rejects.toMatchObject({
        code: 'invalid-setting',
        params: { key: 'profile.signingKey', reason: 'key-permissions' },
      });
      expect(readdirSync(share)).toEqual([]);
    },
  );

  it('publishes to https:// with the token, reads it back; a refused PUT names profile.publishTo', async () => {
    settings.dispose();
    // profile.team is IT's (policy); a URL ending in / needs it to name the document to read back.
    settings = await settingsWith(
      { 'profile.signingKey': keyFile, 'profile.publishTo': `${server.url}/lead-${path.basename(dir)}/` },
      { 'profile.team': 'sales-north' },
    );
    const lead = service({ token: 'tok', ca: server.caPem });
    const r = await lead.publish(draft());
    expect(r.publishedTo).toBe(`${server.url}/lead-${path.basename(dir)}/sales-north.jws`);
    expect((await lead.view()).published).toEqual(draft());
    const noToken = service({ ca: server.caPem });
    await expect(noToken.publish(draft({ version: 2 }))).rejects.toMatchObject({
      code: 'invalid-setting',
      params: { key: 'profile.publishTo', reason: 'http-status' },
    });
    expect(logLines.join('\n')).not.toContain('tok"');
  });
});
