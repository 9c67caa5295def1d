import type { ContractHandlers } from '@common/contract/contract';
import type { ProfileClient } from '../../profile/profile-client';

/** The agent's side of team profiles: the profile in force, the last check, and "check now". */
export function profileHandlers(d: {
  profile: Pick<ProfileClient, 'status' | 'check'>;
}): Pick<ContractHandlers, 'profile.status' | 'profile.check'> {
  return {
    'profile.status': async () => d.profile.status(),
    'profile.check': () => d.profile.check('manual'),
  };
}
