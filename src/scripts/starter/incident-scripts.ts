import type { StarterScript } from '../starter-library';
import {
  CAUSE, FIX_ETA, FIXED_AT, FOLLOW_UP_BY, IMPACT, NEXT_UPDATE, RESOLVED_AT, SERVICE, STARTED_AT, SUMMARY, SUPPORT_CONTACT, WORKAROUND,
} from './variables';

/** The four phases of an incident, in the order they are usually sent. */

const IF_WORKAROUND = (before: string, after = ''): string => `{% if workaround != "" %}${before}{{ workaround }}${after}{% endif %}`;

export const investigating: StarterScript = {
  key: 'investigating',
  name: 'Investigating: first notice',
  situation: 'investigating',
  description: 'Send at once when something is wrong, even before the cause is known. Says what customers notice and when the next update comes.',
  draft: {
    variables: [SERVICE, IMPACT, STARTED_AT, NEXT_UPDATE, WORKAROUND, SUPPORT_CONTACT],
    emailSubject: 'Investigating: a problem with {{ service }}',
    emailBody: `We know about a problem with {{ service }} and our team is working on it now.

What you may notice: {{ impact }}
It started at {{ started_at }}.

We do not know the cause yet. We will tell you what we find as soon as we know it, and we will not guess before then.
${IF_WORKAROUND('\nWhat you can do meanwhile: ', '\n')}
Our next update will be sent by {{ next_update }}, even if there is nothing new to report.

You do not need to report this problem to us. If it affects you in a way not described here, contact {{ support_contact }}.`,
    sms: '{{ service }} problem since {{ started_at }}: {{ impact }} We are investigating. Next update by {{ next_update }}.',
    slack: `Since {{ started_at }}: {{ impact }}
We do not know the cause yet; the team is working on it now.${IF_WORKAROUND('\nMeanwhile: ')}
*Next update by {{ next_update }}.*`,
    x: 'We are investigating a problem with {{ service }} since {{ started_at }}. {{ impact }} Next update by {{ next_update }}.',
    phone: `- Thank the caller. Confirm that we know about the problem with {{ service }}; it started at {{ started_at }}.
- Say what they may notice: {{ impact }}
- Say the team is working on it now and the cause is not known yet. Do not guess at causes or fix times.
${IF_WORKAROUND('- Offer the workaround: ', '\n')}- Tell them the next update comes by {{ next_update }} on the status page, by email and by SMS for those subscribed.
- If the problem is costing them money or a deadline, take their name, number and what is at stake, and log it for follow-up.`,
    phoneQa: [
      { question: 'When will it be fixed?', answer: 'We do not know yet, and we would rather not guess. The next update is due by {{ next_update }}, and it will come even if there is nothing new.' },
      { question: 'What caused it?', answer: 'The team is still finding out. We will share the cause once we know it.' },
      { question: 'Will I be compensated?', answer: 'I cannot promise anything today. I have noted your details and what this costs you; the impact will be reviewed once service is back and we will contact you.' },
      { question: 'Is there anything I can do meanwhile?', answer: '{% if workaround != "" %}{{ workaround }}{% else %}Not yet. If we find a way around the problem we will say so in the next update.{% endif %}' },
    ],
    reseller: `For our partners: please forward the text below the line to your customers, or use it in your own words. We will send you each update as it goes out.

---

{{ service }} is having a problem that started at {{ started_at }}. {{ impact }}

The provider's team is working on it now. The cause is not known yet. The next update is due by {{ next_update }}.
${IF_WORKAROUND('\nMeanwhile: ', '\n')}`,
  },
};

export const identified: StarterScript = {
  key: 'identified',
  name: 'Identified: cause found, fix under way',
  situation: 'identified',
  description: 'Send when the cause is known. Says what is being done and when service should be back, worded so it can be checked later.',
  draft: {
    variables: [SERVICE, IMPACT, CAUSE, FIX_ETA, NEXT_UPDATE, WORKAROUND, SUPPORT_CONTACT],
    emailSubject: 'Cause found: {{ service }}',
    emailBody: `We have found the cause of the problem with {{ service }}: {{ cause }}.

What you may still notice: {{ impact }}

We are fixing it now and expect service to be back {{ fix_eta }}. If that changes, we will say so in our next update.
${IF_WORKAROUND('\nWhat you can do meanwhile: ', '\n')}
Our next update will be sent by {{ next_update }}.

If this affects you in a way not described here, contact {{ support_contact }}.`,
    sms: '{{ service }}: cause found ({{ cause }}). Fix under way, expected back {{ fix_eta }}. Next update by {{ next_update }}.',
    slack: `Cause: {{ cause }}
Still affected: {{ impact }}
Fix under way; expected back {{ fix_eta }}.${IF_WORKAROUND('\nMeanwhile: ')}
*Next update by {{ next_update }}.*`,
    x: 'Update on {{ service }}: we have found the cause and are fixing it. We expect service back {{ fix_eta }}. Next update by {{ next_update }}.',
    phone: `- Confirm we have found the cause of the problem with {{ service }}: {{ cause }}.
- Say what they may still notice: {{ impact }}
- Say we expect service back {{ fix_eta }}. Say "expect", not "will": it is the team's estimate.
${IF_WORKAROUND('- Offer the workaround: ', '\n')}- Next update by {{ next_update }}.
- Do not name a supplier or a person as being at fault; the problem is ours to own.`,
    phoneQa: [
      { question: 'Are you sure it will be fixed by then?', answer: 'It is our best estimate now that we know the cause. If it changes, the next update by {{ next_update }} will say so.' },
      { question: 'Whose fault was it?', answer: 'It is our responsibility. The cause was {{ cause }}, and once service is back we will explain what we are changing so it does not happen again.' },
      { question: 'Will I be compensated?', answer: 'I have noted your details and what this cost you. The impact will be reviewed after the incident and we will contact you with the outcome.' },
    ],
    reseller: `For our partners: the text below the line is ready to forward to your customers.

---

The cause of the problem with {{ service }} has been found: {{ cause }}. A fix is under way and service is expected back {{ fix_eta }}.

{{ impact }}

The next update is due by {{ next_update }}.`,
  },
};

export const monitoring: StarterScript = {
  key: 'monitoring',
  name: 'Monitoring: fix in place',
  situation: 'monitoring',
  description: 'Send when a fix is in and the team is watching that it holds. Asks customers to report anything still wrong.',
  draft: {
    variables: [SERVICE, FIXED_AT, NEXT_UPDATE, SUPPORT_CONTACT],
    emailSubject: 'Fix in place: {{ service }}',
    emailBody: `A fix for the problem with {{ service }} went in at {{ fixed_at }}, and {{ service }} should be working normally again.

We are watching closely to make sure the fix holds. We will confirm that the incident is over, or tell you if anything changes, by {{ next_update }}.

If {{ service }} still does not work for you, please contact {{ support_contact }} and tell us what you see: it helps us find anything we missed.`,
    sms: '{{ service }}: a fix went in at {{ fixed_at }} and we are watching that it holds. Still seeing problems? Contact {{ support_contact }}. Next update by {{ next_update }}.',
    slack: `Fix went in at {{ fixed_at }}; we are watching that it holds.
Still seeing problems? Contact {{ support_contact }}.
*Next update by {{ next_update }}.*`,
    x: 'A fix for {{ service }} is in place since {{ fixed_at }} and we are watching that it holds. Still seeing problems? Contact us. Next update by {{ next_update }}.',
    phone: `- Tell the caller a fix went in at {{ fixed_at }} and {{ service }} should work normally again.
- Ask whether it works for them now. If not, take the details (what they see, since when, on which device or account) and pass them to the incident lead at once.
- We will confirm the incident is over by {{ next_update }}.`,
    phoneQa: [
      { question: 'Is it fixed for good?', answer: 'The fix is in and we are watching that it holds. We will confirm by {{ next_update }}.' },
      { question: 'It still does not work for me.', answer: 'Thank you for telling us; that is exactly what we need to know. Let me take the details and pass them to the team now.' },
    ],
    reseller: `For our partners: the text below the line is ready to forward to your customers.

---

A fix for the problem with {{ service }} went in at {{ fixed_at }}, and the service should be working normally again. The provider is watching that the fix holds and will confirm by {{ next_update }}.

If you still see problems, please tell us so we can pass them on.`,
  },
};

export const resolved: StarterScript = {
  key: 'resolved',
  name: 'Resolved: service back to normal',
  situation: 'resolved',
  description: 'Send when service is confirmed back to normal. Thanks customers and promises a follow-up by a date.',
  draft: {
    variables: [SERVICE, STARTED_AT, RESOLVED_AT, SUMMARY, FOLLOW_UP_BY, SUPPORT_CONTACT],
    emailSubject: 'Resolved: {{ service }} is back to normal',
    emailBody: `{{ service }} has been working normally since {{ resolved_at }}. The problem started at {{ started_at }}.

What happened: {{ summary }}

We are sorry for the disruption, and thank you for your patience while we fixed it.

By {{ follow_up_by }} we will send you a full account: what happened, how it affected customers, and what we are changing so it does not happen again.

If you are still having trouble, or the problem cost you something we should know about, contact {{ support_contact }}.`,
    sms: '{{ service }} is back to normal since {{ resolved_at }}. Sorry for the disruption. A full account of what happened and what we are changing follows by {{ follow_up_by }}.',
    slack: `Working normally since {{ resolved_at }} (problem began {{ started_at }}).
{{ summary }}
Full follow-up by {{ follow_up_by }}.`,
    x: '{{ service }} is working normally again since {{ resolved_at }}. Sorry for the disruption. A full account of what happened and what we are changing will follow by {{ follow_up_by }}.',
    phone: `- Tell the caller {{ service }} has worked normally since {{ resolved_at }}.
- Apologise for the disruption and thank them for their patience.
- What happened, in short: {{ summary }}
- A full follow-up comes by {{ follow_up_by }}.
- If they are still having trouble, take the details and pass them to the incident lead.
- If they were promised a call-back or compensation during the incident, check it is in the log; do not make new promises.`,
    phoneQa: [
      { question: 'Will it happen again?', answer: 'We are working out what to change so it does not. The follow-up by {{ follow_up_by }} will say exactly what we are doing.' },
      { question: 'What about the compensation I was promised?', answer: 'Let me check your record. Every promise made during the incident is logged, and you will hear from us about it.' },
    ],
    reseller: `For our partners: the text below the line is ready to forward to your customers.

---

{{ service }} has been working normally since {{ resolved_at }}. The problem started at {{ started_at }}.

{{ summary }}

A full account, including what is being changed so it does not happen again, will follow by {{ follow_up_by }}.`,
  },
};
