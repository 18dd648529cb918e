import { sendgridRecipients } from '../../../src/channels/sandbox/sendgrid.fake';
import { createComponent } from '../../../src/components/component.repository';
import { getReview } from '../../../src/followup/review.repository';
import { publishReview, saveReview } from '../../../src/followup/review.service';
import { approve, createScript, DEFAULT_SCRIPT_RULES, inForce, retire } from '../../../src/scripts/script.service';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { buildDraft } from '../../support/factories';
import { DIALECTS } from '../../support/stores';

const REVIEW = {
  whatHappened: 'Card payments failed for two hours after a release.',
  rootCause: 'The release changed how card numbers from abroad are checked.',
  fix: 'We reversed the release and re-ran the failed orders.',
  prevention: 'Every payment release now runs against cards from twelve countries first.',
  lessons: 'Alerts on failed payments, not only on errors.',
};
const EXTRA = { customer_impact: 'About 400 customers could not pay.', support_contact: 'support@example.com' };

describe.each(DIALECTS)('%s: post-incident review', (dialect) => {
  let t: TestCrier;
  let incidentId: number;
  let followUpVersion: number;
  const ctx = () => ({ actor: 'user:1', brandName: 'Crier', statusPageUrl: `${t.crier.url()}/status`, teamSlackChannels: [], now: Date.now() });
  const broadcasts = async () => Number((await t.store.db.selectFrom('broadcasts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    t = await startTestCrier(dialect, { recipients: 4 });
    await createComponent(t.store.db, { key: 'checkout', name: 'Checkout' });
    const starter = await t.store.db.selectFrom('script_versions').innerJoin('scripts', 'scripts.id', 'script_versions.script_id')
      .select('script_versions.id').where('scripts.key', '=', 'post-incident').executeTakeFirstOrThrow();
    await approve(t.store.db, starter.id, 'user:1', DEFAULT_SCRIPT_RULES);
    followUpVersion = (await inForce(t.store.db, 'post-incident'))?.version.id as number;
    const opened = await t.publish({ incident: { title: 'Card payments failing', impact: 'major', components: ['checkout'] }, channels: ['email', 'sms'], audiences: ['customers'] });
    incidentId = opened.incidentId;
    await t.publish({ incident: undefined, incidentId, status: 'resolved', channels: ['email', 'sms'], audiences: ['customers'] });
    await t.settled(opened.broadcastId, 10_000);
  });
  afterAll(async () => { await t?.stop(); });

  it('[P1] when the follow-up script chosen is a draft or a retired version, then publishing is refused naming the script version and nothing is published', async () => {
    await saveReview(t.store.db, incidentId, REVIEW, 'user:1', Date.now());
    const { draft } = await createScript(t.store.db, { key: 'follow-up-draft', name: 'Follow-up draft', situation: 'post-incident' }, 'user:2', buildDraft());
    const { draft: toRetire } = await createScript(t.store.db, { key: 'follow-up-old', name: 'Old follow-up', situation: 'post-incident' }, 'user:2', buildDraft());
    await approve(t.store.db, toRetire?.id as number, 'user:1', DEFAULT_SCRIPT_RULES);
    await retire(t.store.db, toRetire?.id as number, 'user:1');
    const before = await broadcasts();
    for (const [id, state] of [[draft?.id, 'draft'], [toRetire?.id, 'retired']] as const) {
      await expect(publishReview(t.store.db, incidentId, { scriptVersionId: id as number, variables: EXTRA }, ctx())).rejects.toMatchObject({
        code: 'conflict', details: [{ field: 'scriptVersionId', message: `version is ${state}, not approved` }],
      });
    }
    expect(await broadcasts()).toBe(before);
    expect((await getReview(t.store.db, incidentId))?.publishedAt).toBeNull();
    const page = await (await fetch(`${t.crier.url()}/status`)).text();
    expect(page).not.toContain('Post-incident review');
  });

  it('[P1] when a review of a resolved incident is published, then it is on the status page, in the feed and status.json, and its follow-up reaches the incident\'s audiences through the approved script', async () => {
    const result = await publishReview(t.store.db, incidentId, { scriptVersionId: followUpVersion, variables: EXTRA }, ctx());
    t.crier.dispatcher.wake(['email', 'sms']);
    // The audiences and channels the incident's updates used.
    const broadcast = await t.store.db.selectFrom('broadcasts').innerJoin('incident_updates', 'incident_updates.id', 'broadcasts.update_id')
      .select(['broadcasts.audiences', 'broadcasts.channels', 'incident_updates.script_version_id']).where('broadcasts.id', '=', result.broadcastId).executeTakeFirstOrThrow();
    expect({ audiences: JSON.parse(broadcast.audiences), channels: JSON.parse(broadcast.channels), version: broadcast.script_version_id })
      .toEqual({ audiences: ['customers'], channels: ['email', 'sms'], version: followUpVersion });
    expect(await t.settled(result.broadcastId, 10_000)).toBe(true);
    expect(await t.states(result.broadcastId)).toEqual({ sent: 8 });

    const mails = sendgridRecipients(t.sandbox.sendgrid).filter((m) => m.subject?.startsWith('What happened to Checkout'));
    expect(mails.flatMap((m) => m.to).sort()).toEqual([...t.audience.email].sort());
    expect(mails[0]?.text).toContain(REVIEW.rootCause);
    expect(mails[0]?.text).toContain(REVIEW.prevention);
    const texts = t.sandbox.twilio.messages().filter((m) => m.body.startsWith('Follow-up on the Checkout outage'));
    expect(texts.map((m) => m.to).sort()).toEqual([...t.audience.sms].sort());

    const page = await (await fetch(`${t.crier.url()}/status`)).text();
    expect(page).toContain(`id="incident-${incidentId}-review"`);
    expect(page).toContain(REVIEW.rootCause);
    // The follow-up is shown once, as the review, not again as a "Resolved" update.
    expect(page.split('What happened to Checkout').length).toBe(1);
    const feed = await (await fetch(`${t.crier.url()}/status/feed.atom`)).text();
    expect(feed).toContain(`incident-${incidentId}-review</id>`);
    expect(feed).toContain('Card payments failing — Post-incident review');
    expect(feed).toContain(REVIEW.lessons);
    const json = await (await fetch(`${t.crier.url()}/status/status.json`)).json() as { history: { id: string; postmortem_body: string | null }[] };
    expect(json.history.find((i) => i.id === String(incidentId))?.postmortem_body).toContain(REVIEW.fix);
  });

  it('[P1] when a published review is saved or published again, or a review is written for an open incident, then it is refused and nothing changes', async () => {
    const before = await broadcasts();
    await expect(saveReview(t.store.db, incidentId, { ...REVIEW, fix: 'changed' }, 'user:1', Date.now())).rejects.toMatchObject({ code: 'conflict', details: [{ field: 'review' }] });
    await expect(publishReview(t.store.db, incidentId, { scriptVersionId: followUpVersion, variables: EXTRA }, ctx())).rejects.toMatchObject({ code: 'conflict', details: [{ field: 'review' }] });
    const open = await t.publish({ incident: { title: 'Search slow', impact: 'minor', components: [] }, channels: ['email'] });
    await expect(saveReview(t.store.db, open.incidentId, REVIEW, 'user:1', Date.now())).rejects.toMatchObject({ code: 'conflict', details: [{ field: 'incident' }] });
    expect((await getReview(t.store.db, incidentId))?.fix).toBe(REVIEW.fix);
    expect(await broadcasts()).toBe(before + 1);
  });
});
