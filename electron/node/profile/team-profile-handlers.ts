import type { ContractHandlers } from '@common/contract/contract';
import type { TeamLeadService } from './team-lead-service';

/** The team lead's calls: refused with `forbidden` where no signing key is configured (see TeamLeadService). */
export function teamProfileHandlers(d: {
  teamLead: Pick<TeamLeadService, 'view' | 'preview' | 'publish'>;
}): Pick<ContractHandlers, 'profile.draft' | 'profile.preview' | 'profile.publish'> {
  return {
    'profile.draft': () => d.teamLead.view(),
    'profile.preview': ({ draft }) => d.teamLead.preview(draft),
    'profile.publish': ({ draft }) => d.teamLead.publish(draft),
  };
}
