import type { Selectable } from 'kysely';
import type { TeamMembersTable } from '../store/schema';

/** Someone on the communications team: who they are, what they do and how to reach them. */
export interface TeamMember {
  id: number;
  key: string;
  name: string;
  role: string;
  email: string | null;
  phone: string | null;
  slack: string | null;
  isBackup: boolean;
  createdAt: number;
}

export interface NewTeamMember {
  key: string;
  name: string;
  role: string;
  email?: string | null;
  phone?: string | null;
  slack?: string | null;
  isBackup?: boolean;
}

export type TeamMemberPatch = Partial<Omit<NewTeamMember, 'key'>>;

export type TeamMemberRow = Selectable<TeamMembersTable>;

export function toTeamMember(row: TeamMemberRow): TeamMember {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    role: row.role,
    email: row.email,
    phone: row.phone,
    slack: row.slack,
    isBackup: row.is_backup === 1,
    createdAt: row.created_at,
  };
}
