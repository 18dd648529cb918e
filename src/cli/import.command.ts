import { z } from 'zod';
import { AppError } from '../errors';
import { formatOf } from '../import/import-file.service';
import { checkArgs } from './args';
import { print, printJson, type Command } from './command';
import { CliError, EXIT } from './exit';

/** `crier import <file>`: the directory (.json) or contacts spreadsheet (.csv), as `npm run import` does. */
export const importCommand: Command = {
  name: 'import', positional: 'file', summary: 'import contacts: a directory file (.json) or a contacts spreadsheet (.csv)', options: {},
  usage: 'crier import <directory.json | contacts.csv>',
  async run({ positionals }, ctx) {
    const { file } = checkArgs(z.object({ file: z.string({ error: 'is required: a .json directory or .csv spreadsheet' }) }), { file: positionals[0] }, ['file']);
    let text: string;
    try {
      text = ctx.io.readFile(file);
    } catch (err) {
      throw new CliError(EXIT.failed, `<file>: cannot read ${file}: ${(err as Error).message}`);
    }
    const backend = await ctx.backend();
    try {
      const outcome = await backend.importFile({ name: file, text, format: formatOf(file) });
      if (ctx.json) printJson(ctx, outcome);
      else print(ctx, outcome.report);
      return outcome.rejected ? EXIT.failed : EXIT.ok;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      throw new CliError(EXIT.failed, `${file}: ${err.message} Nothing was imported.`, err.details.map((d) => `${d.field}: ${d.message}`));
    }
  },
};
