import type { Core } from 'sip.js';
import { expandLink, isHttpsLink, type ScreenPopField, type ScreenPopFieldConfig } from '@common/contract/screen-pop';
import { SCREEN_POP_FIELDS_MAX, SCREEN_POP_VALUE_MAX } from '@common/contract/screen-pop-record';
import type { Settings } from '@common/settings/schema';
import { plainText } from './caller-identity';

/**
 * The fields a ringing call shows, in order: those `calls.screenPop` names (label, link), then the headers of
 * `calls.screenPopHeaders` it does not name, under their own name — so settings files, profiles and policies
 * written before labels existed show what they always showed.
 */
export function screenPopFields(
  s: Pick<Settings, 'calls.screenPop' | 'calls.screenPopHeaders'>,
): ScreenPopFieldConfig[] {
  const named = new Set(s['calls.screenPop'].map((f) => f.header.toLowerCase()));
  const plain = s['calls.screenPopHeaders'].filter((h) => !named.has(h.toLowerCase())).map((header) => ({ header }));
  return [...s['calls.screenPop'], ...plain].slice(0, SCREEN_POP_FIELDS_MAX);
}

/**
 * Reads the configured headers from an INVITE. Values are hostile: control and bidi characters are blanked and the
 * length is bounded (plainText); a header sent empty is not shown. The link is filled in with the cleaned value,
 * URL-encoded, and kept only if the result is still an https link.
 */
export function readScreenPop(
  req: Pick<Core.IncomingRequestMessage, 'getHeader'>,
  fields: readonly ScreenPopFieldConfig[],
): ScreenPopField[] {
  const out: ScreenPopField[] = [];
  for (const f of fields) {
    const raw = req.getHeader(f.header);
    if (raw === undefined) continue;
    const value = plainText(raw, SCREEN_POP_VALUE_MAX);
    const link = f.link && value ? expandLink(f.link, value) : undefined;
    out.push({
      header: f.header,
      ...(f.label ? { label: f.label } : {}),
      value,
      ...(link && isHttpsLink(link) ? { link } : {}),
    });
  }
  return out;
}
