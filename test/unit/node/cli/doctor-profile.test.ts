import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDoctorCommand } from '../../../../electron/node/cli/doctor-command';
import { lastGoodFileName, stateFileName } from '../../../../electron/node/profile/profile-client';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-doctor-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function doctor(args: string[]) {
  let out = '';
  let err = '';
  const code = await runDoctorCommand(args, { out: (s) => (out += s), err: (s) => (err += s) }, {});
  return { code, out, err };
}

describe('diadema doctor: the team profile state', () => {
  it('prints the profile in force and the last check with its exact reason', async () => {
    const b = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const payload = { team: 'sales', version: 7, author: 'Ana Lead', expires: '2027-01-01T00:00:00Z' };
    writeFileSync(path.join(dir, lastGoodFileName), `${b({ alg: 'EdDSA', kid: 'lead-2026' })}.${b(payload)}.c2ln`);
    writeFileSync(
      path.join(dir, stateFileName),
      JSON.stringify({
        highest: { sales: 7 },
        team: 'sales',
        appliedAt: Date.parse('2026-06-01T10:00:00Z'),
        lastCheck: {
          at: Date.parse('2026-06-01T11:00:00Z'),
          trigger: 'poll',
          outcome: 'refused',
          refusal: 'rollback',
          detail: 'version 6 is not newer than 7',
          version: 6,
        },
      }),
    );
    const r = await doctor(['--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toEqual([
      'team profile: sales v7 by Ana Lead, key lead-2026, expires 2027-01-01T00:00:00Z',
      '  applied at 2026-06-01T10:00:00.000Z',
      '  highest version applied for sales: 7',
      '  last check: refused (rollback) at 2026-06-01T11:00:00.000Z, version 6: version 6 is not newer than 7',
      '',
    ]);
  });

  it('says when no profile was ever applied, and still wants the whole account for a registration', async () => {
    expect((await doctor(['--data-dir', dir])).out).toBe('team profile: none applied on this PC\n');
    const r = await doctor(['--data-dir', dir, '--server', 'wss://sip.example.org/ws']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--server, --user and --password are required');
  });
});
