import { describe, expect, it } from 'vitest';
import type { ContractHandlers } from '@common/contract/contract';
import { dispatchCall, parseEvent } from '@common/contract/dispatch';
import { ContractError } from '@common/contract/errors';
import { fakeHandlers } from '../../../support/fake-handlers';

describe('contract dispatch', () => {
  it('runs a valid call and returns its validated result', async () => {
    const h = fakeHandlers();
    expect(await dispatchCall(h, 'phone.registration', {})).toEqual({ ok: true, value: { state: 'unregistered' } });
  });
  it('rejects unknown calls and malformed arguments before the handler runs', async () => {
    let ran = 0;
    const h = fakeHandlers({
      'settings.set': async () => {
        ran++;
        throw new Error('should not run');
      },
    });
    expect(await dispatchCall(h, '__proto__', {})).toEqual({ ok: false, error: { code: 'unknown-call' } });
    expect(await dispatchCall(h, 'settings.set', { key: 42 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-arguments' },
    });
    expect(await dispatchCall(h, 'settings.set', { key: 'ui.language', value: 'en', extra: 1 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-arguments' },
    });
    expect(
      await dispatchCall(h, 'account.save', { server: 'x'.repeat(5000), user: '', authUser: '', displayName: '' }),
    ).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
    expect(ran).toBe(0);
  });
  it('turns handler errors into codes and never leaks internal messages', async () => {
    const h: ContractHandlers = fakeHandlers({
      'phone.register': async () => {
        throw new ContractError('invalid-account');
      },
      'phone.unregister': async () => {
        throw new Error('secret internal detail /home/agent');
      },
    });
    expect(await dispatchCall(h, 'phone.register', {})).toEqual({ ok: false, error: { code: 'invalid-account' } });
    expect(await dispatchCall(h, 'phone.unregister', {})).toEqual({ ok: false, error: { code: 'internal' } });
  });
  it('refuses a result that does not match the contract', async () => {
    const h = fakeHandlers({ 'phone.registration': async () => ({ state: 'bogus' }) as never });
    expect(await dispatchCall(h, 'phone.registration', {})).toEqual({ ok: false, error: { code: 'internal' } });
  });
  it('drops malformed events', () => {
    expect(parseEvent('registration', { state: 'registered' })).toEqual({
      name: 'registration',
      payload: { state: 'registered' },
    });
    expect(parseEvent('registration', { state: 'hacked' })).toBeUndefined();
    expect(parseEvent('nope', {})).toBeUndefined();
  });
});
