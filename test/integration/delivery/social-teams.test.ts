import { teamsCards } from '../../../src/channels/sandbox/teams.fake';
import { decodePostRef } from '../../../src/channels/bluesky-atproto.provider';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { DIALECTS } from '../../support/stores';

/** [B5] Mastodon, Bluesky and Teams end to end: API → outbox → their own lanes → the fakes. */

const API_TOKEN = 't'.repeat(24);
const RESOLVED = { service: 'Checkout', summary: 'payments work again', next_update: 'none needed' };

async function postUpdate(t: TestCrier, body: object): Promise<{ status: number; json: { broadcastId: number; incidentId: number; deliveries: { channel: string; pending: number }[] } }> {
  const res = await fetch(`${t.crier.url()}/api/updates`, {
    method: 'POST', headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() as never };
}

describe.each(DIALECTS)('[B5] social and Teams lanes on %s', (dialect) => {
  let t: TestCrier;
  afterEach(async () => {
    await t.stop();
  });

  it('[B5] when the API sends an update to Mastodon, Bluesky and Teams and then a follow-up, then each platform gets one post per update, the follow-up replies to the first post, and every Teams subscriber gets a card', async () => {
    t = await startTestCrier(dialect, { recipients: 3, teamsWebhooks: true });
    const first = await postUpdate(t, {
      incident: { title: 'Checkout failing', components: [] }, status: 'investigating', scriptVersionId: t.scriptVersionId,
      variables: { service: 'Checkout', summary: 'payments are failing', next_update: '14:30 UTC' }, audiences: ['customers'], channels: ['mastodon', 'bluesky', 'teams'],
    });
    expect(first.status).toBe(201);
    expect(first.json.deliveries).toEqual(expect.arrayContaining([
      { channel: 'mastodon', pending: 1, skipped: 0 }, { channel: 'bluesky', pending: 1, skipped: 0 }, { channel: 'teams', pending: 3, skipped: 0 },
    ]));
    expect(await t.settled(first.json.broadcastId, 15_000)).toBe(true);
    const second = await postUpdate(t, {
      incidentId: first.json.incidentId, status: 'resolved', scriptVersionId: t.scriptVersionId, variables: RESOLVED, audiences: ['customers'], channels: ['mastodon', 'bluesky', 'teams'],
    });
    expect(second.status).toBe(201);
    expect(await t.settled(second.json.broadcastId, 15_000)).toBe(true);

    expect(await t.states(second.json.broadcastId)).toEqual({ sent: 5 });
    const threads = await t.store.db.selectFrom('incident_threads').select(['channel', 'post_ref']).where('incident_id', '=', first.json.incidentId).orderBy('channel').execute();
    expect(threads.map((r) => r.channel)).toEqual(['bluesky', 'mastodon']);
    const ref = (channel: string) => threads.find((r) => r.channel === channel)?.post_ref;

    const toots = t.sandbox.mastodon.posts();
    expect(toots).toHaveLength(2);
    expect(toots[0]?.replyTo).toBeUndefined();
    expect(toots[0]?.text).toContain('Checkout: payments are failing.');
    expect(toots[0]?.text).toMatch(/\n\nhttp:\/\/127\.0\.0\.1:\d+\/status$/);
    expect(toots[1]).toMatchObject({ replyTo: ref('mastodon'), text: expect.stringContaining('payments work again') });

    const skeets = t.sandbox.bluesky.posts();
    expect(skeets).toHaveLength(2);
    expect(skeets[0]?.reply).toBeUndefined();
    expect(skeets[0]?.facets).toHaveLength(1);
    const root = decodePostRef(ref('bluesky') ?? '');
    expect(skeets[1]?.reply).toEqual({ root, parent: root });

    const cards = teamsCards(t.sandbox.teams);
    expect(cards).toHaveLength(6);
    expect(new Set(cards.map((c) => c.path)).size).toBe(3);
    expect(cards[0]?.texts.slice(0, 2)).toEqual(['Checkout: payments are failing', 'Investigating']);
    const sent = await t.store.db.selectFrom('deliveries').select(['channel', 'provider']).where('broadcast_id', '=', second.json.broadcastId).orderBy('id').execute();
    expect([...new Set(sent.map((d) => `${d.channel}:${d.provider}`))].sort()).toEqual(['bluesky:bluesky-atproto', 'mastodon:mastodon-masto', 'teams:teams-webhook']);
  });

  it('[B5] when a Teams webhook answers 404, then its delivery fails for good, the address is quarantined and the next broadcast skips it', async () => {
    t = await startTestCrier(dialect, { recipients: 2, teamsWebhooks: true });
    await t.sandbox.teams.setFault({ status: 404, body: 'Webhook not found', times: 1 });
    const first = await t.publish({ channels: ['teams'] });
    expect(await t.settled(first.broadcastId, 15_000)).toBe(true);
    const failed = await t.store.db.selectFrom('deliveries').select(['address', 'state', 'error_code']).where('broadcast_id', '=', first.broadcastId).where('state', '=', 'failed').execute();
    expect(failed).toEqual([{ address: expect.stringContaining('.webhook.office.com/'), state: 'failed', error_code: '404' }]);
    const gone = failed[0]?.address ?? '';
    expect((await t.store.db.selectFrom('addresses').select('quarantined_at').where('address', '=', gone).executeTakeFirstOrThrow()).quarantined_at).not.toBeNull();

    const second = await t.publish({ channels: ['teams'], incident: undefined, incidentId: first.incidentId, status: 'resolved', variables: RESOLVED });
    expect(await t.settled(second.broadcastId, 15_000)).toBe(true);
    const rows = await t.store.db.selectFrom('deliveries').select(['address', 'state', 'skip_reason']).where('broadcast_id', '=', second.broadcastId).execute();
    expect(rows.find((r) => r.address === gone)).toEqual({ address: gone, state: 'skipped', skip_reason: 'quarantined' });
    expect(rows.filter((r) => r.state === 'sent')).toHaveLength(1);
  });
});
