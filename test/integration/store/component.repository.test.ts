import {
  createComponent, deleteComponent, getComponent, getComponentByKey, listComponents, updateComponent,
} from '../../../src/components/component.repository';
import { buildComponent } from '../../support/factories';
import { DIALECTS, openTestStore, type TestStore } from '../../support/stores';

describe.each(DIALECTS)('%s: component repository', (dialect) => {
  let store: TestStore;
  beforeAll(async () => { store = await openTestStore(dialect); });
  afterAll(async () => { await store.dispose(); });

  it('[F3] when a component is created, then it reads back by id, by key and in the list', async () => {
    const created = await createComponent(store.db, buildComponent({ key: 'checkout', name: 'Checkout' }));
    expect(created).toMatchObject({ key: 'checkout', name: 'Checkout', description: '' });
    expect(await getComponent(store.db, created.id)).toEqual(created);
    expect(await getComponentByKey(store.db, 'checkout')).toEqual(created);
    expect(await listComponents(store.db)).toContainEqual(created);
  });

  it('[F3] when a component is updated, then the new fields read back', async () => {
    const created = await createComponent(store.db, buildComponent());
    const updated = await updateComponent(store.db, created.id, { name: 'Mobile app', description: 'iOS and Android' });
    expect(updated).toEqual({ ...created, name: 'Mobile app', description: 'iOS and Android' });
    expect(await updateComponent(store.db, created.id, {})).toEqual(updated);
  });

  it('[F3] when a component is deleted, then it no longer reads back', async () => {
    const created = await createComponent(store.db, buildComponent());
    expect(await deleteComponent(store.db, created.id)).toBe(true);
    expect(await getComponentByKey(store.db, created.key)).toBeUndefined();
    expect(await deleteComponent(store.db, created.id)).toBe(false);
  });

  it('[F3] when a second component takes an existing key, then the store refuses it', async () => {
    await createComponent(store.db, buildComponent({ key: 'phone-line' }));
    // better-sqlite3 errors come from another realm, so match the message rather than toThrow().
    await expect(createComponent(store.db, buildComponent({ key: 'phone-line' })))
      .rejects.toMatchObject({ message: expect.stringMatching(/unique|duplicate key/i) });
  });
});
