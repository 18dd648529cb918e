import { addAddress } from '../../../src/contacts/address.repository';
import { createContact } from '../../../src/contacts/contact.repository';
import { optOutAddress } from '../../../src/contacts/opt-out.repository';
import { commitmentInput } from '../../../src/followup/commitment';
import { getCommitment } from '../../../src/followup/commitment.repository';
import { keepPromise, makePromise, remindDuePromises } from '../../../src/followup/commitment.service';
import { publishUpdate } from '../../../src/incidents/publish.service';
import { createTeamMember } from '../../../src/roster/team-member.repository';
import { approve, DEFAULT_SCRIPT_RULES, inForce } from '../../../src/scripts/script.service';
import { ensureStarterLibrary } from '../../../src/scripts/starter-library';
import { openStore, type Store } from '../../../src/store/dialect';
import { seedApprovedScript, SCRIPT_VARIABLES } from '../../../scripts/lib/seed';
import { buildAddress, buildContact, buildTeamMember } from '../../support/factories';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';

const quiet = { warn: () => undefined };
const DUE = Date.UTC(2026, 11, 1, 15);

describe.each(DIALECTS)('%s: promises', (dialect) => {
  let store: TestStore;
  let incidentId: number;
  let ownerId: number;
  const ctx = (now: number) => ({ actor: 'system:promise-reminders', brandName: 'Crier', statusPageUrl: 'https://status.example.com/status', teamSlackChannels: [], now });
  const promise = (overrides: Record<string, unknown> = {}) => makePromise(store.db, incidentId, commitmentInput.parse({
    what: 'A month of fees credited', toName: 'Harbour Resellers', ownerId, dueAt: new Date(DUE).toISOString(), ...overrides,
  }), 'user:1', DUE - 86_400_000);
  /** Deliveries of the reminders written for one promise, as channel:address. */
  const reminders = async (promiseId: number) => {
    const entries = await store.db.selectFrom('audit_log').select('detail').where('action', '=', 'promise.reminded').execute();
    const ids = entries.map((e) => JSON.parse(e.detail) as { promiseId: number; broadcastId: number }).filter((d) => d.promiseId === promiseId).map((d) => d.broadcastId);
    if (ids.length === 0) return [];
    const rows = await store.db.selectFrom('deliveries').select(['channel', 'address']).where('broadcast_id', 'in', ids).execute();
    return rows.map((r) => `${r.channel}:${r.address}`).sort();
  };

  beforeAll(async () => {
    store = await openTestStore(dialect);
    await ensureStarterLibrary(store.db);
    for (const key of ['promise-reminder', 'promise-kept']) {
      const draft = await store.db.selectFrom('script_versions').innerJoin('scripts', 'scripts.id', 'script_versions.script_id').select('script_versions.id').where('scripts.key', '=', key).executeTakeFirstOrThrow();
      await approve(store.db, draft.id, 'user:1', DEFAULT_SCRIPT_RULES);
    }
    ownerId = (await createTeamMember(store.db, buildTeamMember({ name: 'Olive Owner', role: 'owner', email: 'olive@example.com', altEmail: 'olive@home.example.com', phone: '+15555550301', slack: 'U0OLIVE' }))).id;
    const versionId = await seedApprovedScript(store.db);
    incidentId = (await publishUpdate(store.db, {
      incident: { title: 'Card payments failing', impact: 'major', components: [] }, status: 'investigating', scriptVersionId: versionId,
      variables: SCRIPT_VARIABLES, audiences: ['customers'], channels: ['email'],
    }, ctx(DUE - 86_400_000))).incidentId;
  });
  afterAll(async () => { await store.dispose(); });

  it('[P2] when a promise falls due, then its owner is reminded once by email and SMS on their roster addresses, and later runs do not remind again', async () => {
    const p = await promise();
    expect(await remindDuePromises(store.db, ctx(DUE - 1), quiet)).toEqual([]);
    expect(await reminders(p.id)).toEqual([]);
    expect((await remindDuePromises(store.db, ctx(DUE + 1), quiet)).sort()).toEqual(['email', 'sms']);
    expect(await reminders(p.id)).toEqual(['email:olive@example.com', 'email:olive@home.example.com', 'sms:+15555550301']);
    const reminded = await store.db.selectFrom('audit_log').select('detail').where('action', '=', 'promise.reminded').executeTakeFirstOrThrow();
    const rendered = await store.db.selectFrom('deliveries').innerJoin('broadcasts', 'broadcasts.id', 'deliveries.broadcast_id')
      .innerJoin('incident_updates', 'incident_updates.id', 'broadcasts.update_id').select(['incident_updates.rendered', 'incident_updates.internal', 'incident_updates.script_version_id', 'deliveries.state'])
      .where('deliveries.address', '=', '+15555550301').where('broadcasts.id', '=', (JSON.parse(reminded.detail) as { broadcastId: number }).broadcastId).executeTakeFirstOrThrow();
    expect(JSON.parse(rendered.rendered).sms.text).toBe('Due 2026-12-01 15:00 UTC: A month of fees credited to Harbour Resellers (Card payments failing). Mark it kept in the console when done.');
    expect({ internal: rendered.internal, state: rendered.state, version: rendered.script_version_id }).toEqual({ internal: 1, state: 'pending', version: (await inForce(store.db, 'promise-reminder'))?.version.id });
    expect((await getCommitment(store.db, p.id))?.remindedAt).toBe(DUE + 1);
    await remindDuePromises(store.db, ctx(DUE + 60_000), quiet);
    await remindDuePromises(store.db, ctx(DUE + 86_400_000), quiet);
    expect(await reminders(p.id)).toHaveLength(3);
  });

  it('[P2] when the reminder task runs on two instances at once, then each due promise is reminded once', async () => {
    const made = await Promise.all([1, 2, 3, 4].map((n) => promise({ what: `Call back customer ${n}`, dueAt: new Date(DUE + 3_600_000).toISOString() })));
    // A second instance: its own connection pool on Postgres; SQLite has one connection per process.
    const other: Store = dialect === 'postgres' ? openStore({ kind: 'postgres', url: store.location, poolSize: 4 }) : store;
    try {
      const now = DUE + 3_600_000 + 1;
      await Promise.all([store.db, other.db, store.db, other.db].map((db) => remindDuePromises(db, ctx(now), quiet)));
    } finally {
      if (other !== store) await other.close();
    }
    for (const p of made) expect(await reminders(p.id)).toEqual(['email:olive@example.com', 'email:olive@home.example.com', 'sms:+15555550301']);
  });

  it('[P2] when a promise is marked kept before it falls due, then its owner is never reminded, and it cannot be kept twice', async () => {
    const p = await promise({ dueAt: new Date(DUE + 7_200_000).toISOString() });
    await keepPromise(store.db, p.id, false, ctx(DUE));
    await remindDuePromises(store.db, ctx(DUE + 7_200_001), quiet);
    expect(await reminders(p.id)).toEqual([]);
    expect((await getCommitment(store.db, p.id))?.keptAt).toBe(DUE);
    await expect(keepPromise(store.db, p.id, false, ctx(DUE + 1))).rejects.toMatchObject({ code: 'conflict', details: [{ field: 'id' }] });
  });

  it('[P2] when a promise to a contact is kept with "tell them", then the contact gets the approved kept message on the addresses not opted out, without needing a subscription', async () => {
    const contact = await createContact(store.db, buildContact({ kind: 'reseller', name: 'Harbour Resellers Ltd' }));
    await addAddress(store.db, contact.id, buildAddress({ channel: 'email', address: 'ops@harbour.example.com' }));
    await addAddress(store.db, contact.id, buildAddress({ channel: 'sms', address: '+15555550399' }));
    await optOutAddress(store.db, 'sms', '+15555550399', 'STOP', DUE);
    const p = await promise({ contactKey: contact.key, toName: '' });
    expect(p.to).toBe('Harbour Resellers Ltd');
    const { channels } = await keepPromise(store.db, p.id, true, { ...ctx(DUE), actor: 'user:1' });
    expect(channels.sort()).toEqual(['email', 'sms']);
    const sent = await store.db.selectFrom('deliveries').innerJoin('broadcasts', 'broadcasts.id', 'deliveries.broadcast_id').innerJoin('incident_updates', 'incident_updates.id', 'broadcasts.update_id')
      .select(['deliveries.channel', 'deliveries.address', 'deliveries.state', 'deliveries.skip_reason', 'incident_updates.rendered']).where('deliveries.contact_id', '=', contact.id).orderBy('deliveries.channel').execute();
    expect(sent.map((d) => [d.channel, d.address, d.state, d.skip_reason])).toEqual([['email', 'ops@harbour.example.com', 'pending', null], ['sms', '+15555550399', 'skipped', 'opted out']]);
    expect(JSON.parse(sent[0]?.rendered as string).email.subject).toBe('Done: A month of fees credited');
  });

  it('[P2] when a promise names no owner from the roster or an unknown contact, or has no due time, then it is refused naming the field', async () => {
    await expect(promise({ ownerId: 999_999 })).rejects.toMatchObject({ code: 'invalid_input', details: [{ field: 'ownerId' }] });
    await expect(promise({ contactKey: 'nobody-here' })).rejects.toMatchObject({ code: 'invalid_input', details: [{ field: 'contactKey' }] });
    expect(commitmentInput.safeParse({ what: 'Refund', toName: 'Ann', ownerId, dueAt: 'tomorrow' }).error?.issues.map((i) => i.path.join('.'))).toEqual(['dueAt']);
    expect(commitmentInput.safeParse({ what: 'Refund', ownerId, dueAt: '2026-12-01T15:00' }).error?.issues.map((i) => i.path.join('.'))).toEqual(['toName']);
    expect(commitmentInput.parse({ what: 'Refund', toName: 'Ann', ownerId, dueAt: '2026-12-01T15:00' }).dueAt).toBe(DUE);
  });
});
