import { z } from 'zod';
import { outputNames } from '../hid/telephony-model';

/** Whether the open headset can be driven: a failed LED write or a stream of garbage reports makes it unusable. */
export const headsetStatus = z.union([
  z.object({ usable: z.literal(true) }),
  z.object({
    usable: z.literal(false),
    reason: z.enum(['write-failed', 'garbage-reports']),
    detail: z.string().max(300),
  }),
]);
export type HeadsetStatus = z.infer<typeof headsetStatus>;

/** A device that looks like a headset but cannot be used, and why (shown on the headset check screen). */
export const headsetProblem = z.object({
  path: z.string().max(256),
  product: z.string().max(128).optional(),
  reason: z.enum(['descriptor', 'no-access']),
  detail: z.string().max(300),
});
export type HeadsetProblem = z.infer<typeof headsetProblem>;

export const headsetView = z.object({
  connected: z.boolean(),
  product: z.string().max(128).optional(),
  path: z.string().max(256).optional(),
  status: headsetStatus,
  buttons: z.array(z.string().max(32)),
  lights: z.array(z.string().max(32)),
  /** No headset support in this process (node-hid could not load). */
  unsupported: z.boolean().optional(),
  problems: z.array(headsetProblem).max(16).optional(),
});
export type HeadsetView = z.infer<typeof headsetView>;

/** Every decoded button event, acted on or not: the headset check screen shows them live. */
export const headsetButton = z.object({ usage: z.string().max(32), value: z.number() });
export type HeadsetButton = z.infer<typeof headsetButton>;

export const headsetCalls = {
  'headset.get': { args: z.object({}).strict(), result: headsetView },
  /** Headset check: light the given LEDs while no call is up; `null` returns the lights to the call state. */
  'headset.testLights': {
    args: z.object({ lights: z.array(z.enum(outputNames)).max(7).nullable() }).strict(),
    result: z.object({ ok: z.boolean() }),
  },
} as const;

export const headsetEvents = {
  headset: headsetView,
  'headset.button': headsetButton,
} as const;
