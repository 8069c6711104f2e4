// Builds (or reuses) the benchmark database: the product's migrations, then set-based inserts
// (INSERT … SELECT FROM generate_series), then VACUUM ANALYZE. A marker table records what was
// built, so a second run at the same scale reuses it.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { openDatabase } from '../src/db/database';
import { createApiKey } from '../src/auth/api-keys';
import { databaseName, withDatabaseName } from './settings';

/** Bump when the generated data changes shape: older benchmark databases are rebuilt. */
const DATA_VERSION = 2;
const MARKER_TABLE = 'bench_meta';

export interface Scale {
  scale: number;
  items: number;
  otherUsers: number;
  circuits: number;
  sessions: number;
  tradesPerSession: number;
  positions: number;
  ledgerEntries: number;
  /** The ledgers of the users whose balance misses are compared (light, medium; the bench user is heavy). */
  lightLedgerEntries: number;
  mediumLedgerEntries: number;
}

export function scaleOf(scale: number): Scale {
  return {
    scale,
    items: Math.max(200, Math.round(100_000 * scale)),
    otherUsers: 20,
    circuits: Math.max(10, Math.round(200 * scale)),
    sessions: Math.max(4, Math.round(200 * scale)),
    tradesPerSession: 1000,
    positions: Math.max(50, Math.round(20_000 * scale)),
    ledgerEntries: Math.max(1000, Math.round(1_000_000 * scale)),
    lightLedgerEntries: 1000,
    mediumLedgerEntries: Math.max(1000, Math.round(100_000 * scale)),
  };
}

/** What the measurements need to know about the data: who asks, with which key, for what. */
export interface BenchData {
  scale: Scale;
  counts: Record<string, number>;
  userId: number;
  apiKey: string;
  /** A dfid the viewer can see, in the middle of the table. */
  sampleDfid: string;
  /** Users with ledgers of different lengths, light to heavy (the bench user), each with a key. */
  ledgerUsers: LedgerUser[];
  reused: boolean;
  buildMs: number;
}

export interface LedgerUser {
  username: string;
  userId: number;
  ledgerEntries: number;
  apiKey: string;
}

export const BENCH_USERNAME = 'bench';
/** bench-user-01 and -02 hold the light and medium ledgers (accounts 3 and 4). */
const LEDGER_USERNAMES = ['bench-user-01', 'bench-user-02'] as const;
const BENCH_KEY_NAME = 'bench-run';

async function adminClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: withDatabaseName(url, 'postgres') });
  await client.connect();
  return client;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Drops and creates `url`'s database (only ever a benchmark database). */
export async function recreateDatabase(url: string): Promise<void> {
  const admin = await adminClient(url);
  try {
    const name = databaseName(url).replace(/"/g, '""');
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
}

async function databaseExists(url: string): Promise<boolean> {
  const admin = await adminClient(url);
  try {
    return (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName(url)])).rowCount === 1;
  } finally {
    await admin.end();
  }
}

interface Marker {
  version: number;
  scale: Scale;
  counts: Record<string, number>;
}

async function readMarker(url: string): Promise<{ marker: Marker | null; hasUsers: boolean }> {
  return withClient(url, async (client) => {
    const tables = await client.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ($1, 'User')`,
      [MARKER_TABLE],
    );
    const names = new Set(tables.rows.map((row) => row.name));
    const hasUsers = names.has('User') && (await client.query('SELECT 1 FROM "User" LIMIT 1')).rowCount === 1;
    if (!names.has(MARKER_TABLE)) return { marker: null, hasUsers };
    const rows = await client.query<{ value: Marker }>(`SELECT value FROM ${MARKER_TABLE} WHERE key = 'data'`);
    return { marker: rows.rows[0]?.value ?? null, hasUsers };
  });
}

/** Field by field: the marker is jsonb, which does not keep key order. */
const sameScale = (a: Scale, b: Scale) =>
  Object.keys(b).length === Object.keys(a).length && (Object.keys(b) as Array<keyof Scale>).every((key) => a[key] === b[key]);

/**
 * The benchmark database at `scale`: reused when its marker says it holds exactly this data,
 * rebuilt otherwise. A database that holds data but no marker is only dropped when it is the
 * default `gateway_bench` or BENCH_REBUILD is set, so a mistyped URL cannot wipe real data.
 */
export async function prepareBenchDatabase(
  url: string,
  scaleFactor: number,
  options: { rebuild: boolean; log: (line: string) => void },
): Promise<BenchData> {
  const scale = scaleOf(scaleFactor);
  const started = performance.now();
  let reused = false;
  let counts: Record<string, number> = {};
  if (await databaseExists(url)) {
    const { marker, hasUsers } = await readMarker(url);
    if (marker && marker.version === DATA_VERSION && sameScale(marker.scale, scale) && !options.rebuild) {
      reused = true;
      counts = marker.counts;
    } else if (hasUsers && !marker && !options.rebuild && databaseName(url) !== 'gateway_bench') {
      throw new Error(
        `${databaseName(url)} holds data but is not a benchmark database (no ${MARKER_TABLE} table); ` +
          'point BENCH_DATABASE_URL at another database, or set BENCH_REBUILD=1 to drop and rebuild it',
      );
    }
  }
  // Migrations run either way: a reused database gets any migration added since it was built.
  if (!reused) {
    options.log(`building the benchmark database ${databaseName(url)} at scale ${scaleFactor} (${describe(scale)})`);
    await recreateDatabase(url);
  }
  const db = await openDatabase({ url, poolMax: 2, log: () => undefined });
  try {
    const applied = await db.migrate();
    if (applied.length && reused) options.log(`applied new migrations to the reused database: ${applied.join(', ')}`);
    if (!reused) {
      counts = await fill(url, scale, options.log);
    }
    // A fresh key per run; the previous runs' keys are removed so the table does not grow.
    const user = await db.prisma.user.findUniqueOrThrow({ where: { username: BENCH_USERNAME } });
    await db.prisma.apiKey.deleteMany({ where: { userId: user.id, name: BENCH_KEY_NAME } });
    const { key } = await createApiKey(db.prisma, user.id, BENCH_KEY_NAME);
    const ledgerUsers: LedgerUser[] = [];
    for (const [username, ledgerEntries] of [[LEDGER_USERNAMES[0], scale.lightLedgerEntries], [LEDGER_USERNAMES[1], scale.mediumLedgerEntries]] as const) {
      const other = await db.prisma.user.findUniqueOrThrow({ where: { username } });
      await db.prisma.apiKey.deleteMany({ where: { userId: other.id, name: BENCH_KEY_NAME } });
      ledgerUsers.push({ username, userId: other.id, ledgerEntries, apiKey: (await createApiKey(db.prisma, other.id, BENCH_KEY_NAME)).key });
    }
    ledgerUsers.push({ username: BENCH_USERNAME, userId: user.id, ledgerEntries: scale.ledgerEntries, apiKey: key });
    const buildMs = Math.round(performance.now() - started);
    options.log(
      reused
        ? `reusing the benchmark database ${databaseName(url)} (scale ${scaleFactor}: ${describe(scale)})`
        : `built in ${(buildMs / 1000).toFixed(1)} s`,
    );
    return {
      scale,
      counts,
      userId: user.id,
      apiKey: key,
      sampleDfid: dfidOf(Math.floor(scale.items / 2) - (Math.floor(scale.items / 2) % 10)),
      ledgerUsers,
      reused,
      buildMs,
    };
  } finally {
    await db.close();
  }
}

/** Drops a database of the benchmark's (the empty one, once measured). */
export async function dropDatabase(url: string): Promise<void> {
  const admin = await adminClient(url);
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${databaseName(url).replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** The empty database of the startup measurement: migrated, one user and key, nothing else. */
export async function prepareEmptyDatabase(url: string): Promise<{ apiKey: string }> {
  await recreateDatabase(url);
  const db = await openDatabase({ url, poolMax: 2, log: () => undefined });
  try {
    await db.migrate();
    const user = await db.prisma.user.create({ data: { username: BENCH_USERNAME } });
    const { key } = await createApiKey(db.prisma, user.id, BENCH_KEY_NAME);
    return { apiKey: key };
  } finally {
    await db.close();
  }
}

export const dfidOf = (n: number) => `BENCH-${String(n).padStart(8, '0')}`;

function describe(scale: Scale): string {
  return (
    `${scale.items} items, ${scale.circuits} circuits, ${scale.sessions} sessions × ${scale.tradesPerSession} trades, ` +
    `${scale.positions} positions, ${scale.ledgerEntries} ledger entries`
  );
}

/**
 * The data set. Ids are explicit (1..n per table, sequences moved past them afterwards), so
 * every relation is computed from the ids alone:
 * - users: 1 = `bench` (owns most items, every trading row and the 1M-entry ledger), 2..21 others.
 * - items g: owner bench unless g % 10 = 5 (another user); 1–3 identifiers, 3 events, 1 source;
 *   pushed to circuit (g % C) + 1 when g is even and to ((7g) % C) + 1 when g % 3 = 0. The viewer
 *   is a member of every circuit but those with c % 10 = 9, so some items and some of an item's
 *   circuits are invisible to it (visibility is exercised, not bypassed).
 * - circuits c: 5–16 other members each, plus the bench user.
 * - sessions s: 1000 trades each; every other trade belongs to one of the positions, which have
 *   3 orders each (the fill, a stop-loss, a take-profit).
 * - ledger: the bench user's two accounts, 90 % on the first; bench-user-01 (account 3) and
 *   bench-user-02 (account 4) hold the light and medium ledgers of the balance comparison.
 *   Running balances are rebuilt from it once loaded (the load runs with triggers off).
 */
async function fill(url: string, scale: Scale, log: (line: string) => void): Promise<Record<string, number>> {
  const { items, otherUsers, circuits: C, sessions, tradesPerSession: T, positions: P, ledgerEntries } = scale;
  const ledgerOf = (accountId: string, entries: number, seed: string) =>
    `INSERT INTO "LedgerEntry" ("accountId", asset, amount, kind, "createdAt")
     SELECT ${accountId}, CASE WHEN g % 7 = 0 THEN 'BTC' ELSE 'USDT' END,
            CASE g % 4 WHEN 0 THEN 1000 WHEN 1 THEN -(g % 997) WHEN 2 THEN -(g % 13) * 0.001 ELSE (g % 211) - 100 END,
            (CASE g % 4 WHEN 0 THEN 'DEPOSIT' WHEN 1 THEN 'FILL' WHEN 2 THEN 'COMMISSION' ELSE 'REALIZED_PNL' END)::"LedgerKind",
            timestamp '2024-01-01' + g * interval '${seed}'
     FROM generate_series(1, ${entries}) g`;
  const steps: Array<[string, string]> = [
    [
      'users',
      `INSERT INTO "User" (id, username, "createdAt")
       SELECT g, CASE WHEN g = 1 THEN '${BENCH_USERNAME}' ELSE 'bench-user-' || lpad((g - 1)::text, 2, '0') END,
              timestamp '2025-01-01' + g * interval '1 minute'
       FROM generate_series(1, ${1 + otherUsers}) g`,
    ],
    [
      'items',
      `INSERT INTO "Item" (id, dfid, "ownerId", aliases, fingerprint, "confidenceScore", "legacyMode", "createdAt", "updatedAt")
       SELECT g, 'BENCH-' || lpad(g::text, 8, '0'),
              CASE WHEN g % 10 = 5 THEN 2 + (g % ${otherUsers}) ELSE 1 END,
              CASE g % 4 WHEN 0 THEN ARRAY['ALIAS-' || g, 'OLD-' || g] WHEN 1 THEN ARRAY['ALIAS-' || g] ELSE ARRAY[]::text[] END,
              md5(g::text), ((g * 37) % 101) / 100.0, g % 17 = 0,
              timestamp '2025-06-01' + g * interval '1 minute', timestamp '2025-06-01' + g * interval '1 minute' + interval '2 hours'
       FROM generate_series(1, ${items}) g`,
    ],
    [
      'item identifiers',
      `INSERT INTO "ItemIdentifier" ("itemId", key, value)
       SELECT g, k.key, k.prefix || lpad(g::text, 8, '0')
       FROM generate_series(1, ${items}) g
       CROSS JOIN (VALUES (1, 'sku', 'SKU-'), (2, 'gtin', '40'), (3, 'lot', 'LOT-2025-')) AS k(n, key, prefix)
       WHERE k.n <= 1 + g % 3
       ORDER BY g, k.n`,
    ],
    [
      'item sources',
      `INSERT INTO "ItemSource" ("itemId", "userId", source, "entryRef", "receivedAt")
       SELECT g, CASE WHEN g % 10 = 5 THEN 2 + (g % ${otherUsers}) ELSE 1 END,
              (ARRAY['erp', 'scanner', 'partner-api'])[1 + g % 3], 'REF-' || g,
              timestamp '2025-06-01' + g * interval '1 minute'
       FROM generate_series(1, ${items}) g`,
    ],
    [
      'item events',
      `INSERT INTO "ItemEvent" ("itemId", type, "occurredAt", source, data)
       SELECT g, (ARRAY['CREATED', 'SHIPPED', 'RECEIVED'])[k], timestamp '2025-06-01' + g * interval '1 minute' + k * interval '1 hour',
              'scanner', jsonb_build_object('site', 'DC-' || (g % 13), 'seq', k, 'temperatureC', (g % 30) - 5)
       FROM generate_series(1, ${items}) g CROSS JOIN generate_series(1, 3) k
       ORDER BY g, k`,
    ],
    [
      'circuits',
      `INSERT INTO "Circuit" (id, name, description, "ownerId", "createdAt")
       SELECT c, 'Circuit ' || c, 'Benchmark circuit ' || c, CASE WHEN c % 2 = 0 THEN 1 ELSE 2 + (c % ${otherUsers}) END,
              timestamp '2025-05-01' + c * interval '1 hour'
       FROM generate_series(1, ${C}) c`,
    ],
    [
      'circuit members',
      // The owner (OWNER), the bench user unless c % 10 = 9, and 5–16 other users.
      `INSERT INTO "CircuitMember" ("circuitId", "userId", role, "joinedAt")
       SELECT c, u, role::"CircuitRole", joined FROM (
         SELECT c.id AS c, c."ownerId" AS u, 'OWNER' AS role, c."createdAt" AS joined FROM "Circuit" c
         UNION ALL
         SELECT c.id, 1, (ARRAY['ADMIN', 'MEMBER', 'VIEWER'])[1 + c.id % 3], c."createdAt" + interval '30 minutes'
         FROM "Circuit" c WHERE c."ownerId" <> 1 AND c.id % 10 <> 9
         UNION ALL
         SELECT c.id, 2 + ((c.id + j) % ${otherUsers}), (ARRAY['ADMIN', 'MEMBER', 'VIEWER'])[1 + j % 3], c."createdAt" + j * interval '1 hour'
         FROM "Circuit" c CROSS JOIN generate_series(1, 16) j
         WHERE j <= 5 + c.id % 12 AND 2 + ((c.id + j) % ${otherUsers}) <> c."ownerId"
       ) m ORDER BY c, joined`,
    ],
    [
      'circuit items',
      `INSERT INTO "CircuitItem" ("circuitId", "itemId", "pushedById", "pushedAt")
       SELECT DISTINCT ON (circuit, g) circuit, g, 1, timestamp '2025-06-01' + g * interval '1 minute' + k * interval '1 day'
       FROM generate_series(1, ${items}) g
       CROSS JOIN LATERAL (VALUES (1, (g % ${C}) + 1, g % 2 = 0), (2, ((7 * g) % ${C}) + 1, g % 3 = 0)) AS x(k, circuit, pushed)
       WHERE pushed
       ORDER BY circuit, g, k`,
    ],
    [
      'exchange accounts',
      `INSERT INTO "ExchangeAccount" (id, "userId", exchange, label, "createdAt") VALUES
         (1, 1, 'paper', 'main', timestamp '2025-01-02'), (2, 1, 'paper', 'hedge', timestamp '2025-01-03'),
         (3, 2, 'paper', 'main', timestamp '2025-01-04'), (4, 3, 'paper', 'main', timestamp '2025-01-05')`,
    ],
    [
      'positions',
      `INSERT INTO "Position" (id, "accountId", symbol, side, quantity, "entryPrice", status, "stopLoss", "takeProfit",
                               "openedAt", "closedAt", "exitPrice", "realizedPnl")
       SELECT p, CASE WHEN p % 10 = 0 THEN 2 ELSE 1 END, (ARRAY['BTC-USDT', 'ETH-USDT', 'SOL-USDT'])[1 + p % 3],
              (CASE WHEN p % 2 = 0 THEN 'LONG' ELSE 'SHORT' END)::"PositionSide",
              0.001 * (1 + p % 50), 100 + (p % 997) * 0.5,
              (CASE WHEN p % 50 = 0 THEN 'OPEN' ELSE 'CLOSED' END)::"PositionStatus",
              CASE WHEN p % 2 = 0 THEN 90 + (p % 997) * 0.5 ELSE 110 + (p % 997) * 0.5 END,
              CASE WHEN p % 2 = 0 THEN 110 + (p % 997) * 0.5 ELSE 90 + (p % 997) * 0.5 END,
              timestamp '2025-03-01' + p * interval '5 minutes',
              CASE WHEN p % 50 = 0 THEN NULL ELSE timestamp '2025-03-01' + p * interval '5 minutes' + interval '3 hours' END,
              CASE WHEN p % 50 = 0 THEN NULL ELSE 101 + (p % 997) * 0.5 END,
              CASE WHEN p % 50 = 0 THEN NULL ELSE ((p % 41) - 20) * 0.125 END
       FROM generate_series(1, ${P}) p`,
    ],
    [
      'orders',
      // Per position: its MARKET fill, a STOP_LOSS and a TAKE_PROFIT (NEW while the position is
      // open, CANCELED once closed); plus a few NEW LIMIT orders that lock funds.
      `INSERT INTO "Order" (id, "accountId", "positionId", symbol, side, type, quantity, price, status, "createdAt", "filledAt", "canceledAt")
       SELECT 3 * (p.id - 1) + k, p."accountId", p.id, p.symbol,
              (CASE WHEN (p.side = 'LONG') = (k = 1) THEN 'BUY' ELSE 'SELL' END)::"OrderSide",
              (ARRAY['MARKET', 'STOP_LOSS', 'TAKE_PROFIT'])[k]::"OrderType",
              p.quantity, CASE k WHEN 1 THEN p."entryPrice" WHEN 2 THEN p."stopLoss" ELSE p."takeProfit" END,
              (CASE WHEN k = 1 THEN 'FILLED' WHEN p.status = 'OPEN' THEN 'NEW' ELSE 'CANCELED' END)::"OrderStatus",
              p."openedAt" + k * interval '1 second',
              CASE WHEN k = 1 THEN p."openedAt" + interval '1 second' END,
              CASE WHEN k > 1 AND p.status = 'CLOSED' THEN p."closedAt" END
       FROM "Position" p CROSS JOIN generate_series(1, 3) k
       UNION ALL
       SELECT 3 * ${P} + g, 1, NULL, 'BTC-USDT', 'BUY', 'LIMIT', 0.01, 50000 + g, 'NEW', timestamp '2025-09-01' + g * interval '1 minute', NULL, NULL
       FROM generate_series(1, 20) g`,
    ],
    [
      'trading sessions',
      `INSERT INTO "TradingSession" (id, "userId", "sessionKey", status, "startedAt", "endedAt", "endReason", "initialBalance",
                                     "currentBalance", "finalBalance", "lastHeartbeatAt", symbols, recovered, "totalTrades", "totalPnl")
       SELECT s, 1, 'bench-session-' || s,
              (CASE WHEN s = ${sessions} THEN 'RUNNING' ELSE 'STOPPED' END)::"SessionStatus",
              timestamp '2025-02-01' + s * interval '6 hours',
              CASE WHEN s = ${sessions} THEN NULL ELSE timestamp '2025-02-01' + s * interval '6 hours' + interval '5 hours' END,
              (CASE WHEN s = ${sessions} THEN NULL ELSE 'NORMAL' END)::"SessionEndReason",
              10000, 10000 + (s % 17) * 12.5, CASE WHEN s = ${sessions} THEN NULL ELSE 10000 + (s % 17) * 12.5 END,
              timestamp '2025-02-01' + s * interval '6 hours' + interval '5 hours',
              ARRAY['EURUSD', 'BTC-USDT'], s % 25 = 0, ${T}, (s % 17) * 12.5
       FROM generate_series(1, ${sessions}) s`,
    ],
    [
      'trades',
      `INSERT INTO "Trade" (id, "sessionId", "userId", "tradeId", "executedAt", symbol, direction, intensity, action, volume,
                            "entryPrice", "exitPrice", pnl, "pnlPips", commission, "hmmState", "isPaper", comment, "positionId")
       SELECT (s - 1) * ${T} + t, s, 1, 'T-' || lpad(t::text, 5, '0'),
              timestamp '2025-02-01' + s * interval '6 hours' + t * interval '15 seconds',
              CASE WHEN t % 2 = 0 THEN 'BTC-USDT' ELSE 'EURUSD' END, CASE WHEN t % 3 = 0 THEN 'SELL' ELSE 'BUY' END,
              (t % 10) / 10.0, (CASE WHEN t % 2 = 0 THEN 'OPEN' ELSE 'CLOSE' END)::"TradeAction",
              0.01 * (1 + t % 7), 1.0850 + (t % 100) * 0.0001,
              CASE WHEN t % 2 = 1 THEN 1.0860 + (t % 100) * 0.0001 END,
              CASE WHEN t % 2 = 1 THEN ((t % 21) - 10) * 1.25 END,
              CASE WHEN t % 2 = 1 THEN (t % 21) - 10 END,
              0.07, t % 4, t % 5 = 0, CASE WHEN t % 50 = 0 THEN 'rebalance' END,
              CASE WHEN t % 2 = 0 THEN ((((s - 1) * ${T} + t) / 2) % ${P}) + 1 END
       FROM generate_series(1, ${sessions}) s CROSS JOIN generate_series(1, ${T}) t`,
    ],
    [
      'session events',
      `INSERT INTO "SessionEvent" ("sessionId", type, "occurredAt", data)
       SELECT s, (ARRAY['SESSION_STARTED', 'RISK_LIMIT', 'RECONNECT', 'DAY_CHANGE', 'SESSION_ENDED'])[k],
              timestamp '2025-02-01' + s * interval '6 hours' + k * interval '1 hour', jsonb_build_object('k', k)
       FROM generate_series(1, ${sessions}) s CROSS JOIN generate_series(1, 5) k`,
    ],
    [
      'ledger entries',
      `INSERT INTO "LedgerEntry" ("accountId", asset, amount, kind, "createdAt")
       SELECT CASE WHEN g % 10 = 0 THEN 2 ELSE 1 END, CASE WHEN g % 7 = 0 THEN 'BTC' ELSE 'USDT' END,
              CASE g % 4 WHEN 0 THEN 1000 WHEN 1 THEN -(g % 997) WHEN 2 THEN -(g % 13) * 0.001 ELSE (g % 211) - 100 END,
              (CASE g % 4 WHEN 0 THEN 'DEPOSIT' WHEN 1 THEN 'FILL' WHEN 2 THEN 'COMMISSION' ELSE 'REALIZED_PNL' END)::"LedgerKind",
              timestamp '2024-01-01' + g * interval '20 seconds'
       FROM generate_series(1, ${ledgerEntries}) g`,
    ],
    ['light ledger', ledgerOf('3', scale.lightLedgerEntries, '1 hour')],
    ['medium ledger', ledgerOf('4', scale.mediumLedgerEntries, '1 minute')],
    ['running balances', `SELECT "rebuild_running_balances"()`],
  ];

  await withClient(url, async (client) => {
    // The rows are consistent by construction: foreign-key triggers are skipped during the load
    // (superuser only), which makes it several times faster. Nothing else is relaxed.
    await client.query(`SET session_replication_role = replica`);
    await client.query(`SET synchronous_commit = off`);
    await client.query(`SET maintenance_work_mem = '256MB'`);
    await client.query(`SET work_mem = '64MB'`);
    await client.query('BEGIN');
    for (const [name, sql] of steps) {
      const started = performance.now();
      const result = await client.query(sql);
      log(`  ${name}: ${result.rowCount} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    for (const table of ['User', 'Item', 'Circuit', 'ExchangeAccount', 'Position', 'Order', 'TradingSession', 'Trade']) {
      await client.query(`SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), (SELECT max(id) FROM "${table}"))`);
    }
    await client.query('COMMIT');
    await client.query(`SET session_replication_role = DEFAULT`);
    const started = performance.now();
    await client.query('VACUUM (ANALYZE)');
    log(`  vacuum analyze: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });

  const counts = await withClient(url, async (client) => {
    const tables = ['User', 'Item', 'ItemIdentifier', 'ItemEvent', 'ItemSource', 'Circuit', 'CircuitMember', 'CircuitItem',
      'TradingSession', 'Trade', 'SessionEvent', 'ExchangeAccount', 'Position', 'Order', 'LedgerEntry'];
    const result: Record<string, number> = {};
    for (const table of tables) {
      result[table] = Number((await client.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n);
    }
    // The marker goes in last: an interrupted build has none and is rebuilt next time.
    await client.query(`CREATE TABLE ${MARKER_TABLE} (key text PRIMARY KEY, value jsonb NOT NULL)`);
    const marker: Marker = { version: DATA_VERSION, scale, counts: result };
    await client.query(`INSERT INTO ${MARKER_TABLE} (key, value) VALUES ('data', $1)`, [JSON.stringify(marker)]);
    return result;
  });
  return counts;
}
