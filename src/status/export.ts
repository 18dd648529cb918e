import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { loadUptime } from '../monitors/uptime';
import type { Database } from '../store/schema';
import { statusPage } from '../web/views/status.view';
import { atomFeed, statusJson } from './feeds';
import { loadSnapshot } from './snapshot';

export const EXPORTED_FILES = ['index.html', 'feed.atom', 'status.json', 'crier.css'] as const;

/**
 * Writes the status page, its feed and its JSON as static files, to be hosted on a provider other
 * than the one the product runs on. Each file is written beside and renamed into place, so a
 * web server never serves half a file.
 */
export async function exportStatus(db: Kysely<Database>, options: { dir: string; url: string; brand: string; now?: number }): Promise<string[]> {
  const s = await loadSnapshot(db, { brand: options.brand, url: options.url.replace(/\/+$/, ''), now: options.now ?? Date.now() });
  const files: Record<(typeof EXPORTED_FILES)[number], string | Buffer> = {
    // The uptime bars as the live page shows them: the copy must not say less than the original.
    'index.html': statusPage(s, './', 'crier.css', await loadUptime(db, s.generatedAt)),
    'feed.atom': atomFeed(s),
    'status.json': `${JSON.stringify(statusJson(s), null, 2)}\n`,
    'crier.css': fs.readFileSync(path.join(__dirname, '..', 'web', 'assets', 'crier.css')),
  };
  fs.mkdirSync(options.dir, { recursive: true });
  const written: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const target = path.join(options.dir, name);
    fs.writeFileSync(`${target}.tmp`, content);
    fs.renameSync(`${target}.tmp`, target);
    written.push(target);
  }
  return written;
}
