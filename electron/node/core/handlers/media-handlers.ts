import type { ContractHandlers } from '@common/contract/contract';
import { ContractError } from '@common/contract/errors';
import type { CallManager } from '../../phone/call-manager';
import type { MediaBridge } from '../../phone/media-bridge';
import type { MuteMonitor } from '../../mute/mute-monitor';

/** The renderer hosting the calls' media: attach, answer the core's media requests, report quality and mute. */
export function mediaHandlers(d: {
  bridge: Pick<MediaBridge, 'attach' | 'respond'>;
  calls: Pick<CallManager, 'callIdsWithMedia' | 'recordQuality'>;
  mute: Pick<MuteMonitor, 'report' | 'snapshot'>;
}): Pick<ContractHandlers, 'media.attach' | 'media.respond' | 'media.stats' | 'mute.report' | 'mute.status'> {
  return {
    'media.attach': async (_args, from) => {
      if (!from) throw new ContractError('forbidden');
      d.bridge.attach(from);
      return { calls: d.calls.callIdsWithMedia() };
    },
    'media.respond': async (r, from) => {
      d.bridge.respond(from, r);
      return {};
    },
    'media.stats': async ({ callId, sample }) => {
      d.calls.recordQuality(callId, sample);
      return {};
    },
    'mute.report': async (r) => {
      d.mute.report(r);
      return {};
    },
    'mute.status': async () => d.mute.snapshot(),
  };
}
