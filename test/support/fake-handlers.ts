import type { ContractHandlers } from '../../electron/common/contract/contract';

/** A core stand-in for shell and renderer tests: every call answers something plausible unless overridden. */
export function fakeHandlers(overrides: Partial<ContractHandlers> = {}): ContractHandlers {
  const base: ContractHandlers = {
    'app.info': async () => ({ shell: 'browser', version: '0.0.0-test', secretsStorage: 'user-file' }),
    'settings.get': async () => ({ settings: {}, issues: [] }),
    'settings.set': async () => ({ settings: {}, issues: [] }),
    'account.get': async () => ({ server: '', user: '', authUser: '', displayName: '', hasPassword: false }),
    'account.save': async () => ({ ok: true, hasPassword: true }),
    'account.testConnection': async () => ({ registered: false, steps: [] }),
    'phone.register': async () => ({ state: 'registering' }),
    'phone.unregister': async () => ({ state: 'unregistered' }),
    'phone.registration': async () => ({ state: 'unregistered' }),
  };
  return { ...base, ...overrides };
}
