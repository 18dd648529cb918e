import { escapeHtml } from '../../../src/render/email';
import { fillTemplate, MissingVariablesError, templateProblem, templateVariables, TemplateError } from '../../../src/render/template';

const upper = (s: string): string => s.toUpperCase();

function thrown(fill: () => unknown): unknown {
  try {
    fill();
  } catch (error) {
    return error;
  }
  throw new Error('expected the template to be refused');
}

describe('fillTemplate', () => {
  it('when placeholders have whitespace inside the braces, then each is substituted', () => {
    expect(fillTemplate('{{area}}: {{ eta }} / {{\tarea\t}}', { area: 'North', eta: '14:00' })).toBe('North: 14:00 / North');
  });

  it('[S2] when variables are missing, then one invalid_input error names every missing one once, in order of use', () => {
    const error = thrown(() => fillTemplate('{{a}} {{ b }} {% if c %}{{ d | upcase }}{% endif %} {{b}}', { a: 'x' }));
    expect(error).toBeInstanceOf(MissingVariablesError);
    expect(error).toMatchObject({
      code: 'invalid_input',
      names: ['b', 'c', 'd'],
      message: 'Fill in every variable of the script: b, c, d.',
      details: [
        { field: 'variables.b', message: 'required by the script' },
        { field: 'variables.c', message: 'required by the script' },
        { field: 'variables.d', message: 'required by the script' },
      ],
    });
  });

  it('[S2] when a template reads prototype members, then they are missing, never found', () => {
    expect(thrown(() => fillTemplate('{{ constructor }}', {}))).toMatchObject({ names: ['constructor'] });
    expect(thrown(() => fillTemplate('{{ __proto__ }}', {}))).toMatchObject({ names: ['__proto__'] });
    expect(thrown(() => fillTemplate('{{ a.constructor.name }}', { a: 'x' }))).toBeInstanceOf(TemplateError);
    expect(thrown(() => fillTemplate('{{ a.toString }}', { a: 'x' }))).toBeInstanceOf(TemplateError);
  });

  it.each([
    ['{% include "secrets.txt" %}', '{% include %} is not allowed in a script'],
    ['{% render "/etc/passwd" %}', '{% render %} is not allowed in a script'],
    ['{% layout "base" %}body', '{% layout %} is not allowed in a script'],
    ['{{ area | some_filter }}', 'undefined filter: some_filter'],
  ])('[S2] when a template holds %s, then it does not parse and says why', (template, reason) => {
    expect(templateProblem(template)).toContain(reason);
    expect(thrown(() => fillTemplate(template, { area: 'North' }))).toBeInstanceOf(TemplateError);
  });

  it('[S2] when a template loops without end, then the memory limit stops it', () => {
    expect(thrown(() => fillTemplate('{% for i in (1..100000000) %}xxxxxxxx{% endfor %}', {}))).toBeInstanceOf(TemplateError);
  });

  it('[S2] when a value holds Liquid, prototype names or HTML, then it is printed as text, never run', () => {
    const value = '{{ secret }} {% include "x" %} {{ constructor }} {{ a | some_filter }} <script>alert(1)</script>';
    expect(fillTemplate('Note: {{ note }}', { note: value, secret: 'hidden' })).toBe(`Note: ${value}`);
    expect(fillTemplate('<p>{{ note }}</p>', { note: value }, escapeHtml)).toBe(`<p>${escapeHtml(value)}</p>`);
  });

  it('when a value is printed, then it passes through the escape function and the template text does not', () => {
    expect(fillTemplate('<b>{{x}}</b>', { x: 'a<b' }, upper)).toBe('<b>A<B</b>');
    expect(fillTemplate('{{ x | append: "<" }}', { x: 'a' }, escapeHtml)).toBe('a&lt;');
  });

  it('when a value contains replacement patterns, then they stay literal', () => {
    expect(fillTemplate('{{x}}', { x: "$& $1 $' $$" })).toBe("$& $1 $' $$");
  });

  it('when a template uses conditions and built-in filters on its values, then they work', () => {
    const template = '{% if eta != "" %}Next update by {{ eta }}.{% else %}We will update you within the hour.{% endif %} {{ area | upcase }}';
    expect(fillTemplate(template, { eta: '', area: 'north' })).toBe('We will update you within the hour. NORTH');
    expect(fillTemplate(template, { eta: '14:00', area: 'north' })).toBe('Next update by 14:00. NORTH');
  });
});

describe('templateVariables', () => {
  it('when a template repeats names, then each is listed once in order of first use, without its own assigns', () => {
    expect(templateVariables('{{ b }} {{a}} {{b}} {{incident.title}} {% assign c = "x" %}{{ c }} {{ d | default: e }}')).toEqual([
      'b', 'a', 'incident', 'd', 'e',
    ]);
  });

  it('when a template does not parse, then it says where', () => {
    expect(thrown(() => templateVariables('{{ a }'))).toMatchObject({ code: 'invalid_input', reason: expect.stringContaining('not closed') });
  });
});
