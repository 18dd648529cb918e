import { z } from 'zod';
import { CHANNELS } from '../channels/provider';
import { COMPONENT_STATUSES } from '../components/component';
import { IMPACTS, INCIDENT_STATUSES } from './incident';

/** A status update as the owner sends it: parsed at the edge, the same for form, API and CLI. */
export const AUDIENCES = ['customers', 'resellers', 'team'] as const;
export type Audience = (typeof AUDIENCES)[number];

const variableName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'variable names are letters, digits and _' });

export const publishInput = z
  .object({
    incidentId: z.number().int().positive().optional(),
    incident: z
      .object({
        title: z.string().trim().min(3, { error: 'must be at least 3 characters' }).max(200),
        failureType: z.string().trim().min(1).optional(),
        impact: z.enum(IMPACTS).default('major'),
        components: z.array(z.string().trim().min(1)).max(50).default([]),
      })
      .optional(),
    status: z.enum(INCIDENT_STATUSES),
    /** The state the incident's components show on the status page; by default from the impact, and operational once resolved. */
    componentStatus: z.enum(COMPONENT_STATUSES).optional(),
    /** Reopens a resolved incident (or completed maintenance) with this update. */
    reopen: z.boolean().optional(),
    /** A new incident that is a drill: it reaches the team only and says DRILL everywhere (see drill.ts). */
    drill: z.boolean().optional(),
    scriptVersionId: z.number().int().positive(),
    variables: z.record(variableName, z.string().max(2000)).default({}),
    audiences: z.array(z.enum(AUDIENCES)).min(1, { error: 'choose at least one audience' }),
    channels: z.array(z.enum(CHANNELS)).min(1, { error: 'choose at least one channel' }),
  })
  .refine((v) => (v.incidentId === undefined) !== (v.incident === undefined), {
    error: 'give either incidentId (a follow-up) or incident (a new incident), not both',
    path: ['incidentId'],
  });

export type PublishInput = z.infer<typeof publishInput>;

export interface PublishResult {
  incidentId: number;
  updateId: number;
  broadcastId: number;
  deliveries: { channel: string; pending: number; skipped: number }[];
}
