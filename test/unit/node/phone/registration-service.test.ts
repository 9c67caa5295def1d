import { describe, expect, it } from 'vitest';
import type { RegistrationSnapshot } from '@common/contract/registration';
import type { ParsedAccount } from '@common/contract/account';
import { backoffDelay } from '../../../../electron/node/phone/backoff';
import { silentLogger } from '../../../../electron/node/log';
import { RegistrationService } from '../../../../electron/node/phone/registration-service';
import { FakeClock } from '../../../support/fake-clock';
import { ScriptedRegistrar } from '../../../support/fake-registration';

const account: ParsedAccount = {
  server: 'ws://127.0.0.1:1/',
  host: '127.0.0.1',
  secure: false,
  aor: 'sip:1001@127.0.0.1',
  userPart: '1001',
  domain: '127.0.0.1',
  authUser: '1001',
  displayName: '',
};

function setup(random = () => 0.5) {
  const clock = new FakeClock();
  const registrar = new ScriptedRegistrar();
  const phone = new RegistrationService({ log: silentLogger, clock, random, attempt: registrar.attempt });
  const seen: RegistrationSnapshot['state'][] = [];
  phone.onChange((s) => seen.push(s.state));
  return { clock, registrar, phone, seen };
}

describe('back-off', () => {
  it('doubles from the base, caps at 30 s and keeps half of the delay as jitter', () => {
    const o = { baseMs: 1000, capMs: 30_000 };
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((n) => backoffDelay(n, { ...o, random: () => 1 }))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
    expect(backoffDelay(3, { ...o, random: () => 0 })).toBe(4000);
    expect(backoffDelay(20, { ...o, random: () => 0.999 })).toBeLessThanOrEqual(30_000);
  });
});

describe('registration service state', () => {
  it('fails with config when there is no account, without touching the network', async () => {
    const { phone, registrar } = setup();
    expect(await phone.register()).toMatchObject({ state: 'failed', reason: 'config' });
    expect(registrar.attempts).toHaveLength(0);
  });

  it('goes registering → registered', async () => {
    const { phone, registrar, seen } = setup();
    await phone.configure(account, 'pw');
    registrar.queue('ok');
    expect(await phone.register()).toMatchObject({ state: 'registered', aor: 'sip:1001@127.0.0.1' });
    expect(seen).toEqual(['registering', 'registered']);
  });

  it('stops at failed for bad credentials and does not retry by itself', async () => {
    const { phone, registrar, clock } = setup();
    await phone.configure(account, 'wrong');
    registrar.queue('credentials');
    expect(await phone.register()).toMatchObject({ state: 'failed', reason: 'credentials' });
    expect(clock.pending()).toEqual([]);
  });

  it('retries an unreachable server with growing, capped delays until it answers', async () => {
    const { phone, registrar, clock } = setup(() => 1);
    await phone.configure(account, 'pw');
    registrar.queue(
      'unreachable',
      'unreachable',
      'timeout',
      'unreachable',
      'unreachable',
      'unreachable',
      'unreachable',
      'ok',
    );
    expect(await phone.register()).toMatchObject({ state: 'failed', reason: 'unreachable' });
    const waits: number[] = [];
    while (phone.snapshot().state !== 'registered') waits.push(await clock.fireNext());
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(registrar.attempts).toHaveLength(8);
  });

  it('says reconnecting the moment the transport drops, then heals without user action', async () => {
    const { phone, registrar, clock, seen } = setup();
    await phone.configure(account, 'pw');
    registrar.queue('ok');
    await phone.register();
    registrar.queue('unreachable', 'ok');
    registrar.dropTransport();
    expect(phone.snapshot()).toMatchObject({ state: 'reconnecting', reason: 'unreachable' });
    await clock.fireNext();
    expect(phone.snapshot().state).toBe('reconnecting');
    await clock.fireNext();
    expect(phone.snapshot().state).toBe('registered');
    // Never `failed` or `registered` in between: the agent sees one honest "reconnecting" until it heals.
    expect(seen.filter((s, i) => s !== seen[i - 1])).toEqual([
      'registering',
      'registered',
      'reconnecting',
      'registered',
    ]);
  });

  it('re-registers at once on network change and on resume', async () => {
    const { phone, registrar } = setup();
    await phone.configure(account, 'pw');
    registrar.queue('ok', 'ok', 'ok');
    await phone.register();
    phone.networkChanged();
    await new Promise((r) => setImmediate(r));
    phone.resumed();
    await new Promise((r) => setImmediate(r));
    expect(registrar.attempts).toHaveLength(3);
    expect(phone.snapshot().state).toBe('registered');
  });

  it('ignores network changes while the agent has not asked to register', async () => {
    const { phone, registrar } = setup();
    await phone.configure(account, 'pw');
    phone.networkChanged();
    phone.resumed();
    expect(registrar.attempts).toHaveLength(0);
  });

  it('unregister cancels pending retries', async () => {
    const { phone, registrar, clock } = setup();
    await phone.configure(account, 'pw');
    registrar.queue('unreachable');
    await phone.register();
    expect(clock.pending()).toHaveLength(1);
    expect(await phone.unregister()).toEqual({ state: 'unregistered' });
    expect(clock.pending()).toEqual([]);
  });
});

describe('a second server (account.servers)', () => {
  const first = 'ws://127.0.0.1:5061/';
  const second = 'ws://127.0.0.2:5062/';
  const twoServers: ParsedAccount = { ...account, server: first, servers: [first, second] };

  function setupTwo(o: { live?: () => boolean; probe?: () => boolean } = {}) {
    const clock = new FakeClock();
    const registrar = new ScriptedRegistrar();
    const probed: string[] = [];
    const phone = new RegistrationService({
      log: silentLogger,
      clock,
      random: () => 0.5,
      attempt: registrar.attempt,
      liveCalls: o.live ?? (() => false),
      probe: async (a) => {
        probed.push(a.server);
        return o.probe?.() ?? false;
      },
    });
    const servers = () => registrar.attempts.map((a) => a.account.server);
    return { clock, registrar, phone, probed, servers };
  }

  it('registers on the second when the first cannot be reached, and says which server and why', async () => {
    const { phone, registrar, servers } = setupTwo();
    await phone.configure(twoServers, 'pw');
    registrar.queue('unreachable', 'ok');
    expect(await phone.register()).toEqual({
      state: 'registered',
      aor: account.aor,
      server: second,
      failover: { primary: first, reason: 'unreachable', detail: 'scripted unreachable' },
    });
    expect(servers()).toEqual([first, second]);
    // Same identity on both: only the server's address changes.
    expect(registrar.attempts[1]!.account).toMatchObject({ aor: account.aor, host: '127.0.0.2', domain: '127.0.0.1' });
  });

  it('a 5xx answer fails over; wrong credentials do not (the second would refuse them too)', async () => {
    const a = setupTwo();
    await a.phone.configure(twoServers, 'pw');
    a.registrar.queue({ reason: 'rejected', detail: '503 Service Unavailable' }, 'ok');
    expect(await a.phone.register()).toMatchObject({ state: 'registered', server: second });

    const b = setupTwo();
    await b.phone.configure(twoServers, 'pw');
    b.registrar.queue('credentials');
    expect(await b.phone.register()).toMatchObject({ state: 'failed', reason: 'credentials', server: first });
    expect(b.servers()).toEqual([first]);

    const c = setupTwo();
    await c.phone.configure(twoServers, 'pw');
    c.registrar.queue({ reason: 'rejected', detail: '403 Forbidden' });
    expect(await c.phone.register()).toMatchObject({ state: 'failed', reason: 'rejected', server: first });
    expect(c.servers()).toEqual([first]);
  });

  it('when both fail it backs off, and the next pass starts again from the first', async () => {
    const { phone, registrar, clock, servers } = setupTwo();
    await phone.configure(twoServers, 'pw');
    registrar.queue('unreachable', 'timeout', 'ok');
    expect(await phone.register()).toMatchObject({ state: 'failed', reason: 'timeout', server: second });
    expect(await clock.fireNext()).toBe(750);
    expect(phone.snapshot()).toEqual({ state: 'registered', aor: account.aor, server: first });
    expect(servers()).toEqual([first, second, first]);
  });

  it('goes back to the first when it returns, never while a call is up', async () => {
    let live = true;
    let back = false;
    const { phone, registrar, clock, probed, servers } = setupTwo({ live: () => live, probe: () => back });
    await phone.configure(twoServers, 'pw');
    registrar.queue('unreachable', 'ok');
    await phone.register();
    // First look: still down.
    live = false;
    expect(await clock.fireNext()).toBe(60_000);
    expect(probed).toEqual([first]);
    expect(phone.snapshot().server).toBe(second);
    // Back, but a call is up: not even probed, and the phone stays where the call is.
    back = true;
    live = true;
    await clock.fireNext();
    expect(probed).toEqual([first]);
    expect(servers()).toEqual([first, second]);
    // The call is over: un-REGISTER from the second, register on the first.
    live = false;
    registrar.queue('ok');
    await clock.fireNext();
    await new Promise((r) => setImmediate(r));
    expect(servers()).toEqual([first, second, first]);
    expect(registrar.unregisters).toBe(1);
    expect(phone.snapshot()).toEqual({ state: 'registered', aor: account.aor, server: first });
    expect(clock.pending()).toEqual([]);
  });

  it('one server in the list, or none, is the single server as before', async () => {
    const { phone, registrar, servers } = setupTwo();
    await phone.configure({ ...account, servers: [account.server] }, 'pw');
    registrar.queue('unreachable');
    expect(await phone.register()).toMatchObject({ state: 'failed', server: account.server });
    expect(servers()).toEqual([account.server]);
  });
});
