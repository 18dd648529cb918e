import { MissingVariablesError, renderUpdate, UNSUBSCRIBE_TOKEN } from '../../../src/render';
import { buildRenderInput } from './build-render-input';

describe('renderUpdate', () => {
  it('when every variable is present, then each channel gets its filled text', () => {
    const rendered = renderUpdate(buildRenderInput());
    expect(rendered.email.subject).toBe('Water main break: update');
    expect(rendered.email.text).toContain('We are working on Water main break.\n\nNext update by 14:00.');
    expect(rendered.email.text).toContain(UNSUBSCRIBE_TOKEN);
    expect(rendered.sms).toEqual({
      text: 'Water main break: crews on site. Next update 14:00.',
      segments: 1,
      encoding: 'GSM-7',
    });
    expect(rendered.slack.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Water main break: update', emoji: true },
    });
    expect(rendered.x).toEqual({
      text: 'Water main break: crews on site. Next update 14:00.\n\nhttps://status.example.org/incidents/42',
      weightedLength: 51 + 2 + 23,
    });
  });

  it('[D5] when variables are missing in several channels, then one error names them all', () => {
    const input = buildRenderInput({
      templates: { emailSubject: '{{a}}', emailBody: '{{b}}', sms: '{{title}}', slack: '{{c}} {{a}}', x: '{{d}}', phone: '{{e}}', phoneQa: [{ question: '{{f}}', answer: '{{a}}' }], reseller: '{{g}}' },
    });
    expect(() => renderUpdate(input)).toThrow(MissingVariablesError);
    expect(() => renderUpdate(input)).toThrow('Fill in every variable of the script: a, b, c, d, e, f, g.');
  });

  it('[D5] when a variable holds markup, then each channel escapes it its own way', () => {
    const rendered = renderUpdate(buildRenderInput({ variables: { title: '<script>x</script> & co', eta: '14:00' } }));
    expect(rendered.email.html).toContain('&lt;script&gt;x&lt;/script&gt; &amp; co');
    expect(rendered.email.html).not.toContain('<script>');
    expect(rendered.email.text).toContain('<script>x</script> & co');
    expect(JSON.stringify(rendered.slack.blocks)).toContain('*&lt;script&gt;x&lt;/script&gt; &amp; co*');
    expect(rendered.sms.text.startsWith('<script>x</script> & co')).toBe(true);
    expect(rendered.x.text.startsWith('<script>x</script> & co')).toBe(true);
  });

  it('when the result is stored as JSON, then it round-trips unchanged', () => {
    const rendered = renderUpdate(buildRenderInput());
    expect(JSON.parse(JSON.stringify(rendered))).toEqual(rendered);
  });

  it('when smsMaxSegments is set, then the SMS is cut to it', () => {
    const long = 'Crews on site. '.repeat(30);
    const rendered = renderUpdate(buildRenderInput({ variables: { title: long, eta: '14:00' }, smsMaxSegments: 1 }));
    expect(rendered.sms.segments).toBe(1);
  });
});
