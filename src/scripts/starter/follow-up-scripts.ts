import type { StarterScript } from '../starter-library';
import { SERVICE, SUPPORT_CONTACT, v } from './variables';

const INCIDENT_DATE = v('incident_date', 'The day of the incident', 'Tuesday 11 March');
const DURATION = v('duration', 'How long customers were affected, start and end with the time zone', 'from 09:40 to 12:05 UTC');
const WHAT_HAPPENED = v('what_happened', 'What happened and why, in plain words, without blaming anyone', 'An update to our payment system had a fault that our tests did not catch. New orders failed until we reversed the update.');
const CUSTOMER_IMPACT = v('customer_impact', 'Who was affected and how', 'About 400 customers could not place orders. No payments were taken twice and no data was lost.');
const PREVENTION = v('prevention', 'What we are changing so it does not happen again, each with a date', 'By 31 March, every payment update is tried on a copy of the live system first. By 15 April, an alarm tells us within 2 minutes when orders stop.');
const ROOT_CAUSE = v('root_cause', 'The root cause, in plain words; leave empty if "what happened" already says it', 'The update changed how card payments are checked, and the tests did not cover cards issued abroad.', false);
const FIX = v('fix', 'What was done to restore service; leave empty if "what happened" already says it', 'We reversed the update at 12:00 UTC and confirmed orders were flowing again.', false);
const COMMITMENT = v('commitment', 'What we promised, to whom and by when; leave empty if nothing was promised', 'Every affected customer gets a credit of one month of fees on the invoice sent by 30 April.', false);

export const postIncident: StarterScript = {
  key: 'post-incident',
  name: 'Post-incident follow-up',
  situation: 'post-incident',
  description: 'Send within days of the incident: what happened, who was affected, what prevents a repeat, and what was promised, with dates.',
  draft: {
    variables: [SERVICE, INCIDENT_DATE, DURATION, WHAT_HAPPENED, ROOT_CAUSE, FIX, CUSTOMER_IMPACT, PREVENTION, COMMITMENT, SUPPORT_CONTACT],
    emailSubject: 'What happened to {{ service }} on {{ incident_date }}, and what we are changing',
    emailBody: `On {{ incident_date }}, {{ service }} did not work as it should {{ duration }}. We promised a full account, and this is it.

What happened
{{ what_happened }}
{% if root_cause != "" %}
Why it happened
{{ root_cause }}
{% endif %}{% if fix != "" %}
How we fixed it
{{ fix }}
{% endif %}
Who was affected
{{ customer_impact }}

What we are changing so it does not happen again
{{ prevention }}
{% if commitment != "" %}
What we promised
{{ commitment }}
{% endif %}
We will report on each of these changes when it is done. We are sorry for the disruption, and we are grateful to everyone who reported problems and waited while we fixed them.

If you have questions, or the incident cost you something we do not know about yet, contact {{ support_contact }}.`,
    sms: 'Follow-up on the {{ service }} outage of {{ incident_date }}: what happened and what we are changing so it does not happen again is in your email and on our status page.',
    slack: `Affected {{ duration }}.
*What happened:* {{ what_happened }}
*Impact:* {{ customer_impact }}
*Prevention:* {{ prevention }}{% if commitment != "" %}
*Promised:* {{ commitment }}{% endif %}`,
    x: 'We have published our account of the {{ service }} outage on {{ incident_date }}: what happened, who was affected, and what we are changing so it does not happen again.',
    phone: `- The follow-up on the {{ service }} incident of {{ incident_date }} has been sent by email and is on the status page.
- In short: {{ what_happened }}
- What we are changing: {{ prevention }}
{% if commitment != "" %}- What we promised: {{ commitment }}
{% endif %}- If the caller was affected in a way not covered, or was promised something that is not in the log, take the details and pass them to the incident lead.`,
    phoneQa: [
      { question: 'How do I know this will not happen again?', answer: 'Each change has a date, and we will report when each one is done.' },
      { question: 'Where is my credit?', answer: '{% if commitment != "" %}{{ commitment }} {% endif %}If it does not appear by then, call us and we will put it right.' },
    ],
    reseller: `For our partners: the text below the line is ready to forward to your customers.

---

On {{ incident_date }}, {{ service }} was disrupted {{ duration }}.

What happened: {{ what_happened }}

Who was affected: {{ customer_impact }}

What is being changed so it does not happen again: {{ prevention }}{% if commitment != "" %}

What was promised: {{ commitment }}{% endif %}`,
  },
};

const WINDOW_START = v('window_start', 'When the maintenance starts, with the day and time zone', 'Sunday 16 March at 02:00 UTC');
const WINDOW_END = v('window_end', 'When it will be finished at the latest, with the time zone', '04:00 UTC');
const MAINTENANCE_IMPACT = v('maintenance_impact', 'What customers will notice during the window', 'Online ordering will be unavailable; the website stays up.');
const REASON = v('reason', 'Why the work is needed, in one sentence', 'to move ordering to faster, more reliable servers');

export const scheduledMaintenance: StarterScript = {
  key: 'scheduled-maintenance',
  name: 'Scheduled maintenance notice',
  situation: 'maintenance',
  description: 'Send days ahead of planned work: when, what customers will notice, why, and when it will be over.',
  draft: {
    variables: [SERVICE, WINDOW_START, WINDOW_END, MAINTENANCE_IMPACT, REASON, SUPPORT_CONTACT],
    emailSubject: 'Planned maintenance: {{ service }}, {{ window_start }}',
    emailBody: `We will carry out planned maintenance on {{ service }} starting {{ window_start }} and finishing by {{ window_end }}.

What you will notice: {{ maintenance_impact }}

Why: we are doing this work {{ reason }}.

We will post on our status page when the work starts and when it is complete. If it runs past {{ window_end }}, we will tell you, and say when it will be finished.

If the timing is a problem for you, contact {{ support_contact }} before the work starts.`,
    sms: 'Planned maintenance on {{ service }}: {{ window_start }} to {{ window_end }}. {{ maintenance_impact }} We will confirm when it is complete.',
    slack: `*When:* {{ window_start }} to {{ window_end }}
*Impact:* {{ maintenance_impact }}
*Why:* {{ reason }}`,
    x: 'Planned maintenance on {{ service }}: {{ window_start }} to {{ window_end }}. {{ maintenance_impact }} We will confirm here when it is complete.',
    phone: `- Planned maintenance on {{ service }} runs from {{ window_start }} to {{ window_end }}.
- During it: {{ maintenance_impact }}
- Why: {{ reason }}.
- If the timing is a real problem for the caller, take the details and pass them to the owner before the work starts.`,
    phoneQa: [
      { question: 'Can you move it?', answer: 'I will pass your concern on today. The time was chosen to affect as few customers as possible, so I cannot promise a change.' },
      { question: 'What if it runs late?', answer: 'If it runs past {{ window_end }}, we will post on the status page and say when it will be finished.' },
    ],
    reseller: `For our partners: the text below the line is ready to forward to your customers.

---

Planned maintenance on {{ service }} is scheduled from {{ window_start }} to {{ window_end }}. {{ maintenance_impact }}

The work is needed {{ reason }}. Completion will be confirmed on the status page.`,
  },
};
