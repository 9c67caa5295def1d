import { z } from 'zod';

/**
 * Customer context: the data an IVR already collected, carried in SIP headers of the incoming INVITE. A team names
 * each header (a label per UI language) and may link it to its CRM with an https URL template. The header values
 * come from the network and are hostile; labels and link templates come from IT or a team lead and are validated
 * here, and every link is checked again wherever it is opened.
 */

import {
  oneLinePattern,
  SCREEN_POP_FIELDS_MAX,
  SCREEN_POP_HEADER_MAX,
  SCREEN_POP_LABEL_MAX,
  SCREEN_POP_VALUE_MAX,
  screenPopLanguages,
} from './screen-pop-record';

export { parseScreenPopRecords, screenPopLanguages, type ScreenPopLanguage } from './screen-pop-record';

/** A SIP header name as the settings accept it (token characters that header names use in practice). */
export const screenPopHeaderName = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'not a SIP header name');

/** One line of visible text: no control, line-separator or bidi-override characters. */
const labelText = z.string().min(1).max(SCREEN_POP_LABEL_MAX).regex(oneLinePattern, 'not one line of plain text');

export const screenPopLabel = z
  .object({ en: labelText.optional(), 'es-MX': labelText.optional(), 'es-ES': labelText.optional() })
  .strict();
export type ScreenPopLabel = z.infer<typeof screenPopLabel>;

/** Links longer than this are not opened (a template is at most 2048; each value adds at most 512 encoded chars). */
export const LINK_MAX = 8192;
const VALUE_MARK = '{value}';

/**
 * The template's shape as a pattern, so the generated JSON Schemas refuse what the app refuses: https, a host
 * without the placeholder (a caller must never choose where the link goes), then `{value}` in the path, query or
 * fragment. The refinement below names what is wrong, and checks the template filled in as a link.
 */
export const linkTemplatePattern =
  /^https:\/\/[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?(?::\d{1,5})?[/?#][^\s"<>\\^`{|}]*\{value\}[^\s"<>\\^`|]*$/;

export type LinkTemplateProblem = 'not-https' | 'no-value' | 'value-in-host' | 'invalid';

/** Why a link template is refused, or undefined when it is fine. The code travels in the settings error. */
export function linkTemplateProblem(template: string): LinkTemplateProblem | undefined {
  if (!/^https:\/\//.test(template)) return 'not-https';
  if (!template.includes(VALUE_MARK)) return 'no-value';
  const authority = /^https:\/\/([^/?#]*)/.exec(template)?.[1] ?? '';
  if (authority.includes('{') || authority.includes('}')) return 'value-in-host';
  if (template.length > 2048 || !linkTemplatePattern.test(template)) return 'invalid';
  return isHttpsLink(expandLink(template, 'value')) ? undefined : 'invalid';
}

const problemText: Record<LinkTemplateProblem, string> = {
  'not-https': 'screen-pop-link-not-https: a screen-pop link must start with https:// (no other scheme is opened)',
  'no-value': 'screen-pop-link-no-value: a screen-pop link must contain {value} where the header value goes',
  'value-in-host': 'screen-pop-link-value-in-host: {value} may not be part of the host name',
  invalid: 'screen-pop-link-invalid: not a valid https:// address with {value} in its path, query or fragment',
};

export const screenPopLinkTemplate = z
  .string()
  .max(2048)
  .superRefine((t, ctx) => {
    const problem = linkTemplateProblem(t);
    if (problem) ctx.addIssue({ code: 'custom', message: problemText[problem], params: { problem } });
  })
  // The same rule as a pattern, for the generated JSON Schemas.
  .regex(linkTemplatePattern, 'screen-pop-link-invalid: not an https:// address with {value} after the host');

export const screenPopFieldConfig = z
  .object({ header: screenPopHeaderName, label: screenPopLabel.optional(), link: screenPopLinkTemplate.optional() })
  .strict();
export type ScreenPopFieldConfig = z.infer<typeof screenPopFieldConfig>;

export const screenPopConfig = z
  .array(screenPopFieldConfig)
  .max(SCREEN_POP_FIELDS_MAX)
  .refine((fields) => new Set(fields.map((f) => f.header.toLowerCase())).size === fields.length, {
    message: 'screen-pop-duplicate-header: each header may be listed once',
    params: { problem: 'duplicate-header' },
  });

/** What the settings screen names when a screen-pop list is refused (the `problem` of the schema's issues). */
export const screenPopProblems = ['not-https', 'no-value', 'value-in-host', 'invalid', 'duplicate-header'] as const;
export type ScreenPopProblem = (typeof screenPopProblems)[number];

/** The value put into a template: URL-encoded, so it can only ever be data inside the path or query. */
export function expandLink(template: string, value: string): string {
  return template.split(VALUE_MARK).join(encodeURIComponent(value));
}

// Written out rather than parsed with URL, which this pure runtime does not have: the host follows the two slashes
// at once (a parser reads https:///x and https:/x as host x), no userinfo (no @ before the path), one line of URL
// characters with no controls, spaces, quotes, angle brackets or bidi marks.
const httpsLinkPattern =
  /^https:\/\/(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?(?:[/?#][^\s\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069"<>\\^`{|}]*)?$/;

/** Whether a link may be opened: an https URL with a host and no credentials, one line, bounded. */
export function isHttpsLink(url: unknown): url is string {
  return typeof url === 'string' && url.length <= LINK_MAX && httpsLinkPattern.test(url);
}

/** A field as a ringing call shows it: the value is plain text; `link` is the template filled in. */
export const screenPopField = z.object({
  header: z.string().max(SCREEN_POP_HEADER_MAX),
  label: screenPopLabel.optional(),
  value: z.string().max(SCREEN_POP_VALUE_MAX),
  link: z.string().max(LINK_MAX).refine(isHttpsLink, 'not an https link').optional(),
});
export type ScreenPopField = z.infer<typeof screenPopField>;

/** What the call record keeps of a field (the link is the team's to rebuild; the record keeps what rang). */
export const screenPopRecord = screenPopField.omit({ link: true });
export type ScreenPopRecord = z.infer<typeof screenPopRecord>;

/** The label in the UI language, else the English one, else the header name. */
export function screenPopLabelFor(label: ScreenPopLabel | undefined, language: string, header: string): string {
  const lang = screenPopLanguages.find((l) => l === language);
  return (lang && label?.[lang]) || label?.en || header;
}
