import type { Selectable } from 'kysely';
import type { ContactsTable } from '../store/schema';
import { parseStringList } from './json-list';

export const CONTACT_KINDS = ['customer', 'reseller'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

/** Someone outside the team who hears from us during an incident. */
export interface Contact {
  id: number;
  key: string;
  kind: ContactKind;
  name: string;
  organization: string | null;
  tags: string[];
  createdAt: number;
}

export interface NewContact {
  key: string;
  kind: ContactKind;
  name: string;
  organization?: string | null;
  tags?: string[];
}

export type ContactPatch = Partial<Omit<NewContact, 'key'>>;

/** What an upsert did, so imports can report it. */
export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

export type ContactRow = Selectable<ContactsTable>;

export function toContact(row: ContactRow): Contact {
  return {
    id: row.id,
    key: row.key,
    kind: row.kind,
    name: row.name,
    organization: row.organization,
    tags: parseStringList(row.tags),
    createdAt: row.created_at,
  };
}

/** Tags are kept trimmed, once each, in the order given. */
export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim()).filter((t) => t !== ''))];
}
