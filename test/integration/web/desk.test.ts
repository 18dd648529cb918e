import { createIncident } from '../../../src/incidents/incident.repository';
import { startTestCrier, type TestCrier } from '../../support/crier';
import { DEFAULT_DIALECT } from '../../support/stores';
import { DRAFT_MARKER, openIncidentWithScripts } from '../../support/desk';
import { signedIn, WebClient } from '../../support/session';

describe('staff desk over HTTP', () => {
  let t: TestCrier;
  let incidentId = 0;
  let versionId = 0;
  beforeAll(async () => {
    t = await startTestCrier(DEFAULT_DIALECT, { recipients: 1 });
    ({ incidentId, versionId } = await openIncidentWithScripts(t, 'desk-http'));
  });
  afterAll(async () => { await t?.stop(); });

  it('[S3] when a staff member opens the desk, then it shows only approved text filled with the incident\'s values, never a draft', async () => {
    const staff = await signedIn(t.store, t.crier.url(), 'staff');
    const page = await staff.page('/desk');
    expect(page.status).toBe(200);
    expect(page.res.headers.get('cache-control')).toBe('no-store');
    const section = page.html.slice(page.html.indexOf(`data-incident="${incidentId}"`));
    expect(section).toContain('Zebra checkout failing');
    expect(section).toContain('Tell the caller Zebra checkout is down and we are on it. Meanwhile: Call 0800 555 0101 to order. Next update by 11:45 UTC.');
    expect(section).toContain('<dt>When will it be fixed?</dt><dd>We will say by 11:45 UTC.</dd>');
    expect(section).toContain('2025-03-11 10:05 UTC');
    expect(section).toMatch(/data-copy="i\d+-s\d+-sms" hidden>Copy<\/button>/);
    expect(section).toContain('sent with the latest update');
    expect(page.html).toContain('<script src="/assets/desk.js" defer></script>');
    expect(page.html).not.toContain(DRAFT_MARKER);
    expect(page.html).not.toContain('{{');

    const res = await staff.request('GET', '/api/desk', { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { incidents: { id: number; lastUpdateAt: number; scripts: { versionId: number; lastUsed: boolean; sms: string }[] }[] };
    const incident = body.incidents.find((i) => i.id === incidentId);
    expect(incident?.lastUpdateAt).toBe(Date.UTC(2025, 2, 11, 10, 5));
    expect(incident?.scripts[0]).toMatchObject({ versionId, lastUsed: true, sms: 'Zebra checkout problem; we are on it. Next update by 11:45 UTC.' });
    expect(JSON.stringify(body)).not.toContain(DRAFT_MARKER);
  });

  it('when a monitor has opened an incident nobody has announced, then the desk shows it marked as not announced and the announced one is not', async () => {
    const draft = await createIncident(t.store.db, { title: 'Shop unreachable', failureTypeId: null, status: 'investigating', impact: 'major', components: [], now: Date.now() });
    const staff = await signedIn(t.store, t.crier.url(), 'staff');
    const page = await staff.page('/desk');
    const section = (id: number) => page.html.slice(page.html.indexOf(`data-incident="${id}"`)).split('</section>\n<section class="incident"')[0] ?? '';
    expect(section(draft.id)).toContain('Shop unreachable <span class="badge" data-draft>not announced</span>');
    expect(section(draft.id)).toContain('Customers have not been told yet, and the status page does not show it.');
    expect(section(incidentId)).not.toContain('data-draft');
    const body = (await (await staff.request('GET', '/api/desk', { headers: { accept: 'application/json' } })).json()) as { incidents: { id: number; announced: boolean }[] };
    expect(body.incidents.map((i) => [i.id, i.announced]).sort()).toEqual([[incidentId, true], [draft.id, false]].sort());
  });

  it('[S3] when nobody is signed in, then the desk page sends the browser to sign in and the JSON answers 401', async () => {
    const anonymous = new WebClient(t.crier.url());
    const page = await anonymous.request('GET', '/desk');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login?next=%2Fdesk');
    const api = await fetch(`${t.crier.url()}/api/desk`, { headers: { accept: 'application/json' } });
    expect(api.status).toBe(401);
    const text = await api.text();
    expect(text).toContain('"field":"authorization"');
    expect(text).not.toContain('Zebra');
  });

  it('when the copy script is asked for, then it is served as JavaScript from our own origin', async () => {
    const res = await fetch(`${t.crier.url()}/assets/desk.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(await res.text()).toContain('navigator.clipboard.writeText');
  });
});
