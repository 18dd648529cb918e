import { renderUpdate } from '../../../src/render';
import { blueskyLength, BLUESKY_MAX_GRAPHEMES, mastodonLength, MASTODON_DEFAULT_MAX_CHARACTERS, renderSocialPost } from '../../../src/render/social';
import { checkTexts } from '../../../src/scripts/script-checks';
import { buildRenderInput } from './build-render-input';

const LONG_URL = `https://status.example.org/incidents/2024-flood/${'very-long-path/'.repeat(8)}`;
const LINK = 'https://status.example.org/incidents/42';

describe('[B5] Mastodon and Bluesky lengths', () => {
  it('[B5] when a post has a long URL and a skin-toned emoji, then Mastodon counts the URL as 23 and the emoji as one grapheme', () => {
    expect(mastodonLength(`Update ${LONG_URL} 👍🏽`)).toBe('Update '.length + 23 + 1 + 1);
  });

  it('[B5] when a post has a long URL and a skin-toned emoji, then Bluesky counts every grapheme, the whole URL included', () => {
    expect(blueskyLength(`Update ${LONG_URL} 👍🏽`)).toBe('Update '.length + LONG_URL.length + 1 + 1);
  });

  it('[B5] when the text is too long for Bluesky, then it is cut at a word with "…", the link kept whole and the post at most 300 graphemes', () => {
    const post = renderSocialPost('Evacuation order for zones 3 and 4 🚨 '.repeat(12), { link: LONG_URL, measure: blueskyLength, max: BLUESKY_MAX_GRAPHEMES });
    expect(post.length).toBeLessThanOrEqual(BLUESKY_MAX_GRAPHEMES);
    expect(post.length).toBe(blueskyLength(post.text));
    expect(post.text.endsWith(`…\n\n${LONG_URL}`)).toBe(true);
  });

  it('[B5] when an update is rendered, then Mastodon and Bluesky get the X text with the status link on its own line, and Teams a card of the email text', () => {
    const r = renderUpdate(buildRenderInput());
    const expected = `Water main break: crews on site. Next update 14:00.\n\n${LINK}`;
    expect(r.mastodon).toEqual({ text: expected, length: mastodonLength(expected) });
    expect(r.bluesky).toEqual({ text: expected, length: blueskyLength(expected) });
    expect(r.teams.text).toBe(`Water main break: update\n\nIdentified\n\nWe are working on Water main break.\n\nNext update by 14:00.\n\n${LINK}`);
    expect(JSON.stringify(r.teams.card)).toContain(`"url":"${LINK}"`);
  });
});

describe('[B5] social limits in the script checks', () => {
  const texts = buildRenderInput().templates;
  const values = { title: 'Water main break', eta: '14:00' };
  const options = { smsMaxSegments: 10, statusPageUrl: LINK };

  it('[B5] when the X text fits X but not Bluesky (a long status link counts in full), then the check names the x field with the Bluesky count', () => {
    const long = { ...texts, x: `${'Crews are on site and working. '.repeat(7)}{{title}}` };
    const statusPageUrl = `${LINK}/${'a'.repeat(60)}`;
    const check = checkTexts(long, values, { ...options, statusPageUrl });
    expect(check.x?.weightedLength).toBeLessThanOrEqual(280);
    expect(check.bluesky?.length).toBeGreaterThan(BLUESKY_MAX_GRAPHEMES);
    expect(check.problems).toEqual([{ field: 'x', message: expect.stringMatching(/^as a Bluesky post with its status page link it is \d+ graphemes; Bluesky allows 300$/) }]);
  });

  it('[B5] when only the channels it fits are wanted, then the same text passes', () => {
    const long = { ...texts, x: `${'Crews are on site and working. '.repeat(7)}{{title}}` };
    const check = checkTexts(long, values, { ...options, statusPageUrl: `${LINK}/${'a'.repeat(60)}`, channels: ['x', 'mastodon'] });
    expect(check.problems).toEqual([]);
    expect(check.mastodon?.max).toBe(MASTODON_DEFAULT_MAX_CHARACTERS);
  });

  it('[B5] when a script has no X text, then Mastodon and Bluesky are not offered and asking for them names the channel', () => {
    const check = checkTexts({ ...texts, x: '' }, values, { ...options, channels: ['mastodon', 'bluesky'] });
    expect(check.offered).not.toContain('mastodon');
    expect(check.problems.map((p) => p.message)).toEqual(['this script has no Mastodon post (the X text)', 'this script has no Bluesky post (the X text)']);
  });

  it('[B5] when a script has an email, then Teams is offered; without one it is not', () => {
    expect(checkTexts(texts, values, options).offered).toContain('teams');
    expect(checkTexts({ ...texts, emailBody: '', emailSubject: '' }, values, options).offered).not.toContain('teams');
  });
});
