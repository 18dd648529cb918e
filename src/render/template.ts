import { Liquid, Tag, type TagToken } from 'liquidjs';
import { AppError } from '../errors';

/**
 * Script templates are Liquid, written by owners and run in a sandbox: strict variables and
 * filters (a typo is an error, not an empty string), own properties only (`{{ constructor }}`
 * finds nothing), no file system (include, render and layout refuse to parse), and limits on
 * template size, render time and memory. The template text is trusted once approved; every
 * value printed by `{{ }}` passes through the channel's escape function. Values are data: Liquid
 * in a value is printed, never run.
 */

export type Escape = (s: string) => string;

/** A template used variables that have no value; `names` lists every one, in order of use. */
export class MissingVariablesError extends AppError {
  constructor(readonly names: readonly string[]) {
    super(
      'invalid_input',
      `Fill in every variable of the script: ${names.join(', ')}.`,
      names.map((name) => ({ field: `variables.${name}`, message: 'required by the script' })),
    );
    this.name = 'MissingVariablesError';
  }
}

/** A template that does not parse, or failed while rendering (such as a missing property). */
export class TemplateError extends AppError {
  constructor(readonly reason: string) {
    super('invalid_input', `The script text is not a valid template: ${reason}`);
    this.name = 'TemplateError';
  }
}

const FILE_TAGS = ['include', 'render', 'layout'] as const;

class RefusedTag extends Tag {
  constructor(token: TagToken, remain: unknown[], liquid: Liquid) {
    super(token, remain as never, liquid);
    throw new Error(`{% ${token.name} %} is not allowed in a script`);
  }
  render(): void {
    // Never reached: the constructor refuses the tag while parsing.
  }
}

const identity: Escape = (s) => s;
const engines = new Map<Escape, Liquid>();

function engine(escape: Escape = identity): Liquid {
  let liquid = engines.get(escape);
  if (!liquid) {
    liquid = new Liquid({
      strictVariables: true,
      strictFilters: true,
      ownPropertyOnly: true,
      // Scripts are short; these bound a hostile or mistaken loop.
      parseLimit: 100_000,
      renderLimit: 1_000,
      memoryLimit: 1_000_000,
      root: [],
      partials: [],
      layouts: [],
      outputEscape: (value: unknown) => escape(String(value ?? '')),
    });
    for (const name of FILE_TAGS) liquid.registerTag(name, RefusedTag);
    engines.set(escape, liquid);
  }
  return liquid;
}

function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // Liquid wraps our tag refusal in its own message; keep the part a person can act on.
  return message.replace(/^.*?(\{% \w+ %\} is not allowed in a script)/s, '$1');
}

/** The distinct variables a template reads from outside (not its own assigns), in order of use. */
export function templateVariables(template: string): string[] {
  try {
    return [...new Set(engine().globalVariablesSync(template))];
  } catch (err) {
    throw new TemplateError(reasonOf(err));
  }
}

/** Why the template does not parse, or undefined when it does. */
export function templateProblem(template: string): string | undefined {
  try {
    engine().parse(template);
    return undefined;
  } catch (err) {
    return reasonOf(err);
  }
}

/** The names `templates` use that `variables` does not define, in order of first use. */
export function missingVariables(templates: readonly string[], variables: Record<string, string>): string[] {
  const missing = new Set<string>();
  for (const template of templates) {
    for (const name of templateVariables(template)) if (!Object.hasOwn(variables, name)) missing.add(name);
  }
  return [...missing];
}

/** Renders with every printed value escaped; throws MissingVariablesError or TemplateError. */
export function fillTemplate(template: string, variables: Record<string, string>, escape: Escape = identity): string {
  const missing = missingVariables([template], variables);
  if (missing.length > 0) throw new MissingVariablesError(missing);
  // A null-prototype copy: only the values given are visible, whatever the caller passed.
  const scope: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, variables);
  try {
    return engine(escape).parseAndRenderSync(template, scope);
  } catch (err) {
    throw new TemplateError(reasonOf(err));
  }
}
