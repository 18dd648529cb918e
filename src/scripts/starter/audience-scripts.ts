import type { StarterScript } from '../starter-library';
import { IMPACT, NEXT_UPDATE, SERVICE, STARTED_AT, v } from './variables';

const FAILURE = v('failure', 'What is failing, as the monitor or the first report saw it', 'Checkout API returning errors for 30% of requests');
const DETECTED_BY = v('detected_by', 'Who or what noticed it', 'the uptime monitor');
const INCIDENT_LEAD = v('incident_lead', 'Who leads the response and decides what is said', 'Sam Lee');
const BRIDGE = v('bridge', 'Where the responders meet: call link or channel', 'https://meet.example.com/incident');
const FIRST_NOTICE_BY = v('first_notice_by', 'When the first customer notice goes out, with the time zone', '09:55 UTC');

/**
 * The internal alert reaches the team only: it has no X post, no reseller note and no phone
 * talking points, so those channels are not offered for it.
 */
export const internalTeamAlert: StarterScript = {
  key: 'internal-team-alert',
  name: 'Internal team alert',
  situation: 'internal',
  description: 'For the team only: what is failing, who leads, where to meet, and when customers hear from us. Not offered on X or to resellers.',
  draft: {
    variables: [FAILURE, STARTED_AT, DETECTED_BY, INCIDENT_LEAD, BRIDGE, FIRST_NOTICE_BY],
    emailSubject: 'Incident: {{ failure }}',
    emailBody: `{{ failure }}. Started at {{ started_at }}; noticed by {{ detected_by }}.

Incident lead: {{ incident_lead }}. Join at {{ bridge }}.

The first customer notice goes out by {{ first_notice_by }}. Until then, and after, answer customers only with the approved script for this incident; if a question is not covered, pass it to {{ incident_lead }} rather than guessing.

Responders: say in the incident channel what you are checking, so work is not done twice.`,
    sms: 'INCIDENT: {{ failure }} since {{ started_at }}. Lead: {{ incident_lead }}. Join {{ bridge }}. Customer notice by {{ first_notice_by }}.',
    slack: `:rotating_light: Since {{ started_at }}, noticed by {{ detected_by }}.
Lead: *{{ incident_lead }}* - join {{ bridge }}
First customer notice by {{ first_notice_by }}. Answer customers only with the approved script; pass anything else to the lead.`,
    x: '',
    phone: '',
    phoneQa: [],
    reseller: '',
  },
};

const ACCOUNT_MANAGER = v('account_manager', 'Who partners can call with questions, with a direct number or address', 'Alex Kim, 0800 123 457');

export const resellerBriefing: StarterScript = {
  key: 'reseller-briefing',
  name: 'Reseller briefing',
  situation: 'reseller',
  description: 'For partners who resell the service: what is happening, what to tell their customers, and who to call. Not posted on X.',
  draft: {
    variables: [SERVICE, IMPACT, STARTED_AT, NEXT_UPDATE, ACCOUNT_MANAGER],
    emailSubject: 'Partner briefing: {{ service }} problem',
    emailBody: `We are writing to you before your customers call you.

{{ service }} has had a problem since {{ started_at }}. What your customers may notice: {{ impact }}

Our team is working on it. We will brief you again by {{ next_update }}, and every time there is news, before or at the same time as we post publicly.

Below is a note you can forward to your customers as it is, or use in your own words. It says only what we know for sure.

If you need anything else, call {{ account_manager }} directly.`,
    sms: 'Partner briefing: {{ service }} problem since {{ started_at }}. Forwardable note in your email. Next briefing by {{ next_update }}. Questions: {{ account_manager }}.',
    slack: `Since {{ started_at }}: {{ impact }}
A forwardable note for your customers is in your email.
Next briefing by {{ next_update }}. Questions: {{ account_manager }}`,
    x: '',
    phone: `- This is for calls from partners (resellers), not end customers.
- Confirm the problem with {{ service }} since {{ started_at }}: {{ impact }}
- Tell them a forwardable note for their customers is in their email, and the next briefing comes by {{ next_update }}.
- Put any partner who is losing business through to {{ account_manager }}.`,
    phoneQa: [
      { question: 'What should I tell my customers?', answer: 'Use the forwardable note in your email; it says only what we know for sure. We will send a new one with each update.' },
      { question: 'Will my customers get a credit?', answer: 'That will be decided once service is back. {{ account_manager }} will contact you with the outcome for each of your affected customers.' },
    ],
    reseller: `{{ service }} is having a problem that started at {{ started_at }}. {{ impact }}

The provider's team is working on it, and we are following it closely for you. The next update is due by {{ next_update }}, and we will pass it on as soon as we have it.`,
  },
};
