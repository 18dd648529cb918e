/**
 * `{{name}}` placeholders in an approved script. The script's own text is trusted (a person
 * approved it); only the substituted values pass through the channel's escape function.
 */

// Names are identifiers with dots or dashes; anything else between braces stays literal text.
const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;

/** A template used placeholders that have no value; `names` lists every one, in order of use. */
export class MissingVariablesError extends Error {
  constructor(readonly names: readonly string[]) {
    super(`Missing template variables: ${names.join(', ')}`);
    this.name = 'MissingVariablesError';
  }
}

/** The distinct placeholder names a template uses, in order of first use. */
export function templateVariables(template: string): string[] {
  const names = new Set<string>();
  for (const match of template.matchAll(PLACEHOLDER)) names.add(match[1] as string);
  return [...names];
}

/** The names `templates` use that `variables` does not define, in order of first use. */
export function missingVariables(templates: readonly string[], variables: Record<string, string>): string[] {
  const missing = new Set<string>();
  for (const template of templates) {
    // Own properties only, so `{{constructor}}` cannot pick up Object.prototype.
    for (const name of templateVariables(template)) if (!Object.hasOwn(variables, name)) missing.add(name);
  }
  return [...missing];
}

/** Substitutes every placeholder with its escaped value, or throws MissingVariablesError. */
export function fillTemplate(
  template: string,
  variables: Record<string, string>,
  escape: (s: string) => string,
): string {
  const missing = missingVariables([template], variables);
  if (missing.length > 0) throw new MissingVariablesError(missing);
  // A replacer function, not a replacement string, so `$&` or `$1` in a value stays literal.
  return template.replace(PLACEHOLDER, (_match, name: string) => escape(variables[name] as string));
}
