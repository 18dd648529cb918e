import { AppError } from '../errors';
import { MAINTENANCE_FLOW, STATUS_LABELS, type IncidentStatus } from './incident';

export type IncidentKind = 'incident' | 'maintenance';

export function kindOf(status: IncidentStatus): IncidentKind {
  return (MAINTENANCE_FLOW as readonly string[]).includes(status) ? 'maintenance' : 'incident';
}

/** Resolved incidents and completed maintenance are closed: off the open list, in the history. */
export function isClosed(status: IncidentStatus): boolean {
  return status === 'resolved' || status === 'completed';
}

const label = (s: IncidentStatus) => `"${STATUS_LABELS[s]}"`;
const refuse = (message: string, field = 'status') => new AppError('conflict', message, [{ field, message }]);

/** A new incident or maintenance opens in one of its open states. */
export function checkOpening(status: IncidentStatus): void {
  if (isClosed(status)) throw refuse(`A new ${kindOf(status) === 'maintenance' ? 'maintenance' : 'incident'} cannot start as ${label(status)}; open it first.`);
}

/**
 * The moves an update may make:
 * - incidents move freely among investigating, identified and monitoring (a fix that did not
 *   hold goes back to identified), and to resolved; maintenance only forward;
 * - a closed one takes further closed updates (a follow-up) but reopens only when asked to;
 * - incidents and maintenance never turn into each other.
 */
export function checkMove(from: IncidentStatus, to: IncidentStatus, reopen: boolean): void {
  if (kindOf(from) !== kindOf(to)) {
    throw refuse(`This is ${kindOf(from) === 'maintenance' ? 'scheduled maintenance' : 'an incident'}; ${label(to)} belongs to ${kindOf(to) === 'maintenance' ? 'scheduled maintenance' : 'incidents'}.`);
  }
  if (reopen && !isClosed(from)) throw new AppError('invalid_input', `Only a closed incident can be reopened; this one is ${label(from)}.`, [{ field: 'reopen', message: 'the incident is not closed' }]);
  if (isClosed(from)) {
    if (reopen && isClosed(to)) throw refuse(`Reopening needs an open status, not ${label(to)}.`);
    if (!reopen && !isClosed(to)) throw refuse(`This ${kindOf(from)} is ${label(from)}; reopen it to post ${label(to)} (set reopen).`);
    return;
  }
  if (kindOf(from) === 'maintenance' && MAINTENANCE_FLOW.indexOf(to as never) < MAINTENANCE_FLOW.indexOf(from as never)) {
    throw refuse(`Maintenance moves forward only: ${label(from)} cannot go back to ${label(to)}.`);
  }
}
