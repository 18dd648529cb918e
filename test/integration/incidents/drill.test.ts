import { sendgridRecipients } from '../../../src/channels/sandbox/sendgrid.fake';
import { slackPosts } from '../../../src/channels/sandbox/slack.fake';
import { createComponent, getComponentByKey } from '../../../src/components/component.repository';
import { createTeamMember } from '../../../src/roster/team-member.repository';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { buildComponent, buildTeamMember } from '../../support/factories';
import { signedIn } from '../../support/session';
import { DIALECTS } from '../../support/stores';

describe.each(DIALECTS)('%s: drills', (dialect) => {
  let t: TestCrier;
  const team = { owner: 'owner@example.com', responder: 'rae@example.com', phones: ['+12015550141', '+12015550142'], slack: 'U0OWNER001' };

  beforeAll(async () => {
    t = await startTestCrier(dialect, { recipients: 4 });
    await createComponent(t.store.db, buildComponent({ key: 'checkout', name: 'Checkout' }));
    await createTeamMember(t.store.db, buildTeamMember({ role: 'owner', email: team.owner, phone: team.phones[0], slack: team.slack }));
    await createTeamMember(t.store.db, buildTeamMember({ role: 'technical responder', email: team.responder, phone: team.phones[1] }));
  }, 60_000);
  afterAll(async () => { await t?.stop(); });

  it('[B4] when a drill is sent to every audience on every channel, then only the team is reached, never X, and every message carries DRILL', async () => {
    for (const f of [t.sandbox.sendgrid, t.sandbox.twilio, t.sandbox.slack, t.sandbox.x]) f.clear();
    const result = await t.publish({
      drill: true, incident: { title: 'Fire drill: checkout', impact: 'critical', components: ['checkout'] },
      audiences: ['customers', 'resellers', 'team'], channels: ['email', 'sms', 'slack', 'x'],
    });
    expect(result.deliveries.map((d) => d.channel)).toEqual(['email', 'sms', 'slack']);
    const broadcasts = await t.store.db.selectFrom('broadcasts').innerJoin('incident_updates', 'incident_updates.id', 'broadcasts.update_id')
      .select(['broadcasts.id', 'broadcasts.audiences']).where('incident_updates.incident_id', '=', result.incidentId).execute();
    expect(broadcasts.map((b) => JSON.parse(b.audiences))).toEqual([['team'], ['team']]);
    for (const b of broadcasts) expect(await t.settled(b.id, 10_000)).toBe(true);
    const deliveries = await t.store.db.selectFrom('deliveries').select(['channel', 'address', 'contact_id'])
      .where('broadcast_id', 'in', broadcasts.map((b) => b.id)).execute();
    expect(deliveries.every((d) => d.contact_id === null)).toBe(true);
    expect(new Set(deliveries.map((d) => d.address))).toEqual(new Set([team.owner, team.responder, ...team.phones, team.slack]));

    const mails = sendgridRecipients(t.sandbox.sendgrid);
    const texts = t.sandbox.twilio.messages();
    const slack = slackPosts(t.sandbox.slack);
    expect(mails.length).toBeGreaterThanOrEqual(2);
    expect(texts.length).toBeGreaterThanOrEqual(2);
    expect(slack.length).toBeGreaterThanOrEqual(1);
    for (const m of mails) {
      expect(m.subject).toMatch(/^\[DRILL\] /);
      expect(m.text).toMatch(/^DRILL: this is a practice message/);
      expect(m.html).toContain('<strong>DRILL: this is a practice message');
    }
    for (const s of texts) expect(s.body).toMatch(/^DRILL: /);
    for (const p of slack) expect(p.text).toMatch(/^\*DRILL:\* /);
    expect(t.sandbox.x.posts()).toEqual([]);
    expect([...mails.flatMap((m) => m.to), ...texts.map((s) => s.to)].some((a) => t.audience.email.includes(a) || t.audience.sms.includes(a))).toBe(false);
  }, 30_000);

  it('[B4] when a drill is open, then the status page, feed and JSON do not show it and its components stay operational; the console marks it', async () => {
    const result = await t.publish({ drill: true, incident: { title: 'Quiet rehearsal', impact: 'critical', components: ['checkout'] }, audiences: ['team'], channels: ['email'] });
    expect((await getComponentByKey(t.store.db, 'checkout'))?.status).toBe('operational');
    for (const path of ['/status', '/status/feed.atom', '/status/status.json']) {
      const body = await (await fetch(`${t.crier.url()}${path}`)).text();
      expect({ path, drill: body.includes('rehearsal') || body.includes('Fire drill') || body.includes('DRILL') }).toEqual({ path, drill: false });
    }
    const staff = await signedIn(t.store, t.crier.url(), 'staff');
    const page = await staff.page(`/console/incidents/${result.incidentId}`);
    expect(page.html).toContain('<span class="badge drill">DRILL</span>');
    expect((await staff.page('/console')).html).toMatch(/Quiet rehearsal<\/a> <span class="badge drill">DRILL<\/span>/);
    expect((await staff.page('/desk')).html).not.toContain('Quiet rehearsal');
  });

  it('[B4] when comms ticks "This is a drill" on the notice form, then the drill goes out to the team only', async () => {
    const comms = await signedIn(t.store, t.crier.url(), 'comms');
    await comms.page('/console/send');
    const res = await comms.post('/console/send', {
      action: 'send', drill: 'true', scriptVersionId: String(t.scriptVersionId), status: 'investigating', title: 'Form drill', impact: 'major',
      audiences: 'customers', channels: 'email', var_service: 'Checkout', var_summary: 'rehearsing', var_next_update: '10:30 UTC',
    });
    expect(res.status).toBe(303);
    const incident = await t.store.db.selectFrom('incidents').select(['id', 'drill']).where('title', '=', 'Form drill').executeTakeFirstOrThrow();
    expect(incident.drill).toBe(1);
    const broadcast = Number(/\/console\/broadcasts\/(\d+)/.exec(res.headers.get('location') ?? '')?.[1]);
    const audiences = await t.store.db.selectFrom('broadcasts').select('audiences').where('id', '=', broadcast).executeTakeFirstOrThrow();
    expect(JSON.parse(audiences.audiences)).toEqual(['team']);
  });

  it('when a drill asks only for X, or a follow-up tries to make a real incident a drill, then it is refused naming the field', async () => {
    await expect(t.publish({ drill: true, channels: ['x'], audiences: ['team'] })).rejects.toMatchObject({ details: [{ field: 'channels', message: 'a drill needs email, sms or slack' }] });
    const real = await t.publish({ audiences: ['team'], channels: ['email'] });
    await expect(t.publish({ incident: undefined, incidentId: real.incidentId, status: 'identified', drill: true, audiences: ['team'], channels: ['email'] }))
      .rejects.toMatchObject({ details: [{ field: 'drill', message: 'the incident is not a drill' }] });
  });
});
