import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * A throwaway PostgreSQL cluster for `--store postgres` when no DATABASE_URL is given: started with
 * scripts/test-postgres.sh (as CI's is) and stopped when the bench ends.
 */
export interface BenchPostgres {
  url: string;
  stop(): void;
}

export function startThrowawayPostgres(): BenchPostgres {
  const script = path.join(__dirname, '..', 'test-postgres.sh');
  const exports = execFileSync(script, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const value = (name: string) => exports.match(new RegExp(`^export ${name}='?(.+?)'?$`, 'm'))?.[1];
  const url = value('TEST_DATABASE_URL');
  const stopCommand = value('CRIER_TEST_PG_STOP');
  if (!url || !stopCommand) throw new Error(`scripts/test-postgres.sh printed no URL:\n${exports}`);
  const [bin, ...args] = stopCommand.split(' ') as [string, ...string[]];
  return {
    url,
    stop() {
      // The cluster belongs to the postgres user, as the script made it.
      const asPostgres = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] as const : [bin, args] as const;
      execFileSync(asPostgres[0], [...asPostgres[1]], { stdio: 'ignore' });
    },
  };
}
