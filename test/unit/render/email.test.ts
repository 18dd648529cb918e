import { escapeHtml, renderEmail, UNSUBSCRIBE_TOKEN, unsubscribeHeaders, type EmailInput } from '../../../src/render/email';

function buildEmailInput(overrides: Partial<EmailInput> = {}): EmailInput {
  return {
    subject: 'Water main break',
    bodyText: 'Crews are on site.\n\nAvoid Elm St.\nUse Oak Ave.',
    statusLabel: 'Identified',
    brandName: 'Springfield Utilities',
    statusPageUrl: 'https://status.example.org/incidents/42',
    ...overrides,
  };
}

describe('escapeHtml', () => {
  it('when text has markup characters, then all five are escaped', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('renderEmail', () => {
  it('[D5] when a value holds HTML, then the html part escapes it and the text part keeps it literal', () => {
    const email = renderEmail(
      buildEmailInput({
        subject: 'Alert <b>now</b>',
        bodyText: 'Note: <script>alert(1)</script>',
        statusLabel: '<i>Identified</i>',
        brandName: 'A&B "Utilities"',
      }),
    );
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.html).toContain('<title>Alert &lt;b&gt;now&lt;/b&gt;</title>');
    expect(email.html).toContain('&lt;i&gt;Identified&lt;/i&gt;');
    expect(email.html).toContain('A&amp;B &quot;Utilities&quot;');
    expect(email.html).not.toMatch(/<script|<b>|<i>/);
    expect(email.text).toContain('Note: <script>alert(1)</script>');
    expect(email.subject).toBe('Alert <b>now</b>');
  });

  it('when the body has blank-line paragraphs, then each becomes a <p> and single breaks become <br>', () => {
    const { html } = renderEmail(buildEmailInput());
    expect(html).toContain('>Crews are on site.</p>');
    expect(html).toContain('>Avoid Elm St.<br>Use Oak Ave.</p>');
  });

  it('when rendered, then both parts carry the unsubscribe token and the status page link', () => {
    const { text, html } = renderEmail(buildEmailInput());
    expect(text).toContain(`Unsubscribe: ${UNSUBSCRIBE_TOKEN}`);
    expect(text).toContain('Status page: https://status.example.org/incidents/42');
    expect(html).toContain(`href="${UNSUBSCRIBE_TOKEN}"`);
    expect(html).toContain('href="https://status.example.org/incidents/42"');
  });

  it('when rendered, then the html is self-contained and marked up for accessibility', () => {
    const { html } = renderEmail(buildEmailInput());
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(html).not.toMatch(/<img|<link|<style|<script|src=/);
    expect(html.match(/<table /g)?.length).toBe(html.match(/role="presentation"/g)?.length);
  });

  it('when the subject has line breaks, then it becomes one line', () => {
    expect(renderEmail(buildEmailInput({ subject: 'A\r\nBcc: x@example.com  ' })).subject).toBe('A Bcc: x@example.com');
  });

  it('when a custom token is given, then it replaces the default in both parts', () => {
    const { text, html } = renderEmail(buildEmailInput({ unsubscribeUrlToken: '%%unsub%%' }));
    expect(text).toContain('Unsubscribe: %%unsub%%');
    expect(html).toContain('href="%%unsub%%"');
    expect(text + html).not.toContain(UNSUBSCRIBE_TOKEN);
  });
});

describe('unsubscribeHeaders', () => {
  it('[D5] when given the recipient URL, then both RFC 8058 one-click headers are present and well formed', () => {
    expect(unsubscribeHeaders('https://crier.example.org/unsubscribe/abc123')).toEqual({
      'List-Unsubscribe': '<https://crier.example.org/unsubscribe/abc123>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });

  it('[D5] when the URL holds characters that would break the header, then they are percent-encoded', () => {
    const headers = unsubscribeHeaders('https://crier.example.org/u/a>b c\r\nBcc: x');
    expect(headers['List-Unsubscribe']).toMatch(/^<https:\/\/crier\.example\.org\/u\/[^<>\s]+>$/);
  });

  it('when the URL is not http(s), then it is refused', () => {
    expect(() => unsubscribeHeaders('javascript:alert(1)')).toThrow(TypeError);
    expect(() => unsubscribeHeaders('not a url')).toThrow(TypeError);
  });
});
