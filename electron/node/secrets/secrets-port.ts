import type { SecretsStorage } from '@common/contract/app';

/**
 * Where credentials live. The Electron shell implements it over `safeStorage` (the OS keychain); the browser host
 * over a file only the user can read, and says so in the UI. Nothing else may hold a password at rest.
 */
export interface SecretsPort {
  readonly kind: SecretsStorage;
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

export const sipPasswordSecret = 'sip-password';
