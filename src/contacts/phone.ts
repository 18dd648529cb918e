import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export type PhoneCheck = { ok: true; e164: string } | { ok: false; reason: string };

/**
 * A phone number as people write it ("(201) 555-0123", "+44 20 7946 0018") in E.164, the one
 * form Twilio takes and addresses are stored and matched in. A number without a country code is
 * read as one of `defaultCountry` (DEFAULT_PHONE_COUNTRY). Numbers that cannot exist in their
 * country's numbering plan, and numbers with an extension (a text cannot dial one), are refused.
 */
export function normalizePhone(raw: string, defaultCountry: string): PhoneCheck {
  const country = isSupportedCountry(defaultCountry) ? (defaultCountry as CountryCode) : undefined;
  const parsed = parsePhoneNumberFromString(raw.trim(), country);
  if (!parsed || !parsed.isValid()) {
    return { ok: false, reason: `"${raw.trim()}" is not a valid phone number${country ? ` (read as ${country} when it has no +country code)` : ''}; write it with its country code, such as +1 201 555 0123` };
  }
  if (parsed.ext) return { ok: false, reason: `"${raw.trim()}" has an extension; text messages need a number without one` };
  return { ok: true, e164: parsed.number };
}
