/**
 * Runtime migration runner: applies prisma/migrations/<name>/migration.sql files that the database has not seen.
 *
 * Used by `npm run db:migrate` and at server start. It needs no Prisma engine: the Prisma CLI cannot run on this
 * machine, and a server should not carry one anyway. It keeps the bookkeeping in Prisma's own `_prisma_migrations`
 * table, written the way `prisma migrate deploy` writes it, so the two stay interchangeable: the Wasm schema
 * engine reports a database migrated here as in sync, and a native `prisma migrate deploy` would find nothing to do.
 *
 * One difference from Prisma, on purpose: each migration runs inside BEGIN/COMMIT together with its bookkeeping
 * row, so a failing migration leaves no trace (Prisma records a failed row that needs `migrate resolve`). The cost:
 * a migration cannot contain statements that refuse to run in a transaction (CREATE INDEX CONCURRENTLY, VACUUM),
 * nor its own BEGIN/COMMIT.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ClientBase } from 'pg';

/** Minimal SQL surface shared by a pg.Client and a PGlite instance. */
export interface SqlSession {
  /** One statement with `$1`-style parameters. */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  /** A script of any number of statements, without parameters. */
  exec(sql: string): Promise<unknown>;
}

/**
 * Absolute path of prisma/migrations. From src/db under tsx that is two levels up; from a tsc build
 * (dist/src/db) it is three, so look upwards for the first one that exists.
 */
export const MIGRATIONS_DIR: string =
  [2, 3, 4].map((up) => path.resolve(__dirname, ...Array<string>(up).fill('..'), 'prisma', 'migrations')).find((dir) => fs.existsSync(dir)) ??
  path.resolve(__dirname, '..', '..', 'prisma', 'migrations');

/** Prisma's advisory lock key: also serialises us against a concurrent `prisma migrate deploy`. */
const LOCK_KEY = 72707369;

/** Prisma's exact DDL for PostgreSQL (from the schema engine of prisma 7.10.1), made idempotent. */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * Applies every migration folder of `dir` (default {@link MIGRATIONS_DIR}) not yet recorded as applied, in name
 * order, each in its own transaction. Returns the names applied (empty when the database was up to date).
 *
 * Throws, before applying anything, if an earlier run left an unfinished migration (written by Prisma itself,
 * since this runner never leaves one). Throws with the migration name if one fails; that migration is rolled back
 * and the ones before it stay applied. A checksum mismatch on an applied migration (its file was edited) is only
 * logged, as `prisma migrate deploy` does.
 */
export async function applyMigrations(
  session: SqlSession,
  options: { dir?: string; log?: (msg: string) => void } = {},
): Promise<string[]> {
  const dir = options.dir ?? MIGRATIONS_DIR;
  const log = options.log ?? ((msg: string) => console.log(msg));
  const local = readMigrationFolders(dir); // read first: a missing file should fail before touching the database

  // A session-level lock, held across the per-migration transactions. PGlite has a single session: harmless there.
  await session.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
  try {
    await session.exec(CREATE_MIGRATIONS_TABLE);
    const rows = (
      await session.query<MigrationRow>(
        'SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY started_at',
      )
    ).rows;

    const failed = rows.filter((r) => r.finished_at === null && r.rolled_back_at === null).map((r) => r.migration_name);
    if (failed.length > 0) {
      throw new Error(
        `Migration(s) ${failed.join(', ')} failed or were interrupted in an earlier run (unfinished row in _prisma_migrations). ` +
          'Fix the database by hand, then mark the row rolled back (set rolled_back_at) or delete it, and run the migrations again.',
      );
    }

    // Rolled-back rows do not count: Prisma applies such a migration again.
    const applied = new Map(rows.filter((r) => r.rolled_back_at === null).map((r) => [r.migration_name, r.checksum]));
    for (const [name, checksum] of applied) {
      const file = local.find((m) => m.name === name);
      if (!file) log(`Warning: migration ${name} is recorded in the database but missing from ${dir}.`);
      else if (!file.checksums.includes(checksum))
        log(`Warning: migration ${name} was modified after it was applied (checksum mismatch); the change is not applied.`);
    }

    const done: string[] = [];
    for (const migration of local.filter((m) => !applied.has(m.name))) {
      log(`Applying migration ${migration.name}`);
      await session.exec('BEGIN');
      try {
        // One exec for the whole file: a single simple-protocol query on pg, db.exec on PGlite. Never split on ';'
        // (that breaks on ';' inside strings, comments and function bodies).
        await session.exec(migration.sql);
        // The row Prisma writes: started_at = now() is the transaction's start, finished_at the moment it ends.
        await session.query(
          `INSERT INTO _prisma_migrations
             (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
           VALUES ($1, $2, clock_timestamp(), $3, NULL, NULL, now(), 1)`,
          [randomUUID(), migration.checksums[0], migration.name],
        );
        await session.exec('COMMIT');
      } catch (error) {
        await session.exec('ROLLBACK').catch(() => {}); // the connection may be gone; the original error matters
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`Migration ${migration.name} failed and was rolled back: ${reason}`, { cause: error });
      }
      done.push(migration.name);
    }
    return done;
  } finally {
    // If the connection broke, the server has already dropped the lock with the session; do not mask the error.
    await session.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
  }
}

/**
 * Migration folders in name order (Prisma's order: the timestamp prefix). Each checksum list starts with the
 * file's own sha256, the value recorded on apply; the LF/CRLF variants are also accepted when comparing, as
 * Prisma does, so a checkout with converted line endings does not look edited.
 */
function readMigrationFolders(dir: string): { name: string; sql: string; checksums: string[] }[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort() // code-unit order, not locale order, like Prisma
    .map((name) => {
      const file = path.join(dir, name, 'migration.sql');
      if (!fs.existsSync(file)) throw new Error(`Migration folder ${name} has no migration.sql (${file}).`);
      const sql = fs.readFileSync(file, 'utf8');
      const lf = sql.replace(/\r\n/g, '\n');
      return { name, sql, checksums: [sha256(sql), sha256(lf), sha256(lf.replace(/\n/g, '\r\n'))] };
    });
}

/** Adapts a pg client (a Client or a pooled client) to {@link SqlSession}. */
export function pgSession(client: ClientBase): SqlSession {
  return {
    query: async <R>(sql: string, params?: unknown[]) => ({ rows: (await client.query(sql, params)).rows as R[] }),
    // No parameters: pg then uses the simple query protocol, which accepts many statements in one string.
    exec: (sql: string) => client.query(sql),
  };
}
