import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Write-then-rename so a crash leaves the old file or the new one, never half of each. */
export async function writeFileAtomic(file: string, data: string, mode = 0o600): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const handle = await fs.open(tmp, 'w', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
}

/** Moves a damaged file aside (kept for IT, never deleted) and returns where it went. */
export async function quarantine(file: string, now = Date.now()): Promise<string> {
  const aside = `${file}.corrupt-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
  await fs.rename(file, aside);
  return aside;
}
