import { describe, expect, it } from 'vitest';
import { unpackedFirst } from '../../../../electron/node/store/store-client';

describe('store worker lookup in a packaged app', () => {
  it('tries the unpacked copy beside app.asar first, on both path styles, and leaves other paths alone', () => {
    expect(
      unpackedFirst(['/opt/Diadema/resources/app.asar/dist/node/store-worker.mjs', '/work/dist/node/store-worker.mjs']),
    ).toEqual([
      '/opt/Diadema/resources/app.asar.unpacked/dist/node/store-worker.mjs',
      '/opt/Diadema/resources/app.asar/dist/node/store-worker.mjs',
      '/work/dist/node/store-worker.mjs',
    ]);
    expect(unpackedFirst(['C:\\Program Files\\Diadema\\resources\\app.asar\\dist\\node\\store-worker.mjs'])[0]).toBe(
      'C:\\Program Files\\Diadema\\resources\\app.asar.unpacked\\dist\\node\\store-worker.mjs',
    );
    expect(unpackedFirst(['/home/a/app.asarx/store-worker.mjs'])).toEqual(['/home/a/app.asarx/store-worker.mjs']);
  });
});
