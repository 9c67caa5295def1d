import { promises as fs } from 'node:fs';
import { quarantine, writeFileAtomic } from '../fs-atomic';
import type { SecretsPort } from './secrets-port';

/**
 * The browser host's secrets: a JSON file created with mode 0600 inside a 0700 directory. It protects against
 * other users of the machine, not against software running as the same user; the UI states that limitation.
 */
export class FileSecrets implements SecretsPort {
  readonly kind = 'user-file' as const;
  constructor(private readonly file: string) {}

  private async readAll(): Promise<Record<string, string>> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw e;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        return Object.fromEntries(
          Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'),
        );
      }
    } catch {
      /* fall through */
    }
    await quarantine(this.file);
    return {};
  }

  async get(name: string) {
    return (await this.readAll())[name];
  }
  async set(name: string, value: string) {
    const all = await this.readAll();
    all[name] = value;
    await writeFileAtomic(this.file, JSON.stringify(all), 0o600);
  }
  async delete(name: string) {
    const all = await this.readAll();
    delete all[name];
    await writeFileAtomic(this.file, JSON.stringify(all), 0o600);
  }
}
