import { z } from 'zod';

/** Which shell carries the core, its version, and where the SIP password is kept (shown in About and Settings). */
export const appInfo = z.object({
  shell: z.enum(['electron', 'browser']),
  version: z.string(),
  secretsStorage: z.enum(['os-keychain', 'user-file']),
});
export type AppInfo = z.infer<typeof appInfo>;
export type ShellName = AppInfo['shell'];
export type SecretsStorage = AppInfo['secretsStorage'];

export const appCalls = {
  'app.info': { args: z.object({}).strict(), result: appInfo },
} as const;
