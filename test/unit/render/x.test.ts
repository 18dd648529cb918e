import { renderXPost, xWeightedLength } from '../../../src/render/x';

const LONG_URL = `https://status.example.org/incidents/2024-flood/${'very-long-path/'.repeat(8)}`;

describe('xWeightedLength', () => {
  it('[D5] when a post has a URL and an emoji, then the URL weighs 23 whatever its length and the emoji 2', () => {
    expect(LONG_URL.length).toBeGreaterThan(100);
    expect(xWeightedLength(`Update ${LONG_URL} 🚨`)).toBe('Update '.length + 23 + 1 + 2);
    expect(xWeightedLength(`Update https://x.co 🚨`)).toBe('Update '.length + 23 + 1 + 2);
  });

  it('when a post has CJK text, then each character weighs 2', () => {
    expect(xWeightedLength('避難所')).toBe(6);
  });
});

describe('renderXPost', () => {
  it('when the text and link fit, then the link follows on its own line', () => {
    const post = renderXPost('Roads reopened.', { link: 'https://status.example.org' });
    expect(post).toEqual({
      text: 'Roads reopened.\n\nhttps://status.example.org',
      weightedLength: 15 + 2 + 23,
      truncated: false,
    });
  });

  it('[D5] when the text is too long, then it is cut at a word with "…" and the whole post stays <= 280', () => {
    const text = 'Evacuation order for zones 3 and 4 🚨 '.repeat(12);
    const post = renderXPost(text, { link: LONG_URL });
    expect(post.truncated).toBe(true);
    expect(post.weightedLength).toBeLessThanOrEqual(280);
    expect(post.weightedLength).toBeGreaterThan(270);
    expect(post.weightedLength).toBe(xWeightedLength(post.text));
    expect(post.text.endsWith(`…\n\n${LONG_URL}`)).toBe(true);
    expect(post.text).toMatch(/\S…\n/u);
  });

  it('[D5] when CJK text without spaces is too long, then it is cut between characters and stays <= 280', () => {
    const post = renderXPost('避難所は市役所です。'.repeat(30));
    expect(post.truncated).toBe(true);
    expect(post.weightedLength).toBeLessThanOrEqual(280);
    expect(post.weightedLength).toBeGreaterThanOrEqual(279);
    expect(post.text.endsWith('…')).toBe(true);
  });

  it('when the text contains a URL, then truncation never cuts inside it', () => {
    const post = renderXPost(`See ${LONG_URL} ${'for shelter details '.repeat(20)}`);
    expect(post.text.startsWith(`See ${LONG_URL} for`)).toBe(true);
    expect(post.weightedLength).toBeLessThanOrEqual(280);
  });
});
