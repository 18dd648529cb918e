import type { StarterScript } from '../starter-library';
import { v } from './variables';

const PROMISE = v('promise', 'What was promised, as it was said', 'A credit of one month of fees on the next invoice');
const PROMISED_TO = v('promised_to', 'Who it was promised to', 'Harbour Resellers Ltd');
const DUE_AT = v('due_at', 'When it is due, with the time zone', '2026-12-01 15:00 UTC');
const INCIDENT = v('incident', 'The incident it was promised during', 'Checkout failing');
const SUPPORT_CONTACT = v('support_contact', 'Where the customer can reach a person; the last support contact sent is used when there is one', 'support@example.com or 0800 123 456', false);
const RECIPIENT = v('recipient', 'The name of the customer it was promised to', 'Harbour Resellers Ltd');

/** The owner's reminder: internal, by email and SMS only, with what, to whom and when. */
export const promiseReminder: StarterScript = {
  key: 'promise-reminder',
  name: 'Promise reminder',
  situation: 'internal',
  description: 'For the team member who owns a promise made during an incident, when it falls due. Sent once, by email and SMS.',
  draft: {
    variables: [PROMISE, PROMISED_TO, DUE_AT, INCIDENT],
    emailSubject: 'Due now: {{ promise }}',
    emailBody: `A promise you own is due ({{ due_at }}): {{ promise }}, to {{ promised_to }}, made during "{{ incident }}".

Keep it today, then mark it kept in the console, so the customer can be told. If it cannot be kept, tell the owner now rather than letting the date pass.`,
    sms: 'Due {{ due_at }}: {{ promise }} to {{ promised_to }} ({{ incident }}). Mark it kept in the console when done.',
    slack: '',
    x: '',
    phone: '',
    phoneQa: [],
    reseller: '',
  },
};

/** The customer's word that a promise was kept: one-to-one, by email and SMS. */
export const promiseKept: StarterScript = {
  key: 'promise-kept',
  name: 'Promise kept',
  situation: 'other',
  description: 'To the customer a promise was made to, when it has been kept. Sent only when the person marking it kept asks for it.',
  draft: {
    variables: [RECIPIENT, PROMISE, INCIDENT, SUPPORT_CONTACT],
    emailSubject: 'Done: {{ promise }}',
    emailBody: `Dear {{ recipient }},

During the incident "{{ incident }}" we promised you: {{ promise }}. This has now been done.

If anything about it is not as you expected, {% if support_contact != "" %}contact {{ support_contact }}{% else %}reply to this message{% endif %} and we will put it right.`,
    sms: 'As promised during "{{ incident }}": {{ promise }} has been done.{% if support_contact != "" %} Questions: {{ support_contact }}.{% endif %}',
    slack: '',
    x: '',
    phone: '',
    phoneQa: [],
    reseller: '',
  },
};
