import type { Selectable } from 'kysely';
import type { TeamMembersTable } from '../store/schema';

/** Someone on the communications team: who they are, what they do and how to reach them. */
export interface TeamMember {
  id: number;
  key: string;
  name: string;
  role: string;
  email: string | null;
  /** A second inbox that reaches them; alerted too. */
  altEmail: string | null;
  phone: string | null;
  /** A second handset that reaches them; alerted too. */
  altPhone: string | null;
  slack: string | null;
  isBackup: boolean;
  createdAt: number;
}

export interface NewTeamMember {
  key: string;
  name: string;
  role: string;
  email?: string | null;
  altEmail?: string | null;
  phone?: string | null;
  altPhone?: string | null;
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
    altEmail: row.alt_email,
    phone: row.phone,
    altPhone: row.alt_phone,
    slack: row.slack,
    isBackup: row.is_backup === 1,
    createdAt: row.created_at,
  };
}
