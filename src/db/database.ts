import path from 'node:path';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaClient } from '../generated/prisma/client';
import { countingAdapter } from './statement-counter';
import { registerWireReader } from './wire-rows';
import { applyMigrations, pgSession, type SqlSession } from './migrate';
import { acquireDataDirLock } from './data-dir-lock';
import { preparedStatementNames } from './prepared-statements';
import { DEFAULT_PREPARED_STATEMENTS } from '../config';
import './decimal-precision'; // money arithmetic at the columns' full precision

/** The database a gateway process talks to: a PostgreSQL server, or embedded PGlite. */
export interface Database {
  readonly prisma: PrismaClient;
  readonly kind: 'postgres' | 'pglite';
  /** Applies pending migrations; returns the names applied. */
  migrate(): Promise<string[]>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Connections of the pool: open, idle, and requests waiting for one (metrics). */
  poolStats(): { total: number; idle: number; waiting: number };
  /** Closes the client, the pool or the embedded database, and releases the data folder. */
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL URL; when absent, embedded PGlite in `dataDir`. */
  url?: string | undefined;
  poolMax?: number;
  /** PostgreSQL cancels a statement running longer (and frees its connection). */
  statementTimeoutMs?: number;
  /** How long to wait for a pool connection. */
  connectTimeoutMs?: number;
  /** How many statement texts PostgreSQL keeps prepared per connection (0: none, e.g. behind PgBouncer's transaction pooling). */
  preparedStatements?: number;
  dataDir?: string;
  log?: (message: string) => void;
}

/** Opens the database the options point at. Made once per process and passed to the server. */
export function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options) : openEmbedded(options.dataDir ?? '.data', options);
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  const preparedStatements = options.preparedStatements ?? DEFAULT_PREPARED_STATEMENTS;
  const pool = new pg.Pool({
    connectionString: url,
    // A prepared statement is planned once per connection, not once per run: planning these
    // statements (visibility rules, a level's merged reads) costs 5-10× their execution, and their
    // plans (index walks bounded by LIMIT) do not depend on the values bound.
    ...(preparedStatements > 0 ? { options: '-c plan_cache_mode=force_generic_plan' } : {}),
    max: options.poolMax ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 2_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs ?? 5_000,
    // A client that stops talking mid-transaction must not hold locks and a connection for long.
    idle_in_transaction_session_timeout: Math.max(10_000, (options.statementTimeoutMs ?? 5_000) * 2),
    // If the server itself stops answering, give up on the socket a little after the statement limit.
    query_timeout: (options.statementTimeoutMs ?? 5_000) + 2_000,
    application_name: 'trading-trace-gateway',
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (error) => options.log?.(`PostgreSQL pool error: ${error.message}`));
  const prisma = clientFor(
    new PrismaPg(pool, preparedStatements > 0 ? { statementNameGenerator: preparedStatementNames(preparedStatements) as (query: { sql: string }) => string } : {}),
  );
  return {
    prisma,
    kind: 'postgres',
    async migrate() {
      const client = await pool.connect();
      try {
        // Migrations may legitimately run long (an index on a big table): no statement limit.
        await client.query('SET statement_timeout = 0');
        return await applyMigrations(pgSession(client), { log: options.log });
      } finally {
        await client.query('RESET statement_timeout').catch(() => undefined);
        client.release();
      }
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function openEmbedded(dataDir: string, options: DatabaseOptions): Promise<Database> {
  const releaseLock = acquireDataDirLock(dataDir);
  try {
    // The CommonJS build, the one pglite-prisma-adapter requires: under tsx an `import()` loads
    // the ESM build, a second copy whose errors fail the adapter's `instanceof` check, so unique
    // violations arrived as raw 23505 instead of Prisma's P2002 (INTERNAL instead of CONFLICT).
    // Required here, not imported at the top, so PostgreSQL deployments never load PGlite.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PGlite } = require('@electric-sql/pglite') as typeof import('@electric-sql/pglite');
    const db = new PGlite(path.join(dataDir, 'pglite'));
    await db.waitReady;
    const prisma = clientFor(new PrismaPGlite(db));
    const session: SqlSession = { query: (sql, params) => db.query(sql, params), exec: (sql) => db.exec(sql) };
    return {
      prisma,
      kind: 'pglite',
      migrate: () => applyMigrations(session, { log: options.log }),
      async ping() {
        await db.query('SELECT 1');
      },
      // One embedded connection, always open.
      poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
      async close() {
        try {
          await prisma.$disconnect();
          await db.close();
        } finally {
          releaseLock();
        }
      },
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}

function clientFor(factory: SqlDriverAdapterFactory): PrismaClient {
  const counted = countingAdapter(factory);
  const prisma = new PrismaClient({ adapter: counted });
  registerWireReader(prisma, counted);
  return prisma;
}
