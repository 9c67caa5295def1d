import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hexToBytes } from '@common/hid/report-descriptor';
import type { HidDeviceInfo } from '../../electron/node/hid/headset-devices';

/** The real headset report descriptors in `test/fixtures/hid/headset-descriptors.json` (see its README). */
export interface SharedHeadset {
  product: string;
  descriptorHex: string;
  derivedReportLayout?: Array<{
    kind: string;
    reportId: number;
    fields: Array<{ bitOffset: number; size: number; count: number; flags: string; usages: string[] }>;
  }>;
}
const fixture = path.join('test', 'fixtures', 'hid', 'headset-descriptors.json');
/** The project root above this module: tests load it from test/support, benchmarks from a bundle under dist/. */
function projectRoot(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, fixture))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`${fixture} not found above ${fileURLToPath(import.meta.url)}`);
  }
}
export const sharedHeadsets: SharedHeadset[] = JSON.parse(
  readFileSync(path.join(projectRoot(), fixture), 'utf8'),
) as SharedHeadset[];

/** The descriptor bytes of the first shared headset whose product name starts with `product`. */
export function descriptorOf(product: string): Uint8Array {
  const d = sharedHeadsets.find((x) => x.product.startsWith(product));
  if (!d) throw new Error(`no shared descriptor for ${product}`);
  return hexToBytes(d.descriptorHex);
}

/** How node-hid lists the Jabra EVOLVE LINK MS's telephony interface at `devicePath`. */
export const jabraInfo = (devicePath: string): HidDeviceInfo => ({
  path: devicePath,
  vendorId: 0x0b0e,
  productId: 0x0307,
  product: 'Jabra EVOLVE LINK MS',
  usagePage: 0x0b,
  usage: 5,
});
export const jabraDescriptor = (): Uint8Array => descriptorOf('Jabra EVOLVE');
