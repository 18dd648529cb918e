import { ConfigError, loadConfig } from '../../src/config';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  it('[F4] when the environment is empty, then it runs on the embedded SQLite default', () => {
    const config = loadConfig({});
    expect(config.databaseKind).toBe('sqlite');
    expect(config.sqliteFile).toBe('./data/crier.db');
    expect(config.PORT).toBe(8080);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('[F4] when DATABASE_URL is malformed, then the problem names DATABASE_URL and the expected form', () => {
    const [problem] = problems({ DATABASE_URL: 'mysql://nope' });
    expect(problem).toMatch(/^DATABASE_URL: must be postgres:\/\/user:pass@host:port\/db or sqlite:<file path>/);
  });

  it('[F4] when PORT is not a number, then the problem names PORT', () => {
    expect(problems({ PORT: 'eighty' })[0]).toMatch(/^PORT: must be a whole number/);
  });

  it('[F4] when LOG_LEVEL is unknown, then the problem names LOG_LEVEL and lists the levels', () => {
    expect(problems({ LOG_LEVEL: 'loud' })[0]).toMatch(/^LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent/);
  });

  it('when several variables are bad, then every one is reported', () => {
    const found = problems({ PORT: '-1', TWILIO_ACCOUNT_SID: 'nope', EMAIL_FROM: 'not-an-email' });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual(['EMAIL_FROM', 'PORT', 'TWILIO_ACCOUNT_SID']);
  });

  it('when DATABASE_URL is postgres, then the store kind is postgres', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/crier' }).databaseKind).toBe('postgres');
  });
});
