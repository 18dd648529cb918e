import { fillTemplate, MissingVariablesError, templateVariables } from '../../../src/render/template';

const plain = (s: string): string => s;

describe('fillTemplate', () => {
  it('when placeholders have whitespace inside the braces, then each is substituted', () => {
    expect(fillTemplate('{{area}}: {{ eta }} / {{\tarea\t}}', { area: 'North', eta: '14:00' }, plain)).toBe(
      'North: 14:00 / North',
    );
  });

  it('[D5] when variables are missing, then the error names every missing one once', () => {
    const fill = (): string => fillTemplate('{{a}} {{ b }} {{c}} {{b}}', { a: 'x' }, plain);
    expect(fill).toThrow(MissingVariablesError);
    expect(fill).toThrow('Missing template variables: b, c');
    try {
      fill();
    } catch (error) {
      expect((error as MissingVariablesError).names).toEqual(['b', 'c']);
    }
  });

  it('when a placeholder names an Object.prototype member, then it is still reported missing', () => {
    expect(() => fillTemplate('{{constructor}}', {}, plain)).toThrow(MissingVariablesError);
  });

  it('when a value is substituted, then it passes through the escape function and the template text does not', () => {
    const shout = (s: string): string => s.toUpperCase();
    expect(fillTemplate('<b>{{x}}</b>', { x: 'a<b' }, shout)).toBe('<b>A<B</b>');
  });

  it('when a value contains replacement patterns, then they stay literal', () => {
    expect(fillTemplate('{{x}}', { x: "$& $1 $' $$" }, plain)).toBe("$& $1 $' $$");
  });

  it('when braces do not hold a name, then the text is left as written', () => {
    expect(fillTemplate('{{ }} {x} {{two words}}', {}, plain)).toBe('{{ }} {x} {{two words}}');
  });
});

describe('templateVariables', () => {
  it('when a template repeats names, then each is listed once in order of first use', () => {
    expect(templateVariables('{{ b }} {{a}} {{b}} {{incident.title}} {{eta-local}}')).toEqual([
      'b',
      'a',
      'incident.title',
      'eta-local',
    ]);
  });
});
