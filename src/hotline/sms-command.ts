/**
 * The texts an owner or comms member sends Crier's number when nothing else works:
 *
 *   OUTAGE <PIN> [component]     opens an incident with the approved investigating notice
 *   RESOLVED <PIN> [component]   posts the approved resolved notice to the open incident
 *
 * Words are separated by spaces; the verb is any case, the PIN 4 to 12 digits, the component its
 * key. Anything else that does not start with OUTAGE or RESOLVED is not a command, so consent
 * keywords (STOP, START, HELP, YES) and ordinary replies never reach the trigger.
 */

export const COMMAND_VERBS = ['OUTAGE', 'RESOLVED'] as const;
export type CommandVerb = (typeof COMMAND_VERBS)[number];

export const PIN_PATTERN = /^\d{4,12}$/;
export const USAGE = 'Text OUTAGE <PIN> <component>, or RESOLVED <PIN> <component>; the component is optional.';

export type SmsCommand =
  | { ok: true; verb: CommandVerb; pin: string; component?: string }
  | { ok: false; verb: CommandVerb; problem: string; pin?: string };

/** The command in a text, or null when the text is not a command at all. */
export function parseSmsCommand(body: string): SmsCommand | null {
  const words = body.trim().split(/\s+/);
  const verb = (words[0] ?? '').toUpperCase();
  if (!(COMMAND_VERBS as readonly string[]).includes(verb)) return null;
  const v = verb as CommandVerb;
  const [, pin, component, ...rest] = words;
  if (pin === undefined || !PIN_PATTERN.test(pin)) return { ok: false, verb: v, problem: 'the PIN is missing or not 4 to 12 digits' };
  if (rest.length > 0) return { ok: false, verb: v, pin, problem: 'there are words after the component' };
  return component === undefined ? { ok: true, verb: v, pin } : { ok: true, verb: v, pin, component: component.toLowerCase() };
}
