import { z } from 'zod';

/**
 * Three roles, from most to least power. Owners run everything; comms people trigger and update
 * incidents, draft scripts and manage contacts; staff read what they must say and what is going
 * on. API tokens carry one of the same roles as their scope.
 */
export const ROLES = ['owner', 'comms', 'staff'] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });

export const PERMISSIONS = [
  'incidents:read', 'incidents:write', 'desk:read', 'scripts:draft', 'scripts:approve', 'contacts:write',
  'users:manage', 'tokens:manage', 'audit:read', 'settings:write', 'sandbox:read',
  'problems:log',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

// Staff log small problems: the front desk is where complaints arrive.
const STAFF: Permission[] = ['incidents:read', 'desk:read', 'problems:log'];
const COMMS: Permission[] = [...STAFF, 'incidents:write', 'scripts:draft', 'contacts:write', 'sandbox:read'];

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  owner: new Set(PERMISSIONS),
  comms: new Set(COMMS),
  staff: new Set(STAFF),
};

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
