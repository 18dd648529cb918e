/**
 * Seeds one benchmark store in a process of its own, so the 100,000-contact seeding leaves
 * nothing behind in the measured process's heap. Started by bench-store.ts with `fork`:
 *   bench-seed.ts <DATABASE_URL> <recipients> <slackWebhookBase>
 * and answers over IPC with { scriptVersionId }.
 */
import { openStore } from '../../src/store/dialect';
import { migrateToLatest } from '../../src/store/migrate';
import { seedApprovedScript, seedCustomers } from './seed';

async function main([url, recipients, slackWebhookBase]: string[]): Promise<void> {
  if (!url || !recipients || !slackWebhookBase) throw new Error('usage: bench-seed.ts <DATABASE_URL> <recipients> <slackWebhookBase>');
  const store = url.startsWith('sqlite:') ? openStore({ kind: 'sqlite', file: url.slice('sqlite:'.length) }) : openStore({ kind: 'postgres', url });
  try {
    await migrateToLatest(store);
    await seedCustomers(store.db, Number(recipients), { slackWebhooks: true, slackWebhookBase });
    const scriptVersionId = await seedApprovedScript(store.db);
    await new Promise<void>((resolve, reject) => process.send?.({ scriptVersionId }, (err: Error | null) => (err ? reject(err) : resolve())));
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  () => process.disconnect?.(),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
