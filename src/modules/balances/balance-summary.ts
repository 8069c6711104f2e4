import { Prisma, type PrismaClient } from '../../generated/prisma/client';

/** One asset's balance; decimals as strings so the summary survives a JSON cache unchanged. */
export interface AssetBalanceData {
  asset: string;
  free: string;
  locked: string;
  total: string;
}

export interface AccountBalanceData {
  accountId: number;
  assets: AssetBalanceData[];
}

/** What the cache holds for a user: plain JSON, ids instead of rows (rows are loaded per request). */
export interface BalanceSummaryData {
  computedAt: string;
  assets: AssetBalanceData[];
  accounts: AccountBalanceData[];
  realizedPnl: string;
  openPositions: number;
}

interface Row {
  accountId: number;
  asset: string | null;
  total: string;
  locked: string;
  realizedPnl: string;
  openPositions: number;
}

/**
 * The statement behind a user's balances: the running rows of their accounts (totals, funds held
 * by NEW LIMIT orders, realized PnL; kept in the ledger's transactions, see the running_balances
 * migration) and the number of open positions. Its cost follows the number of accounts and
 * assets, not the length of the ledger. Rows without entries or holds (an asset whose last order
 * was canceled) are left out, as a sum over the ledger would leave them out. The benchmark times
 * this same statement.
 */
export function runningBalanceRowsOf(userId: number): Prisma.Sql {
  return Prisma.sql`
    WITH accounts AS (
      SELECT id FROM "ExchangeAccount" WHERE "userId" = ${userId}
    )
    SELECT a.id AS "accountId", b.asset, coalesce(b.total, 0)::text AS total, coalesce(b.locked, 0)::text AS locked,
           coalesce(b."realizedPnl", 0)::text AS "realizedPnl",
           (SELECT count(*)::int FROM "Position" p WHERE p."accountId" IN (SELECT id FROM accounts) AND p.status = 'OPEN') AS "openPositions"
    FROM accounts a LEFT JOIN "RunningBalance" b ON b."accountId" = a.id AND (b.entries > 0 OR b.locked <> 0)
    ORDER BY a.id, b.asset`;
}

/** A user's balances, read in one statement (`runningBalanceRowsOf`). */
export async function balanceSummaryFor(prisma: PrismaClient, userId: number): Promise<BalanceSummaryData> {
  const rows = await prisma.$queryRaw<Row[]>(runningBalanceRowsOf(userId));

  const accounts = new Map<number, AssetBalanceData[]>();
  const perAsset = new Map<string, { total: Prisma.Decimal; locked: Prisma.Decimal }>();
  let realizedPnl = new Prisma.Decimal(0);
  for (const row of rows) {
    const assets = accounts.get(row.accountId) ?? [];
    accounts.set(row.accountId, assets);
    if (row.asset === null) continue;
    const total = new Prisma.Decimal(row.total);
    const locked = new Prisma.Decimal(row.locked);
    assets.push(assetBalance(row.asset, total, locked));
    const sum = perAsset.get(row.asset) ?? { total: new Prisma.Decimal(0), locked: new Prisma.Decimal(0) };
    perAsset.set(row.asset, { total: sum.total.plus(total), locked: sum.locked.plus(locked) });
    realizedPnl = realizedPnl.plus(row.realizedPnl);
  }
  return {
    computedAt: new Date().toISOString(),
    assets: [...perAsset].map(([asset, sum]) => assetBalance(asset, sum.total, sum.locked)),
    accounts: [...accounts].map(([accountId, assets]) => ({ accountId, assets })),
    realizedPnl: realizedPnl.toFixed(),
    openPositions: rows[0]?.openPositions ?? 0,
  };
}

function assetBalance(asset: string, total: Prisma.Decimal, locked: Prisma.Decimal): AssetBalanceData {
  return { asset, free: total.minus(locked).toFixed(), locked: locked.toFixed(), total: total.toFixed() };
}
