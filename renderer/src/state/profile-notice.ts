import type { ProfileChange, ProfileIdentity, ProfileStatus } from '@common/contract/profile';

/** What the agent is told about the team profile: a newly applied version, or a check that failed. */
export type ProfileNotice =
  | { kind: 'applied'; identity: ProfileIdentity; changes: ProfileChange[] }
  | {
      kind: 'problem';
      outcome: 'refused' | 'unreachable';
      /** Code and detail for IT, behind a disclosure. */
      code: string | undefined;
      detail: string | undefined;
    };

/**
 * The notice a new profile status calls for, if any. A version is announced once, when it is applied; a failed
 * check is announced when it starts failing or fails differently, not again on every poll that fails the same way.
 */
export function profileNoticeFor(prev: ProfileStatus | undefined, next: ProfileStatus): ProfileNotice | undefined {
  const check = next.lastCheck;
  if (!check) return undefined;
  if (check.outcome === 'applied' && next.applied) {
    const before = prev?.applied;
    if (before && before.team === next.applied.team && before.version === next.applied.version) return undefined;
    return { kind: 'applied', identity: next.applied, changes: next.changes };
  }
  if (check.outcome === 'refused' || check.outcome === 'unreachable') {
    const was = prev?.lastCheck;
    if (
      was &&
      was.outcome === check.outcome &&
      was.refusal === check.refusal &&
      was.problem === check.problem &&
      was.version === check.version
    ) {
      return undefined;
    }
    return { kind: 'problem', outcome: check.outcome, code: check.refusal ?? check.problem, detail: check.detail };
  }
  return undefined;
}
