import { listAudit } from '../../../src/audit/audit.repository';
import { approve, checkVersion, DEFAULT_SCRIPT_RULES, listLibrary, saveDraft } from '../../../src/scripts/script.service';
import { offeredChannels, SCRIPT_CHANNELS } from '../../../src/scripts/script-checks';
import { deleteScript, getScriptByKey } from '../../../src/scripts/script.repository';
import { ensureStarterLibrary, STARTER_AUTHOR, STARTER_LIBRARY } from '../../../src/scripts/starter-library';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { buildDraft } from '../../support/factories';
import { DIALECTS } from '../../support/stores';

const STARTER_KEYS = STARTER_LIBRARY.map((s) => s.key);
const TOKEN = 't'.repeat(24);

describe.each(DIALECTS)('%s: starter library on a fresh install', (dialect) => {
  let t: TestCrier;
  beforeAll(async () => { t = await startTestCrier(dialect, { recipients: 1 }); });
  afterAll(async () => { await t.stop(); });

  const mustGetScript = async (key: string) => {
    const script = await getScriptByKey(t.store.db, key);
    if (!script) throw new Error(`no script ${key}`);
    return script;
  };

  it('[S4] when Crier starts on a fresh database, then every starter script is there as a draft that passes its own checks', async () => {
    const library = await listLibrary(t.store.db);
    const starters = library.filter((e) => STARTER_KEYS.includes(e.script.key));
    expect(starters.map((e) => e.script.key).sort()).toEqual([...STARTER_KEYS].sort());
    expect(STARTER_KEYS).toEqual([
      'investigating', 'identified', 'monitoring', 'resolved', 'post-incident', 'scheduled-maintenance', 'internal-team-alert', 'reseller-briefing',
      'promise-reminder', 'promise-kept',
    ]);
    for (const { script, draft, inForce } of starters) {
      expect({ key: script.key, inForce, author: draft?.author, state: draft?.state }).toEqual({ key: script.key, inForce: null, author: STARTER_AUTHOR, state: 'draft' });
      if (!draft) throw new Error(`${script.key} has no draft`);
      const check = checkVersion(draft, DEFAULT_SCRIPT_RULES);
      expect({ key: script.key, problems: check.problems }).toEqual({ key: script.key, problems: [] });
      expect(check.sms?.segments ?? 0).toBeLessThanOrEqual(2);
      expect(check.x?.weightedLength ?? 0).toBeLessThanOrEqual(280);
    }
  });

  it('[S4] when a person approves each starter draft under the two-person rule, then each goes into force', async () => {
    for (const key of STARTER_KEYS) {
      const draft = (await listLibrary(t.store.db)).find((e) => e.script.key === key)?.draft;
      if (!draft) throw new Error(`${key} has no draft`);
      const review = await approve(t.store.db, draft.id, 'user:owner', { ...DEFAULT_SCRIPT_RULES, twoPersonRule: true });
      expect({ key, state: review.version.state }).toEqual({ key, state: 'approved' });
    }
  });

  it('[S4] when start-up runs again, then nothing is added twice and a deleted starter script stays deleted', async () => {
    const before = await listLibrary(t.store.db);
    await expect(ensureStarterLibrary(t.store.db)).resolves.toEqual([]);
    const monitoring = await mustGetScript('monitoring');
    await t.store.db.deleteFrom('script_versions').where('script_id', '=', monitoring.id).execute();
    await deleteScript(t.store.db, monitoring.id);
    await expect(ensureStarterLibrary(t.store.db)).resolves.toEqual([]);
    const after = await listLibrary(t.store.db);
    expect(after.map((e) => e.script.key)).toEqual(before.map((e) => e.script.key).filter((k) => k !== 'monitoring'));
    expect(await listAudit(t.store.db, { action: 'script.starter-library-seeded' })).toHaveLength(1);
  });

  it('[S1] when POST /api/updates names a draft version, then the API answers 409 conflict', async () => {
    const script = await mustGetScript('identified');
    const draft = await saveDraft(t.store.db, script.id, buildDraft(), 'user:writer');
    const response = await fetch(`${t.crier.url()}/api/updates`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({
        incident: { title: 'Ordering down' }, status: 'investigating', scriptVersionId: draft.id,
        variables: { service: 'Online ordering', next_update: '10:30 UTC' }, audiences: ['customers'], channels: ['email'],
      }),
    });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: { code: 'conflict', message: 'Version 2 of script "Identified: cause found, fix under way" is draft; only an approved version can be broadcast.' } });
  });
});

describe('starter library content', () => {
  const byKey = (key: string) => {
    const starter = STARTER_LIBRARY.find((s) => s.key === key);
    if (!starter) throw new Error(`no starter script ${key}`);
    return starter;
  };

  // Teams cards carry the email text, so every script with an email offers Teams; no social post is offered.
  it('[S4] when the internal team alert is read, then it offers only the team channels (and Teams, which reuses the email)', () => {
    expect(offeredChannels(byKey('internal-team-alert').draft)).toEqual(['email', 'sms', 'slack', 'teams']);
    expect(offeredChannels(byKey('reseller-briefing').draft)).toEqual(['email', 'sms', 'slack', 'phone', 'reseller', 'teams']);
    // A promise's reminder and its kept message are one-to-one: email and SMS (and Teams, from the email).
    expect(offeredChannels(byKey('promise-reminder').draft)).toEqual(['email', 'sms', 'teams']);
    expect(offeredChannels(byKey('promise-kept').draft)).toEqual(['email', 'sms', 'teams']);
    for (const key of STARTER_KEYS.filter((k) => !['internal-team-alert', 'reseller-briefing', 'promise-reminder', 'promise-kept'].includes(k))) {
      expect({ key, offered: offeredChannels(byKey(key).draft) }).toEqual({ key, offered: [...SCRIPT_CHANNELS] });
    }
  });

  it.each(['investigating', 'identified', 'monitoring'])('[S4] when the %s script is read, then every channel says when the next update comes', (key) => {
    const d = byKey(key).draft;
    for (const text of [d.emailBody, d.sms, d.slack, d.x, d.phone, d.reseller]) expect(text).toContain('{{ next_update }}');
  });

  it('[S4] when the resolved script is read, then every channel promises the follow-up by a date', () => {
    const d = byKey('resolved').draft;
    for (const text of [d.emailBody, d.sms, d.slack, d.x, d.phone, d.reseller]) expect(text).toContain('{{ follow_up_by }}');
  });
});
