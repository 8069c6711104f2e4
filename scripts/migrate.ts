/**
 * `npm run db:migrate`: applies pending migrations from prisma/migrations.
 *
 * With DATABASE_URL set, to that PostgreSQL database; otherwise to the embedded PGlite database in
 * `<DATA_DIR>/pglite` (DATA_DIR defaults to ./.data), which must not be open in a running server at the same time.
 * The server applies the same migrations at start-up; this script is for doing it ahead of time (or in a deploy).
 */
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config';
import { acquireDataDirLock } from '../src/db/data-dir-lock';
import { applyMigrations, pgSession } from '../src/db/migrate';

async function migratePostgres(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, application_name: 'db:migrate' });
  await client.connect();
  try {
    return await applyMigrations(pgSession(client));
  } finally {
    await client.end();
  }
}

async function migrateEmbedded(dataDir: string): Promise<string[]> {
  // PGlite cannot tell that a server has the folder open, so check our own lock file first (throws if held).
  const release = acquireDataDirLock(dataDir);
  try {
    // The CommonJS build, lazily, as the server loads it (src/db/database.ts says why).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PGlite } = require('@electric-sql/pglite') as typeof import('@electric-sql/pglite');
    const db = new PGlite(path.join(dataDir, 'pglite'));
    try {
      await db.waitReady;
      return await applyMigrations({ query: (sql, params) => db.query(sql, params), exec: (sql) => db.exec(sql) });
    } finally {
      await db.close();
    }
  } finally {
    release();
  }
}

async function main(): Promise<number> {
  const config = loadConfig();
  const applied = config.databaseUrl ? await migratePostgres(config.databaseUrl) : await migrateEmbedded(config.dataDir);
  console.log(applied.length > 0 ? `Applied: ${applied.join(', ')}` : 'Database is up to date');
  return 0;
}

// Explicit exit: PGlite.close() resets process.exitCode, and a failure must end in one readable line.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`db:migrate failed: ${message.replace(/\s*\n\s*/g, ' ')}`);
    process.exit(1);
  },
);
