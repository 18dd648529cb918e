import { publishUpdate } from '../../src/incidents/publish.service';
import { approve, createScript, DEFAULT_SCRIPT_RULES, saveDraft } from '../../src/scripts/script.service';
import type { TestCrier } from './crier';
import { buildDraft } from './factories';

export const DESK_VALUES = { service: 'Zebra checkout', next_update: '11:45 UTC', workaround: 'Call 0800 555 0101 to order.' };
export const DRAFT_MARKER = 'DRAFT-PLATYPUS';

/**
 * An open incident whose latest update used an approved script, plus a newer draft of that script
 * and a draft-only script, both with wording that must never reach the desk.
 */
export async function openIncidentWithScripts(t: TestCrier, key: string): Promise<{ incidentId: number; versionId: number }> {
  const db = t.store.db;
  const phone = 'Tell the caller {{ service }} is down and we are on it.{% if workaround != "" %} Meanwhile: {{ workaround }}{% endif %} Next update by {{ next_update }}.';
  const { script, draft } = await createScript(db, { key, name: 'Checkout outage', situation: 'investigating' }, 'user:writer', buildDraft({ phone }));
  if (!draft) throw new Error('no draft');
  await approve(db, draft.id, 'user:approver', DEFAULT_SCRIPT_RULES);
  await saveDraft(db, script.id, buildDraft({ phone: `${DRAFT_MARKER} {{ service }} {{ next_update }}`, sms: `${DRAFT_MARKER} {{ service }} {{ next_update }}` }), 'user:writer');
  await createScript(db, { key: `${key}-draft`, name: 'Never approved', situation: 'investigating' }, 'user:writer', buildDraft({ phone: `${DRAFT_MARKER} {{ service }} {{ next_update }}` }));
  const published = await publishUpdate(db, {
    incident: { title: 'Zebra checkout failing', impact: 'major', components: [] }, status: 'investigating', scriptVersionId: draft.id,
    variables: DESK_VALUES, audiences: ['customers'], channels: ['email'],
  }, { actor: 'user:approver', brandName: 'Crier', statusPageUrl: `${t.crier.url()}/status`, teamSlackChannels: [], now: Date.UTC(2025, 2, 11, 10, 5) });
  return { incidentId: published.incidentId, versionId: draft.id };
}
