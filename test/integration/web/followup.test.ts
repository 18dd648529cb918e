import { createTeamMember } from '../../../src/roster/team-member.repository';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { buildTeamMember } from '../../support/factories';
import { signedIn, type WebClient } from '../../support/session';

describe('review and promise pages', () => {
  let t: TestCrier;
  let comms: WebClient;
  let incidentId: number;
  let ownerId: number;
  const VARS = { var_service: 'Checkout', var_summary: 'the incident is over', var_next_update: 'none needed' };

  beforeAll(async () => {
    t = await startTestCrier('sqlite', { recipients: 2 });
    comms = await signedIn(t.store, t.crier.url(), 'comms');
    ownerId = (await createTeamMember(t.store.db, buildTeamMember({ name: 'Olive Owner' }))).id;
    incidentId = (await t.publish({ channels: ['email'] })).incidentId;
  });
  afterAll(async () => { await t?.stop(); });

  it('[P1] when the incident is still open, then the review page says it waits for resolution and saving is refused naming the incident', async () => {
    expect((await comms.page(`/console/incidents/${incidentId}/review`)).html).toContain('written once the incident is resolved');
    const res = await comms.post(`/console/incidents/${incidentId}/review`, { whatHappened: 'x' });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('data-field="incident"');
  });

  it('[P1] when comms drafts and publishes a review in the console, then the draft starts from the timeline, bad fields come back named and the published review is on the status page', async () => {
    await t.publish({ incident: undefined, incidentId, status: 'resolved', channels: ['email'] });
    expect((await comms.page(`/console/incidents/${incidentId}`)).html).toContain(`href="/console/incidents/${incidentId}/review"`);
    const draft = await comms.page(`/console/incidents/${incidentId}/review`);
    expect(draft.html).toMatch(/UTC {2}Investigating/);
    expect(draft.html).toContain('Duration: ');

    const tooLong = await comms.post(`/console/incidents/${incidentId}/review`, { whatHappened: 'w'.repeat(5001), prevention: 'p' });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.text()).toContain('data-field="whatHappened"');
    const noPrevention = await comms.post(`/console/incidents/${incidentId}/review`, { whatHappened: 'Payments failed.', rootCause: 'An expired certificate.' });
    expect(noPrevention.status).toBe(303);
    const refused = await comms.post(`/console/incidents/${incidentId}/review/publish`, { scriptVersionId: String(t.scriptVersionId), audiences: 'customers', channels: 'email', ...VARS });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('data-field="prevention"');
    await comms.post(`/console/incidents/${incidentId}/review`, { whatHappened: 'Payments failed.', rootCause: 'An expired certificate.', prevention: 'Certificates renew themselves 30 days ahead.' });
    const noAudience = await comms.post(`/console/incidents/${incidentId}/review/publish`, { scriptVersionId: String(t.scriptVersionId), channels: 'email', ...VARS });
    expect(noAudience.status).toBe(400);
    expect(await noAudience.text()).toContain('data-field="audiences"');

    const published = await comms.post(`/console/incidents/${incidentId}/review/publish`, { scriptVersionId: String(t.scriptVersionId), audiences: 'customers', channels: 'email', ...VARS });
    expect(published.status).toBe(303);
    const broadcastId = Number(/\/console\/broadcasts\/(\d+)$/.exec(published.headers.get('location') ?? '')?.[1]);
    expect(await t.settled(broadcastId, 10_000)).toBe(true);
    expect(await t.states(broadcastId)).toEqual({ sent: 2 });
    const status = await (await fetch(`${t.crier.url()}/status`)).text();
    expect(status).toContain('Certificates renew themselves 30 days ahead.');
    const after = await comms.page(`/console/incidents/${incidentId}/review`);
    expect(after.html).toContain('Published ');
    expect(after.html).not.toContain('<textarea');
  });

  it('[P2] when a promise is recorded in the console and falls overdue, then the home page and the promise list show it until it is marked kept', async () => {
    const bad = await comms.post(`/console/incidents/${incidentId}/promises`, { what: 'Refund', toName: 'Ann', ownerId: String(ownerId), dueAt: 'tomorrow' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('data-field="dueAt"');
    const made = await comms.post(`/console/incidents/${incidentId}/promises`, { what: 'Refund the March invoice', toName: 'Ann Example', ownerId: String(ownerId), dueAt: '2026-01-01T09:00' });
    expect(made.status).toBe(303);
    const home = await comms.page('/console');
    expect(home.html).toContain('Overdue promises (1)');
    expect(home.html).toContain('Refund the March invoice');
    const list = await comms.page('/console/promises');
    const id = Number(/data-promise="(\d+)"/.exec(list.html)?.[1]);
    expect(list.html).toContain('Olive Owner');
    expect((await comms.post(`/console/promises/${id}/kept`, {})).status).toBe(303);
    expect((await comms.page('/console')).html).not.toContain('Overdue promises');
    expect((await comms.page(`/console/incidents/${incidentId}`)).html).toMatch(/kept \d{4}-\d\d-\d\d/);
  });

  it('[P2] when promises are recorded and read over the API, then the token\'s role decides and bad input is named', async () => {
    const api = (method: string, path: string, body?: unknown) => fetch(`${t.crier.url()}/api${path}`, {
      method, headers: { authorization: `Bearer ${'t'.repeat(24)}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const bad = await api('POST', `/incidents/${incidentId}/promises`, { what: 'Call back', ownerId, dueAt: '2026-12-01T15:00Z' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { details: [{ field: 'toName' }] } });
    const made = await api('POST', `/incidents/${incidentId}/promises`, { what: 'Call back', toName: 'Ann', ownerId, dueAt: '2026-12-01T15:00+01:00' });
    expect(made.status).toBe(201);
    const { promise } = await made.json() as { promise: { id: number; dueAt: number } };
    expect(promise.dueAt).toBe(Date.UTC(2026, 11, 1, 14));
    const open = await (await api('GET', '/promises')).json() as { promises: { id: number }[] };
    expect(open.promises.map((p) => p.id)).toContain(promise.id);
    const review = await (await api('GET', `/incidents/${incidentId}/review`)).json() as { review: { publishedAt: number | null }; promises: unknown[] };
    expect(review.review.publishedAt).not.toBeNull();
    expect(review.promises.length).toBeGreaterThanOrEqual(2);
    expect((await api('POST', `/promises/${promise.id}/kept`, { notify: true })).status).toBe(400);
  });
});
