import { createIncident } from '../../../src/incidents/incident.repository';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { approvedInvestigatingNotice, parseTwiml, postTwilio } from '../../support/hotline';
import { DIALECTS } from '../../support/stores';

const CALL = { AccountSid: `AC${'0'.repeat(31)}1`, CallSid: `CA${'1'.repeat(32)}`, From: '+12015550177', To: '+15005550006', CallStatus: 'ringing', Direction: 'inbound' };

interface Twiml { Response: { Gather: { '@action': string; '@numDigits': string; Say: string[] }; Say: string[] } }

describe.each(DIALECTS)('%s: the phone hotline', (dialect) => {
  let t: TestCrier;
  let versionId: number;

  beforeAll(async () => {
    t = await startTestCrier(dialect, { recipients: 1 });
    versionId = await approvedInvestigatingNotice(t);
  }, 60_000);
  afterAll(async () => { await t?.stop(); });

  async function call(params: Record<string, string> = CALL): Promise<Twiml> {
    const res = await postTwilio(t, '/webhooks/twilio/voice', params);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    return parseTwiml(await res.text()) as unknown as Twiml;
  }
  const spoken = (doc: Twiml) => doc.Response.Gather.Say;
  const open = (service: string, overrides: Record<string, unknown> = {}) => t.publish({
    incident: { title: `${service} failing`, impact: 'major', components: [] }, scriptVersionId: versionId,
    variables: { service, next_update: '10:30 UTC' }, audiences: ['team'], channels: ['email'], ...overrides,
  });

  it('[B3] when nothing is open, then the call hears a calm message in valid TwiML and is offered a repeat', async () => {
    const doc = await call();
    expect(spoken(doc)).toEqual(['Crier service status. All systems are operating normally. There are no known problems right now.', 'To hear this again, press any key.']);
    expect(doc.Response.Gather).toMatchObject({ '@action': '/webhooks/twilio/voice', '@numDigits': '1' });
    expect(doc.Response.Say).toEqual(['Thank you for calling. Goodbye.']);
  });

  it('[B3] when incidents are open, then the call hears each one\'s approved phone script, escaped, a drill or an unannounced draft is never spoken', async () => {
    await open('Checkout & <Payments> "EU"');
    await open('Login');
    await open('Rehearsal', { drill: true });
    // A draft (a monitor opened it; only the team was told) is not on the status page, so not read either.
    await createIncident(t.store.db, { title: 'Shop unreachable', failureTypeId: null, status: 'investigating', impact: 'major', components: [], now: Date.now() });
    const doc = await call();
    expect(spoken(doc)).toEqual([
      'Crier service status. There are 2 open incidents.',
      'Incident 1. Status: Investigating. Confirm the problem with Login. Next update by 10:30 UTC.',
      'Incident 2. Status: Investigating. Confirm the problem with Checkout & <Payments> "EU". Next update by 10:30 UTC.',
      'To hear this again, press any key.',
    ]);
    // A key pressed during the message posts back to the same webhook, signed, and hears it again.
    const again = await call({ ...CALL, Digits: '1', CallStatus: 'in-progress' });
    expect(spoken(again)).toEqual(spoken(doc));
  });

  it('[B3] when the voice webhook is called unsigned or with a forged signature, then it is refused with 403', async () => {
    expect((await postTwilio(t, '/webhooks/twilio/voice', CALL, null)).status).toBe(403);
    const forged = await postTwilio(t, '/webhooks/twilio/voice', CALL, 'bm90IGEgc2lnbmF0dXJl');
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('"field":"signature"');
  });
});
