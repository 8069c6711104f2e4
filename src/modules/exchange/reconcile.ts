import type { PrismaClient } from '../../generated/prisma/client';

/** A running row that does not equal what the ledger and the open orders say it should. */
export interface BalanceDifference {
  accountId: number;
  asset: string;
  field: 'total' | 'locked' | 'realizedPnl' | 'entries';
  /** What the running row holds ("missing" when there is no row). */
  running: string;
  /** The sum over the ledger entries (or the holds of NEW LIMIT orders, for `locked`). */
  expected: string;
}

export interface Reconciliation {
  /** Running rows and ledger groups compared. */
  rows: number;
  differences: BalanceDifference[];
}

interface Row {
  accountId: number;
  asset: string;
  present: boolean;
  total: string;
  locked: string;
  realizedPnl: string;
  entries: string;
  expectedTotal: string;
  expectedLocked: string;
  expectedRealizedPnl: string;
  expectedEntries: string;
}

const FIELDS = [
  ['total', 'expectedTotal'],
  ['locked', 'expectedLocked'],
  ['realizedPnl', 'expectedRealizedPnl'],
  ['entries', 'expectedEntries'],
] as const;

/**
 * Checks every running balance against the source of truth: the sum of its ledger entries and
 * the holds of its account's NEW LIMIT orders. One statement, so one snapshot: the running rows
 * and the ledger are written in the same transactions, and a check while writers run is exact.
 * Reads the whole ledger: an audit, not a request path.
 */
export async function reconcileRunningBalances(prisma: PrismaClient): Promise<Reconciliation> {
  const rows = await prisma.$queryRaw<Row[]>`
    WITH ledger AS (
      SELECT "accountId", asset, sum(amount) AS total, coalesce(sum(amount) FILTER (WHERE kind = 'REALIZED_PNL'), 0) AS pnl, count(*) AS entries
      FROM "LedgerEntry" GROUP BY "accountId", asset
    ), locks AS (
      SELECT "accountId", split_part(symbol, '-', 2) AS asset, sum(quantity * price) AS locked
      FROM "Order" WHERE status = 'NEW' AND type = 'LIMIT' GROUP BY 1, 2
    ), expected AS (
      SELECT coalesce(l."accountId", k."accountId") AS "accountId", coalesce(l.asset, k.asset) AS asset,
             coalesce(l.total, 0) AS total, coalesce(k.locked, 0) AS locked, coalesce(l.pnl, 0) AS pnl, coalesce(l.entries, 0) AS entries
      FROM ledger l FULL JOIN locks k ON k."accountId" = l."accountId" AND k.asset = l.asset
    )
    SELECT coalesce(r."accountId", e."accountId") AS "accountId", coalesce(r.asset, e.asset) AS asset, r."accountId" IS NOT NULL AS present,
           coalesce(r.total, 0)::text AS total, coalesce(r.locked, 0)::text AS locked, coalesce(r."realizedPnl", 0)::text AS "realizedPnl",
           coalesce(r.entries, 0)::text AS entries,
           coalesce(e.total, 0)::text AS "expectedTotal", coalesce(e.locked, 0)::text AS "expectedLocked",
           coalesce(e.pnl, 0)::text AS "expectedRealizedPnl", coalesce(e.entries, 0)::text AS "expectedEntries"
    FROM "RunningBalance" r FULL JOIN expected e ON e."accountId" = r."accountId" AND e.asset = r.asset
    WHERE r."accountId" IS NULL
       OR r.total <> coalesce(e.total, 0) OR r.locked <> coalesce(e.locked, 0)
       OR r."realizedPnl" <> coalesce(e.pnl, 0) OR r.entries <> coalesce(e.entries, 0)
    ORDER BY 1, 2`;
  const [counted] = await prisma.$queryRaw<Array<{ count: number }>>`SELECT count(*)::int AS count FROM "RunningBalance"`;
  const count = counted?.count ?? 0;
  const differences: BalanceDifference[] = [];
  for (const row of rows) {
    for (const [field, expected] of FIELDS) {
      const running = plain(row[field]);
      if (!row.present || running !== plain(row[expected])) {
        differences.push({ accountId: row.accountId, asset: row.asset, field, running: row.present ? running : 'missing', expected: plain(row[expected]) });
      }
    }
  }
  return { rows: count + rows.filter((row) => !row.present).length, differences };
}

/** numeric's text keeps the column's scale ("5.000…"): values are compared and shown without it. */
const plain = (text: string) => (text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text);
