/**
 * The demo data set: what a fresh machine gets on first start (and what `npm run seed` inserts).
 * One file per domain beside this one; this one builds the whole set and inserts it once.
 *
 * Deterministic: every value comes from a seeded PRNG (rng.ts: mulberry32, one fixed seed per
 * section) and every timestamp is an offset from a fixed epoch (2026-01-05T00:00:00Z); no
 * Date.now(), no Math.random(). Database ids are whatever the sequences hand out, so the insert
 * order (insert.ts) is part of the data.
 *
 * Idempotent and atomic: everything is inserted in one interactive transaction (using only the
 * `tx` client, as PGlite requires), after a transaction-scoped advisory lock and a re-check, so a
 * crash mid-seed rolls everything back and two processes seeding at once insert it only once.
 * A database that already holds the seed (the demo user owns items, or the first seed dfid
 * exists) is left alone and the call returns `skipped: true` with zero counts.
 *
 * Ledger model (the one the gateway's balance computation uses; exchange.ts books it):
 *   quote asset = quoteAssetOf(symbol) (modules/exchange/ledger.ts); DEPOSIT +amount;
 *   each MARKET fill: FILL -(qty*price) and COMMISSION -(qty*price*fee) in the quote asset, at
 *   the default fee (DEFAULT_EXCHANGE_FEE_RATE in config.ts);
 *   each close: FILL +(qty*entryPrice) and REALIZED_PNL +/-pnl;
 *   free balance = ledger sum - qty*price of NEW LIMIT orders.
 * The builder checks that no (account, asset) balance ever goes negative, in time order, and that
 * free balances stay non-negative once LIMIT orders lock their funds.
 */
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { buildCircuits } from './circuits';
import { buildExchange } from './exchange';
import { insertAll, type DemoData, type SeedSummary } from './insert';
import { buildItems } from './items';
import { buildSessions, newTradingState } from './trading';
import { buildUsers, DEMO_USERNAME } from './users';

export type { SeedSummary } from './insert';
export { DEMO_USERNAME, SEED_USERNAMES } from './users';

/** The first item the seed inserts; its presence means the database is already seeded. */
export const SEED_SENTINEL_DFID = 'DFID-0001';

/** Arbitrary constant for pg_advisory_xact_lock: serialises concurrent seeds. */
const SEED_LOCK_KEY = 7_270_012_026;

/** The whole data set as plain values (pure and deterministic). */
function buildDemoData(): DemoData {
  const items = buildItems();
  const circuits = buildCircuits(items);
  const trading = newTradingState();
  const sessions = buildSessions(trading);
  return {
    users: buildUsers(),
    items,
    circuits,
    sessions,
    ...buildExchange(trading),
  };
}

const SKIPPED: SeedSummary = {
  users: 0,
  items: 0,
  circuits: 0,
  sessions: 0,
  trades: 0,
  accounts: 0,
  positions: 0,
  orders: 0,
  ledgerEntries: 0,
  skipped: true,
};

type Db = PrismaClient | Prisma.TransactionClient;

/** True once the seed (or the demo user's own data) is present. */
async function alreadySeeded(db: Db): Promise<boolean> {
  const found = await db.item.findFirst({
    where: { OR: [{ dfid: SEED_SENTINEL_DFID }, { owner: { username: DEMO_USERNAME } }] },
    select: { id: true },
  });
  return found !== null;
}

/** Inserts the demo data set; deterministic and safe to run twice (the second run changes nothing and returns skipped: true). */
export async function seedDemoData(prisma: PrismaClient, options?: { log?: (msg: string) => void }): Promise<SeedSummary> {
  const log = options?.log ?? (() => {});
  // Cheap check first, outside any transaction (the usual case on every start after the first).
  if (await alreadySeeded(prisma)) {
    log('seed: demo data already present, skipping');
    return { ...SKIPPED };
  }
  const data = buildDemoData();
  const started = performance.now();
  // One transaction: all or nothing. Only `tx` is used inside (PGlite has a single connection).
  const summary = await prisma.$transaction(
    async (tx) => {
      // Serialise concurrent seeders (several instances starting at once), then re-check.
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${SEED_LOCK_KEY})`);
      if (await alreadySeeded(tx)) return null;
      return insertAll(tx, data, log);
    },
    { maxWait: 30_000, timeout: 120_000 },
  );
  if (!summary) {
    log('seed: demo data inserted by another process, skipping');
    return { ...SKIPPED };
  }
  log(`seed: done in ${Math.round(performance.now() - started)} ms`);
  return summary;
}
