import { setTriggerPinHash } from '../../../src/hotline/sms-command.repository';
import { createTeamMember } from '../../../src/roster/team-member.repository';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { buildComponent, buildTeamMember } from '../../support/factories';
import { createComponent } from '../../../src/components/component.repository';
import { approvedInvestigatingNotice, approvedNotice, checkoutComponent, postTwilio, replyText } from '../../support/hotline';
import { testHasher } from '../../support/session';
import { DIALECTS } from '../../support/stores';

const PIN = '482916';
const OWNER = '+12015550100';
const OWNER_ALT = '+12015550101';
const DESK = '+12015550102';
const LEAD = '+12015550103';
const COMMS = '+12015550104';
const STRANGER = '+12015550199';

describe.each(DIALECTS)('%s: the SMS trigger', (dialect) => {
  let t: TestCrier;
  let sequence = 0;

  beforeAll(async () => {
    t = await startTestCrier(dialect, { recipients: 3 });
    await checkoutComponent(t);
    await createComponent(t.store.db, buildComponent({ key: 'login', name: 'Login' }));
    await approvedInvestigatingNotice(t);
    const withPin = async (role: string, phone: string, altPhone: string | null = null) => {
      const m = await createTeamMember(t.store.db, buildTeamMember({ role, phone, altPhone }));
      await setTriggerPinHash(t.store.db, m.id, await testHasher.hash(PIN));
      return m;
    };
    await withPin('owner', OWNER, OWNER_ALT);
    await withPin('front desk', DESK);
    await withPin('comms lead', LEAD);
  }, 60_000);
  afterAll(async () => { await t?.stop(); });

  const sid = () => `SM${String(++sequence).padStart(32, '0')}`;
  const text = (from: string, body: string, messageSid = sid()) => postTwilio(t, '/webhooks/twilio/inbound', { From: from, To: '+15005550006', Body: body, MessageSid: messageSid });
  const answer = async (from: string, body: string, messageSid?: string) => replyText(await (await text(from, body, messageSid)).text());
  const incidents = async () => t.store.db.selectFrom('incidents').select(['id', 'title', 'components', 'drill']).orderBy('id').execute();
  const audit = async (action: string) => t.store.db.selectFrom('audit_log').select(['actor', 'subject', 'detail']).where('action', '=', action).orderBy('id').execute();

  it('[B2] when the owner texts OUTAGE with the right PIN and a component, then the approved notice goes out once, the team hears first, and the reply says what went to how many', async () => {
    const messageSid = sid();
    const res = await text(OWNER, `outage ${PIN} Checkout`, messageSid);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    const reply = replyText(await res.text()) ?? '';
    expect(reply).toMatch(/^Sent "Investigating \(first notice\)" for incident \d+: \d+ messages queued \(email \d+, sms \d+, slack \d+, x 1, mastodon 1, bluesky 1\)\.$/);
    expect(reply).not.toContain(PIN);
    const [incident] = await incidents();
    expect(incident).toMatchObject({ title: 'Problem with Checkout', components: '["checkout"]', drill: 0 });
    const updates = await t.store.db.selectFrom('incident_updates').select(['id', 'internal', 'created_by']).where('incident_id', '=', incident?.id as number).orderBy('id').execute();
    expect(updates.map((u) => u.internal)).toEqual([1, 0]);
    const broadcast = await t.store.db.selectFrom('broadcasts').select(['id', 'audiences']).where('update_id', '=', updates[1]?.id as number).executeTakeFirstOrThrow();
    expect(JSON.parse(broadcast.audiences)).toEqual(['customers', 'resellers', 'team']);
    const queued = Number(/(\d+) messages queued/.exec(reply)?.[1]);
    const pending = await t.store.db.selectFrom('deliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('broadcast_id', '=', broadcast.id).where('state', '!=', 'skipped').executeTakeFirstOrThrow();
    expect(queued).toBe(Number(pending.n));
    expect(await audit('sms_trigger.sent')).toEqual([expect.objectContaining({ subject: `incident:${incident?.id}` })]);
    // The lanes were woken: the owner's own phone gets the team alert and the customers the notice.
    expect(await t.settled(broadcast.id, 10_000)).toBe(true);
    const texted = t.sandbox.twilio.messages().map((m) => m.to);
    expect(texted).toEqual(expect.arrayContaining([OWNER, OWNER_ALT, ...t.audience.sms]));

    expect(await answer(OWNER, `outage ${PIN} Checkout`, messageSid)).toBeNull();
    expect(await incidents()).toHaveLength(1);
    expect(await audit('sms_trigger.replayed')).toEqual([expect.objectContaining({ subject: `sms:${messageSid}` })]);
  }, 30_000);

  it('[B2] when Twilio delivers the same OUTAGE text twice at once, then one notice goes out and the other is a recorded replay', async () => {
    const before = (await incidents()).length;
    const messageSid = sid();
    const replies = await Promise.all([answer(OWNER, `OUTAGE ${PIN} login`, messageSid), answer(OWNER, `OUTAGE ${PIN} login`, messageSid)]);
    expect(replies.filter((r) => r?.startsWith('Sent ')).length).toBe(1);
    expect(replies.filter((r) => r === null).length).toBe(1);
    expect(await incidents()).toHaveLength(before + 1);
    expect((await audit('sms_trigger.replayed')).filter((r) => r.subject === `sms:${messageSid}`)).toHaveLength(1);
  }, 30_000);

  it('[B2] when a second OUTAGE arrives for a component whose incident is open, then no second notice goes out', async () => {
    const before = (await incidents()).length;
    expect(await answer(OWNER_ALT, `OUTAGE ${PIN} checkout`)).toMatch(/^Not sent: incident \d+ is already open for checkout\./);
    expect(await incidents()).toHaveLength(before);
  });

  it('[B2] when a wrong PIN, an unknown number or a staff role texts OUTAGE, then nothing is triggered and each is audited without the PIN', async () => {
    const before = (await incidents()).length;
    expect(await answer(OWNER_ALT, 'OUTAGE 739105 checkout')).toBe('Not sent: the PIN is wrong.');
    expect(await answer(STRANGER, `OUTAGE ${PIN}`)).toBeNull();
    expect(await answer(DESK, `OUTAGE ${PIN}`)).toContain('only the owner and the comms team');
    expect(await incidents()).toHaveLength(before);
    const refused = (await audit('sms_trigger.refused')).slice(-3);
    expect(refused.map((r) => JSON.parse(r.detail).outcome)).toEqual(['wrong_pin', 'unknown_number', 'not_allowed']);
    expect(refused.map((r) => JSON.parse(r.detail).from)).toEqual([OWNER_ALT, STRANGER, DESK]);
    const stored = JSON.stringify([await t.store.db.selectFrom('audit_log').selectAll().execute(), await t.store.db.selectFrom('sms_commands').selectAll().execute()]);
    expect(stored).not.toContain(PIN);
    expect(stored).not.toContain('739105');
  });

  it('[B2] when a number sends five wrong PINs, then it is locked out: even the right PIN triggers nothing for a while', async () => {
    const before = (await incidents()).length;
    for (let i = 0; i < 5; i++) expect(await answer(LEAD, `OUTAGE 1111${i} checkout`)).toContain('PIN is wrong');
    expect(await answer(LEAD, `OUTAGE ${PIN} checkout`)).toContain('too many wrong PINs');
    expect(await incidents()).toHaveLength(before);
    const outcomes = await t.store.db.selectFrom('sms_commands').select('outcome').where('from_number', '=', LEAD).orderBy('id').execute();
    expect(outcomes.map((o) => o.outcome)).toEqual(['wrong_pin', 'wrong_pin', 'wrong_pin', 'wrong_pin', 'wrong_pin', 'locked']);
  });

  it('[B2] when an OUTAGE text comes unsigned or with a forged signature, then 403 and nothing is triggered or recorded', async () => {
    const before = (await incidents()).length;
    const params = { From: OWNER, Body: `OUTAGE ${PIN}`, MessageSid: sid() };
    expect((await postTwilio(t, '/webhooks/twilio/inbound', params, null)).status).toBe(403);
    expect((await postTwilio(t, '/webhooks/twilio/inbound', params, 'bm90IGEgc2lnbmF0dXJl')).status).toBe(403);
    expect(await incidents()).toHaveLength(before);
    expect(await t.store.db.selectFrom('sms_commands').select('id').where('message_sid', '=', params.MessageSid).execute()).toEqual([]);
  });

  it('when a command names an unknown component or lacks its PIN, then the member is told how to write it and nothing is sent', async () => {
    const before = (await incidents()).length;
    expect(await answer(OWNER, `OUTAGE ${PIN} warp-drive`)).toContain('no component "warp-drive". Components: checkout, login.');
    expect(await answer(OWNER, 'OUTAGE')).toContain('Text OUTAGE <PIN> <component>');
    expect(await incidents()).toHaveLength(before);
  });

  it('when a roster member texts STOP, YES or HELP, then the consent keywords work as before', async () => {
    expect(await answer(OWNER, 'HELP')).toContain('Reply STOP to opt out');
    expect(await answer(OWNER, 'YES')).toBeNull();
  });

  it('[B2] when the owner texts RESOLVED with the PIN, then the open incident gets the approved resolved notice; without one approved, nothing is sent', async () => {
    const open = (await incidents()).find((i) => i.components === '["checkout"]');
    const status = async () => (await t.store.db.selectFrom('incidents').select('status').where('id', '=', open?.id as number).executeTakeFirstOrThrow()).status;
    // The starter library's resolved script is still a draft.
    expect(await answer(OWNER, `RESOLVED ${PIN} checkout`)).toContain('Not sent: no approved resolved script');
    expect(await status()).toBe('investigating');
    await approvedNotice(t, 'text-resolved', 'Resolved: all clear');
    expect(await answer(OWNER, `resolved ${PIN} checkout`)).toMatch(/^Sent "Resolved: all clear" for incident \d+: /);
    expect(await status()).toBe('resolved');
    expect(await answer(OWNER, `RESOLVED ${PIN} checkout`)).toBe('Not sent: no open incident affects checkout.');
  });

  it('[B2] when two members text OUTAGE for the same component at the same moment, then one notice goes out and the other is told it is already open', async () => {
    await createComponent(t.store.db, buildComponent({ key: 'payments', name: 'Payments' }));
    const comms = await createTeamMember(t.store.db, buildTeamMember({ role: 'comms', phone: COMMS }));
    await setTriggerPinHash(t.store.db, comms.id, await testHasher.hash(PIN));
    const before = (await incidents()).length;
    const replies = await Promise.all([answer(OWNER, `OUTAGE ${PIN} payments`), answer(COMMS, `OUTAGE ${PIN} payments`)]);
    expect(replies.filter((r) => r?.startsWith('Sent ')).length).toBe(1);
    expect(replies.filter((r) => /^Not sent: incident \d+ is already open for payments\./.test(r ?? '')).length).toBe(1);
    expect(await incidents()).toHaveLength(before + 1);
  }, 30_000);
});
