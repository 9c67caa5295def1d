import type { ContractHandlers } from '@common/contract/contract';
import type { AgentService } from '../../agent/agent-service';

/** The agent's state (Available, Not ready, after-call work, Break). */
export function agentHandlers(d: {
  agent: Pick<AgentService, 'view' | 'set'>;
}): Pick<ContractHandlers, 'agent.get' | 'agent.set'> {
  return {
    'agent.get': async () => d.agent.view(),
    'agent.set': async (args) => d.agent.set(args),
  };
}
