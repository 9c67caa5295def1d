import type { CallView } from '../contract/calls';

/** A call that has not ended: ringing, being placed, talking or on hold. */
export const isLive = (c: Pick<CallView, 'state'>): boolean => c.state !== 'ended';

/** A call in conversation: talking or on hold (what mute, the headset's hook and the mute check are about). */
export const isInConversation = (c: Pick<CallView, 'state'>): boolean => c.state === 'active' || c.state === 'held';

/** The call with the customer, as opposed to the agent's consult leg (the call to a supervisor about it). */
export const isCustomerLeg = (c: Pick<CallView, 'consultFor'>): boolean => c.consultFor === undefined;
