import fs from 'node:fs';
import path from 'node:path';
import { ROOT, spawnInRepo } from '../../support/process';

/** The strict compiler settings and the lint rules are part of the contract, so CI runs them. */
describe('static checks', () => {
  it.each([['typecheck'], ['lint']])('[F2] when npm run %s runs on the whole tree, then it passes with no findings', async (script) => {
    const run = spawnInRepo('npm', ['run', '--silent', script], {});
    const code = await run.exited;
    expect({ code, output: code === 0 ? '' : run.output() }).toEqual({ code: 0, output: '' });
  }, 180_000);

  it('[F2] when the compiler settings are read, then strict mode and unchecked-index safety are on', () => {
    const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    expect(tsconfig.compilerOptions).toMatchObject({ strict: true, noUncheckedIndexedAccess: true, noImplicitOverride: true });
  });
});
