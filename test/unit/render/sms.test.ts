import { isGsm7, renderSms, smsSegments } from '../../../src/render/sms';

const gsm = (n: number): string => 'a'.repeat(n);
// 'ж' is outside GSM-7 and one UTF-16 code unit, so n of them cost exactly n UCS-2 units.
const ucs = (n: number): string => 'ж'.repeat(n);

describe('smsSegments', () => {
  it.each([
    [160, 1, 160],
    [161, 2, 153],
    [306, 2, 153],
    [307, 3, 153],
  ])('[D5] when a GSM-7 text has %i characters, then it takes %i segment(s) of %i', (length, segments, perSegment) => {
    expect(smsSegments(gsm(length))).toEqual({ encoding: 'GSM-7', characters: length, segments, perSegment });
  });

  it.each([
    [70, 1, 70],
    [71, 2, 67],
    [134, 2, 67],
    [135, 3, 67],
  ])('[D5] when a UCS-2 text has %i code units, then it takes %i segment(s) of %i', (length, segments, perSegment) => {
    expect(smsSegments(ucs(length))).toEqual({ encoding: 'UCS-2', characters: length, segments, perSegment });
  });

  it.each([
    ['an emoji', '🚨'],
    ['a curly quote', '’'],
    ['a no-break space', '\u00a0'],
  ])('[D5] when a GSM-7 text gains %s, then the whole message flips to UCS-2', (_name, char) => {
    expect(smsSegments(gsm(100)).segments).toBe(1);
    const info = smsSegments(gsm(100) + char);
    expect(info.encoding).toBe('UCS-2');
    expect(info.segments).toBe(2);
  });

  it('[D5] when a text has extension characters, then each counts as two septets', () => {
    expect(smsSegments('^{}\\[~]|€')).toMatchObject({ encoding: 'GSM-7', characters: 18, segments: 1 });
    expect(smsSegments(gsm(158) + '€').segments).toBe(1);
    expect(smsSegments(gsm(159) + '€')).toMatchObject({ characters: 161, segments: 2 });
  });

  it('[D5] when an escape pair would straddle a part boundary, then it moves whole to the next part', () => {
    // 152 + 2 + 152 = 306 septets: two parts if the pair could split, three since it cannot.
    expect(smsSegments(gsm(152) + '€' + gsm(152))).toMatchObject({ characters: 306, segments: 3 });
    expect(smsSegments(gsm(151) + '€' + gsm(153))).toMatchObject({ characters: 306, segments: 2 });
  });

  it('[D5] when a surrogate pair would straddle a part boundary, then it moves whole to the next part', () => {
    // 66 + 2 + 66 = 134 code units: two parts if the pair could split, three since it cannot.
    expect(smsSegments(ucs(66) + '😀' + ucs(66))).toMatchObject({ characters: 134, segments: 3 });
    expect(smsSegments(ucs(65) + '😀' + ucs(67))).toMatchObject({ characters: 134, segments: 2 });
  });

  it('when the text is empty, then it takes no segments', () => {
    expect(smsSegments('')).toEqual({ encoding: 'GSM-7', characters: 0, segments: 0, perSegment: 160 });
  });

  it('when a text uses GSM-7 accents and line breaks, then it stays GSM-7', () => {
    expect(isGsm7('Émile à Zürich: ñ ß Δ £ ¥ §\n@')).toBe(true);
    expect(isGsm7('ç')).toBe(false);
  });
});

describe('renderSms', () => {
  it('when the text has runs of whitespace, then they are normalised', () => {
    const sms = renderSms('  Water   main\tbreak.\r\n\r\n\r\n\r\nAvoid  Elm St.  ');
    expect(sms.text).toBe('Water main break.\n\nAvoid Elm St.');
    expect(sms.truncated).toBe(false);
  });

  it('when a GSM-7 text exceeds maxSegments, then it is cut at a word with "..." and stays GSM-7', () => {
    const words = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    const sms = renderSms(words, { maxSegments: 1 });
    expect(sms).toMatchObject({ encoding: 'GSM-7', segments: 1, truncated: true });
    expect(sms.text).toMatch(/ word\d+\.\.\.$/);
    expect(sms.characters).toBeLessThanOrEqual(160);
    expect(sms.characters).toBeGreaterThan(150);
  });

  it('when only the cut-off part had a UCS-2 character, then the kept text stays GSM-7', () => {
    const sms = renderSms(`${'Shelter open at school. '.repeat(8)}Bring ID 🚨`, { maxSegments: 2 });
    expect(sms.encoding).toBe('GSM-7');
    expect(sms.text.endsWith('...')).toBe(true);
  });

  it('when a UCS-2 text is too long, then it is cut at a word with "…" within the cap', () => {
    const sms = renderSms('Укрытие открыто в школе номер пять. '.repeat(6), { maxSegments: 2 });
    expect(sms).toMatchObject({ encoding: 'UCS-2', segments: 2, truncated: true });
    expect(sms.text).toMatch(/[^\s.]…$/u);
  });

  it('when the text is longer than maxChars, then it is cut to maxChars', () => {
    const sms = renderSms('abc '.repeat(500));
    expect(sms.text.length).toBeLessThanOrEqual(1600);
    expect(sms.truncated).toBe(true);
  });

  it('when a single word is longer than the cap, then it is cut between characters, not inside an emoji', () => {
    const sms = renderSms('🚨'.repeat(80), { maxSegments: 1 });
    expect(sms.encoding).toBe('UCS-2');
    expect(sms.text).toBe('🚨'.repeat(34) + '…');
  });
});
