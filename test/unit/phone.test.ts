import { loadConfig } from '../../src/config';
import { normalizePhone } from '../../src/contacts/phone';

describe('normalizePhone', () => {
  it.each([
    ['(201) 555-0123', 'US', '+12015550123'],
    ['201.555.0123', 'US', '+12015550123'],
    ['+1 201 555 0123', 'GB', '+12015550123'],
    ['020 7946 0018', 'GB', '+442079460018'],
    ['+44 (0)20 7946 0018', 'US', '+442079460018'],
  ])('[R1] when %s is read with default country %s, then it is %s', (raw, country, e164) => {
    expect(normalizePhone(raw, country)).toEqual({ ok: true, e164 });
  });

  it.each([
    ['555-12', /^"555-12" is not a valid phone number \(read as US when it has no \+country code\)/],
    ['+1 555 555 0123', /is not a valid phone number/],
    ['call me', /is not a valid phone number/],
    ['(201) 555-0123 x12', /has an extension/],
  ])('[R1] when %s is read, then it is refused: %s', (raw, reason) => {
    const checked = normalizePhone(raw, 'US');
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.reason).toMatch(reason);
  });
});

describe('DEFAULT_PHONE_COUNTRY', () => {
  it('[R1] when it is unset, then it is US; lower case is accepted; an unknown country is refused', () => {
    expect(loadConfig({}).DEFAULT_PHONE_COUNTRY).toBe('US');
    expect(loadConfig({ DEFAULT_PHONE_COUNTRY: 'gb' }).DEFAULT_PHONE_COUNTRY).toBe('GB');
    expect(() => loadConfig({ DEFAULT_PHONE_COUNTRY: 'XX' })).toThrow(/DEFAULT_PHONE_COUNTRY: must be a two-letter country code/);
  });
});
