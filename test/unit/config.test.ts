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

  it('when the script settings are unset, then the SMS limit is 2 segments and the two-person rule is off', () => {
    expect(loadConfig({})).toMatchObject({ SMS_MAX_SEGMENTS: 2, SCRIPTS_TWO_PERSON_RULE: false });
    expect(loadConfig({ SMS_MAX_SEGMENTS: '3', SCRIPTS_TWO_PERSON_RULE: 'true' })).toMatchObject({ SMS_MAX_SEGMENTS: 3, SCRIPTS_TWO_PERSON_RULE: true });
  });

  it('when the script settings are malformed, then each is named', () => {
    const found = problems({ SMS_MAX_SEGMENTS: '0', SCRIPTS_TWO_PERSON_RULE: 'maybe' });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual(['SCRIPTS_TWO_PERSON_RULE', 'SMS_MAX_SEGMENTS']);
  });

  it('when several variables are bad, then every one is reported', () => {
    const found = problems({ PORT: '-1', TWILIO_ACCOUNT_SID: 'nope', EMAIL_FROM: 'not-an-email' });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual(['EMAIL_FROM', 'PORT', 'TWILIO_ACCOUNT_SID']);
  });

  it('when DATABASE_URL is postgres, then the store kind is postgres', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/crier' }).databaseKind).toBe('postgres');
  });
});
