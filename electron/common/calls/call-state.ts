import type { CallView } from '../contract/calls';

/** A call that has not ended: ringing, being placed, talking or on hold. */
export const isLive = (c: Pick<CallView, 'state'>): boolean => c.state !== 'ended';
