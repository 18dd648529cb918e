import type { NewAuditEntry } from '../../src/audit/audit';
import type { NewComponent } from '../../src/components/component';
import type { NewAddress } from '../../src/contacts/address';
import type { NewContact } from '../../src/contacts/contact';
import type { NewSubscription } from '../../src/contacts/subscription';
import type { NewFailureType } from '../../src/roster/failure-type';
import type { NewTeamMember } from '../../src/roster/team-member';
import type { NewScript } from '../../src/scripts/script';
import type { NewScriptVersion } from '../../src/scripts/script-version';
import type { DraftTexts } from '../../src/scripts/script.service';
import type { ProblemInput } from '../../src/problems/problem';

/**
 * Input objects for the repositories, valid by default and unique per call (keys carry a
 * sequence number), so tests state only what they are about.
 */
let sequence = 0;
const next = () => ++sequence;

export function buildTeamMember(overrides: Partial<NewTeamMember> = {}): NewTeamMember {
  const n = next();
  return {
    key: `member-${n}`,
    name: `Team Member ${n}`,
    role: 'technical responder',
    email: `member${n}@example.com`,
    phone: `+1555555${String(n % 10000).padStart(4, '0')}`,
    slack: null,
    isBackup: false,
    ...overrides,
  };
}

export function buildFailureType(overrides: Partial<NewFailureType> = {}): NewFailureType {
  const n = next();
  return { key: `failure-${n}`, name: `Failure ${n}`, description: 'Something we planned for', ...overrides };
}

export function buildComponent(overrides: Partial<NewComponent> = {}): NewComponent {
  const n = next();
  return { key: `component-${n}`, name: `Component ${n}`, description: '', ...overrides };
}

export function buildContact(overrides: Partial<NewContact> = {}): NewContact {
  const n = next();
  return { key: `contact-${n}`, kind: 'customer', name: `Contact ${n}`, organization: null, tags: [], ...overrides };
}

export function buildAddress(overrides: Partial<NewAddress> = {}): NewAddress {
  return { channel: 'email', address: `person${next()}@example.org`, ...overrides };
}

export function buildSubscription(addressId: number, overrides: Partial<NewSubscription> = {}): NewSubscription {
  return { addressId, consent: 'confirmed', consentSource: 'signup form', consentAt: Date.UTC(2025, 0, 15), components: [], ...overrides };
}

export function buildScript(overrides: Partial<NewScript> = {}): NewScript {
  const n = next();
  return { key: `script-${n}`, name: `Script ${n}`, failureTypeId: null, ...overrides };
}

export function buildScriptVersion(scriptId: number, overrides: Partial<NewScriptVersion> = {}): NewScriptVersion {
  return {
    scriptId,
    emailSubject: '{{brand}}: {{component}} is unavailable',
    emailBody: 'We know {{component}} is down and are working on it. Next update by {{next_update}}.',
    sms: '{{brand}}: {{component}} is down; we are on it. Next update {{next_update}}.',
    slack: ':rotating_light: {{component}} is down. Next update {{next_update}}.',
    x: '{{component}} is down; we are working on it. Updates: {{status_url}}',
    author: 'author@example.com',
    ...overrides,
  };
}

/** A draft that passes every check with its example values; tests override only what they are about. */
export function buildDraft(overrides: Partial<DraftTexts> = {}): DraftTexts {
  return {
    variables: [
      { name: 'service', description: 'What is affected', required: true, example: 'Online ordering' },
      { name: 'next_update', description: 'When the next update comes', required: true, example: '10:30 UTC' },
      { name: 'workaround', description: 'What customers can do meanwhile', required: false, example: 'Order by phone.' },
    ],
    emailSubject: 'Investigating: {{ service }}',
    emailBody: 'We are looking into a problem with {{ service }}.{% if workaround != "" %}\n\nMeanwhile: {{ workaround }}{% endif %}\n\nNext update by {{ next_update }}.',
    sms: '{{ service }} problem; we are on it. Next update by {{ next_update }}.',
    slack: '*{{ service }}*: investigating. Next update by {{ next_update }}.',
    x: 'We are investigating a problem with {{ service }}. Next update by {{ next_update }}.',
    phone: 'Confirm the problem with {{ service }}. Next update by {{ next_update }}.',
    phoneQa: [{ question: 'When will it be fixed?', answer: 'We will say by {{ next_update }}.' }],
    reseller: 'Forward to your customers: {{ service }} has a problem; next update by {{ next_update }}.',
    ...overrides,
  };
}

export function buildAuditEntry(overrides: Partial<NewAuditEntry> = {}): NewAuditEntry {
  return { actor: 'owner@example.com', action: 'script.approved', subject: `script-version:${next()}`, detail: {}, ...overrides };
}

export function buildProblem(overrides: Partial<ProblemInput> = {}): ProblemInput {
  return { category: `category-${next()}`, note: 'A customer could not pay by card', ...overrides };
}

export function buildMonitorBody(url: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: `Site ${next()}`, url, intervalSeconds: 60, timeoutMs: 2000, expectedStatus: 200, failuresToDown: 3, ...overrides };
}
