import type { DeskIncident } from '../desk/desk.service';
import { escapeXml } from './twiml';

/**
 * The phone hotline: what a caller hears when the business's own phones are down. It reads the
 * phone script the staff desk shows for each open incident (approved text only, filled in as the
 * desk fills it), or a calm message when nothing is open, then offers to repeat. Drills are not
 * on the desk, so a caller never hears one.
 */

export interface VoiceOptions {
  brand: string;
  /** Where the repeat key posts back: this same webhook. */
  actionPath: string;
}

/** The spoken text of one incident: the desk's first phone script, bullets read as sentences. */
export function spokenScript(incident: DeskIncident): string {
  const phone = incident.scripts.find((s) => s.phone && s.phone.talkingPoints.trim() !== '')?.phone;
  if (!phone) return 'Our team knows about a problem and is working on it. Please check our status page for updates.';
  return phone.talkingPoints.split('\n').map((line) => line.replace(/^\s*[-*•]\s*/, '').trim()).filter(Boolean).join(' ');
}

export function voiceResponse(incidents: DeskIncident[], o: VoiceOptions): string {
  const say = (text: string) => `<Say>${escapeXml(text)}</Say>`;
  const intro = `${o.brand} service status.`;
  const spoken = incidents.length === 0
    ? [say(`${intro} All systems are operating normally. There are no known problems right now.`)]
    : [
      say(`${intro} There ${incidents.length === 1 ? 'is one open incident' : `are ${incidents.length} open incidents`}.`),
      ...incidents.map((incident, i) => say(`${incidents.length > 1 ? `Incident ${i + 1}. ` : ''}Status: ${incident.statusLabel}. ${spokenScript(incident)}`)),
    ];
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Gather numDigits="1" timeout="5" method="POST" action="${escapeXml(o.actionPath)}">${spoken.join('')}${say('To hear this again, press any key.')}</Gather>${say('Thank you for calling. Goodbye.')}</Response>`;
}
