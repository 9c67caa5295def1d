import { safeStorage } from 'electron';
import { promises as fs } from 'node:fs';
import { writeFileAtomic } from '../node/fs-atomic';
import type { SecretsPort } from '../node/secrets/secrets-port';

/** Secrets encrypted with the OS keychain (DPAPI, Keychain, libsecret/kwallet) through `safeStorage`. */
export class SafeStorageSecrets implements SecretsPort {
  readonly kind = 'os-keychain' as const;
  constructor(private readonly file: string) {}

  private async readAll(): Promise<Record<string, string>> {
    try {
      return JSON.parse(await fs.readFile(this.file, 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  }
  async get(name: string) {
    const enc = (await this.readAll())[name];
    if (!enc) return undefined;
    const { result } = await safeStorage.decryptStringAsync(Buffer.from(enc, 'base64'));
    return result;
  }
  async set(name: string, value: string) {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) throw new Error('OS keychain unavailable');
    const all = await this.readAll();
    all[name] = (await safeStorage.encryptStringAsync(value)).toString('base64');
    await writeFileAtomic(this.file, JSON.stringify(all), 0o600);
  }
  async delete(name: string) {
    const all = await this.readAll();
    delete all[name];
    await writeFileAtomic(this.file, JSON.stringify(all), 0o600);
  }
}
