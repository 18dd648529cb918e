import { escapeSlack, renderSlack, type SlackBlock } from '../../../src/render/slack';

const sectionTexts = (blocks: SlackBlock[]): string[] =>
  blocks.flatMap((block) => (block.type === 'section' ? [block.text.text] : []));

describe('escapeSlack', () => {
  it('when text has &, < and >, then only those become entities', () => {
    expect(escapeSlack('<!channel> Q&A > "now" *bold*')).toBe('&lt;!channel&gt; Q&amp;A &gt; "now" *bold*');
  });
});

describe('renderSlack', () => {
  it('when an update is rendered, then it has a header, a status line with the link, and the body', () => {
    const { text, blocks } = renderSlack({
      title: 'Water main break',
      body: '*Avoid* Elm St.',
      statusLabel: 'Investigating <now>',
      link: 'https://status.example.org/i/1',
    });
    expect(blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'Water main break', emoji: true } },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: '*Status:* Investigating &lt;now&gt;  ·  <https://status.example.org/i/1|Status page>' },
        ],
      },
      { type: 'section', text: { type: 'mrkdwn', text: '*Avoid* Elm St.' } },
    ]);
    expect(text).toBe('*Water main break*\n*Status:* Investigating &lt;now&gt;\n*Avoid* Elm St.');
  });

  it('when the body is longer than 3000 characters, then it splits at paragraphs into sections of at most 3000', () => {
    const paragraph = 'word '.repeat(400).trim();
    const { text, blocks } = renderSlack({ title: 'T', body: [paragraph, paragraph, paragraph].join('\n\n'), statusLabel: 'S' });
    const sections = sectionTexts(blocks);
    expect(sections.every((section) => section.length <= 3000)).toBe(true);
    expect(sections.join('\n\n')).toBe([paragraph, paragraph, paragraph].join('\n\n'));
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(text.endsWith('…')).toBe(true);
  });

  it('when the body would need more than 50 blocks, then it stops at 50 and the last section ends with "…"', () => {
    const body = Array.from({ length: 80 }, (_, i) => `paragraph ${i} ${'x'.repeat(2900)}`).join('\n\n');
    const { blocks } = renderSlack({ title: 'T', body, statusLabel: 'S' });
    const sections = sectionTexts(blocks);
    expect(blocks).toHaveLength(50);
    expect(sections.every((section) => section.length <= 3000)).toBe(true);
    expect(sections.at(-1)).toMatch(/…$/);
  });

  it('when a title is longer than 150 characters, then the header is cut to 150', () => {
    const { blocks } = renderSlack({ title: 'long '.repeat(40), body: 'b', statusLabel: 'S' });
    const header = blocks[0];
    expect(header?.type).toBe('header');
    expect(header?.type === 'header' && header.text.text.length).toBeLessThanOrEqual(150);
  });

  it('when a link contains a pipe, then it cannot end the URL part of the link', () => {
    const { blocks } = renderSlack({ title: 'T', body: 'b', statusLabel: 'S', link: 'https://s.example/?a=1|2' });
    expect(JSON.stringify(blocks)).toContain('<https://s.example/?a=1%7C2|Status page>');
  });
});
