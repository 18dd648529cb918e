/**
 * Writes the public status page as static files (index.html, feed.atom, status.json, crier.css):
 *   npm run export-status -- <dir> [--url https://status.example.net]
 * Host them somewhere other than the product, so the page stays up when the product is down.
 * --url is where the files will be served (for the feed's links); PUBLIC_URL/status by default.
 * Exit code: 0 written, 1 failed, 2 misused.
 */
import fs from 'node:fs';
import { loadConfig } from '../src/config';
import { exportStatus } from '../src/status/export';
import { openStore } from '../src/store/dialect';
import { migrateToLatest } from '../src/store/migrate';

const USAGE = 'Usage: npm run export-status -- <dir> [--url https://status.example.net]';

async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  let url: string | undefined;
  const at = args.indexOf('--url');
  if (at >= 0) {
    url = args[at + 1];
    args.splice(at, 2);
    if (!url || !/^https?:\/\/[^\s]+$/.test(url)) {
      console.error(`--url: must be an http(s) URL such as https://status.example.net\n${USAGE}`);
      return 2;
    }
  }
  const dir = args[0];
  if (!dir || args.length > 1 || dir.startsWith('--')) {
    console.error(`<dir>: give one directory to write into\n${USAGE}`);
    return 2;
  }
  const config = loadConfig(process.env);
  url ??= config.PUBLIC_URL ? `${config.PUBLIC_URL.replace(/\/+$/, '')}/status` : undefined;
  if (!url) {
    console.error(`--url: needed when PUBLIC_URL is not set (the feed links to where the page is served)\n${USAGE}`);
    return 2;
  }
  const store = openStore(config.databaseKind === 'postgres' ? { kind: 'postgres', url: config.DATABASE_URL as string } : { kind: 'sqlite', file: config.sqliteFile });
  try {
    await migrateToLatest(store);
    const written = await exportStatus(store.db, { dir, url, brand: config.BRAND_NAME });
    console.log(`Wrote ${written.join(', ')}`);
    return 0;
  } finally {
    await store.close();
  }
}

if (require.main === module) {
  // .env is optional; real environment variables win over it, as for npm start.
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  main(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
