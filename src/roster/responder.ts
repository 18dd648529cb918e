import type { TeamMember } from './team-member';

/**
 * A team member on call for a failure type. Rank 1 is the primary, who is alerted first; ranks
 * 2 and up are backups, in the order they are tried.
 */
export interface Responder {
  failureTypeId: number;
  rank: number;
  member: TeamMember;
}

export const PRIMARY_RANK = 1;
