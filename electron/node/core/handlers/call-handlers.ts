import type { ContractHandlers } from '@common/contract/contract';
import type { CallActions } from '../../phone/call-actions';
import type { CallManager } from '../../phone/call-manager';

type Calls = Pick<
  CallManager,
  | 'snapshot'
  | 'dial'
  | 'answer'
  | 'reject'
  | 'hangup'
  | 'hold'
  | 'dtmf'
  | 'transferBlind'
  | 'transferAttended'
  | 'consultSupervisor'
>;

/** Requests on one call (by id), and the id-less actions the hotkeys and the renderer's shortcuts send. */
export function callHandlers(d: {
  calls: Calls;
  actions: CallActions;
}): Pick<
  ContractHandlers,
  | 'calls.get'
  | 'call.dial'
  | 'call.answer'
  | 'call.reject'
  | 'call.hangup'
  | 'call.hold'
  | 'call.mute'
  | 'call.dtmf'
  | 'call.transferBlind'
  | 'call.transferAttended'
  | 'call.consultSupervisor'
  | 'call.action'
> {
  const { calls, actions } = d;
  return {
    'calls.get': async () => calls.snapshot(),
    'call.dial': async ({ target }) => ({ callId: await calls.dial(target) }),
    'call.answer': async ({ callId }) => {
      await calls.answer(callId);
      return {};
    },
    'call.reject': async ({ callId }) => {
      await calls.reject(callId);
      return {};
    },
    'call.hangup': async ({ callId }) => {
      await calls.hangup(callId);
      return {};
    },
    'call.hold': async ({ callId, on }) => ({ held: (await calls.hold(callId, on)) ? on : !on }),
    'call.mute': async ({ muted }) => ({ muted: actions.setMute(muted, 'ui') }),
    'call.dtmf': async ({ callId, digits }) => {
      await calls.dtmf(callId, digits);
      return {};
    },
    'call.transferBlind': async ({ callId, target }) => {
      await calls.transferBlind(callId, target);
      return {};
    },
    'call.transferAttended': async ({ callId, consultCallId }) => {
      await calls.transferAttended(callId, consultCallId);
      return {};
    },
    'call.consultSupervisor': async ({ callId }) => ({ callId: await calls.consultSupervisor(callId) }),
    'call.action': async ({ action }) => {
      const done = (callId: string | undefined) => ({ done: callId !== undefined, ...(callId ? { callId } : {}) });
      switch (action) {
        case 'answer':
          return done(await actions.answer());
        case 'hangup':
          return done(await actions.hangUp());
        case 'toggleMute':
          return { done: true, muted: actions.toggleMute('hotkey') };
        case 'toggleHold': {
          const r = await actions.toggleHold();
          const held = r.callId ? calls.snapshot().calls.find((c) => c.id === r.callId)?.held : undefined;
          return { ...done(r.callId), ...(held !== undefined ? { held } : {}) };
        }
        case 'holdInsteadOfMute': {
          const r = await actions.holdInsteadOfMute();
          return { ...done(r.callId), held: r.held, muted: r.muted };
        }
      }
    },
  };
}
