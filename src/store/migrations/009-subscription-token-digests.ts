import crypto from 'node:crypto';
import type { Kysely } from 'kysely';

/**
 * Subscription links' tokens are kept as SHA-256 digests from here on, like account secrets: the
 * database alone opens no confirm or manage link. Tokens stored before are digested in place, so
 * links already sent keep working.
 */
export const subscriptionTokenDigests = {
  async up(db: Kysely<unknown>): Promise<void> {
    const digest = (token: string) => crypto.createHash('sha256').update(token).digest('hex');
    const d = db as unknown as Kysely<{ subscriptions: { id: number; confirm_token: string | null; manage_token: string } }>;
    const rows = await d.selectFrom('subscriptions').select(['id', 'confirm_token', 'manage_token']).execute();
    for (const row of rows) {
      await d.updateTable('subscriptions')
        .set({ confirm_token: row.confirm_token === null ? null : digest(row.confirm_token), manage_token: digest(row.manage_token) })
        .where('id', '=', row.id).execute();
    }
  },
};
