import { tokenCommand, userCommand } from './account.command';
import type { Command } from './command';
import { importCommand } from './import.command';
import { incidentsCommand, scriptsCommand } from './list.command';
import { resolveCommand, sendCommand, updateCommand } from './publish.command';

/** Every `crier` command, in the order help lists them. */
export const COMMANDS: readonly Command[] = [sendCommand, updateCommand, resolveCommand, scriptsCommand, incidentsCommand, importCommand, userCommand, tokenCommand];
