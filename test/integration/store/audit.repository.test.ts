import { listAudit, recordAudit } from '../../../src/audit/audit.repository';
import { buildAuditEntry } from '../../support/factories';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';

describe.each(DIALECTS)('%s: audit repository', (dialect) => {
  let store: TestStore;
  beforeAll(async () => { store = await openTestStore(dialect); });
  afterAll(async () => { await store.dispose(); });

  it('[F3] when an entry is recorded, then it lists back with its detail parsed', async () => {
    const entry = await recordAudit(store.db, buildAuditEntry({ subject: 'script-version:7', detail: { version: 2 }, at: 1_700_000_000_000 }));
    expect(entry).toMatchObject({ at: 1_700_000_000_000, subject: 'script-version:7', detail: { version: 2 } });
    expect(await listAudit(store.db, { subject: 'script-version:7' })).toEqual([entry]);
  });

  it('[F3] when entries are listed, then the newest comes first and paging continues before an id', async () => {
    const older = await recordAudit(store.db, buildAuditEntry({ actor: 'pager@example.com' }));
    const newer = await recordAudit(store.db, buildAuditEntry({ actor: 'pager@example.com' }));
    expect(await listAudit(store.db, { actor: 'pager@example.com' })).toEqual([newer, older]);
    expect(await listAudit(store.db, { actor: 'pager@example.com', beforeId: newer.id, limit: 5 })).toEqual([older]);
  });
});
