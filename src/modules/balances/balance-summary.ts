import { Prisma, type ExchangeAccount, type PrismaClient } from '../../generated/prisma/client';
import { wireRows } from '../../db/wire-rows';
import { ACCOUNT_ROW } from '../exchange/account-row';

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

/**
 * The open positions of one symbol and side, summed: enough to value them at any mark price
 * (PnL is linear in the price), so the cache can hold them while prices stay out of it.
 */
export interface ExposureData {
  symbol: string;
  side: 'LONG' | 'SHORT';
  positions: number;
  /** Total quantity of the base asset. */
  quantity: string;
  /** Σ quantity × entry price, in the quote asset: what opening them paid out of the ledger. */
  cost: string;
}

/** What the cache holds for a user: plain JSON, ids instead of rows (rows are loaded per request). */
export interface BalanceSummaryData {
  computedAt: string;
  assets: AssetBalanceData[];
  accounts: AccountBalanceData[];
  /** Realized PnL per quote asset (assets with none are left out). */
  realizedPnlByAsset: Array<{ asset: string; amount: string }>;
  exposures: ExposureData[];
}

interface Row {
  accountId: number;
  /** The account's row, every column in its wire form (ACCOUNT_ROW.everyColumn), as lean reads give it. */
  account: ExchangeAccount;
  asset: string | null;
  total: string;
  locked: string;
  realizedPnl: string;
  exposures: ExposureData[];
}

/** Every column of an account in its wire form: the summary's rows carry their account's row. */
const ACCOUNT_JSON = Prisma.raw(ACCOUNT_ROW.jsonOf(ACCOUNT_ROW.everyColumn!));

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
      SELECT * FROM "ExchangeAccount" WHERE "userId" = ${userId}
    )
    SELECT a.id AS "accountId", ${ACCOUNT_JSON} AS account, b.asset, coalesce(b.total, 0)::text AS total, coalesce(b.locked, 0)::text AS locked,
           coalesce(b."realizedPnl", 0)::text AS "realizedPnl",
           (SELECT coalesce(json_agg(e ORDER BY e.symbol, e.side), '[]'::json) FROM (
              SELECT p.symbol, p.side::text AS side, count(*)::int AS positions,
                     sum(p.quantity)::text AS quantity, sum(p.quantity * p."entryPrice")::text AS cost
              FROM "Position" p WHERE p."accountId" IN (SELECT id FROM accounts) AND p.status = 'OPEN'
              GROUP BY p.symbol, p.side) e) AS exposures
    FROM accounts a LEFT JOIN "RunningBalance" b ON b."accountId" = a.id AND (b.entries > 0 OR b.locked <> 0)
    ORDER BY a.id, b.asset`;
}

/**
 * A user's balances, read in one statement (`runningBalanceRowsOf`); `onAccount` gets the row of
 * each of their accounts, read along (accounts are not cached: the cache keeps their ids).
 */
export async function balanceSummaryFor(prisma: PrismaClient, userId: number, onAccount?: (row: ExchangeAccount) => void): Promise<BalanceSummaryData> {
  // Every value is already text or JSON: the driver's rows as they are (its own statement, never merged).
  const rows = await wireRows<Row>({ prisma }, runningBalanceRowsOf(userId));

  const accounts = new Map<number, AssetBalanceData[]>();
  const perAsset = new Map<string, { total: Prisma.Decimal; locked: Prisma.Decimal }>();
  const realizedPerAsset = new Map<string, Prisma.Decimal>();
  for (const row of rows) {
    let assets = accounts.get(row.accountId);
    if (!assets) {
      accounts.set(row.accountId, (assets = []));
      onAccount?.(row.account);
    }
    if (row.asset === null) continue;
    const total = new Prisma.Decimal(row.total);
    const locked = new Prisma.Decimal(row.locked);
    assets.push(assetBalance(row.asset, total, locked));
    const sum = perAsset.get(row.asset) ?? { total: new Prisma.Decimal(0), locked: new Prisma.Decimal(0) };
    perAsset.set(row.asset, { total: sum.total.plus(total), locked: sum.locked.plus(locked) });
    if (!new Prisma.Decimal(row.realizedPnl).isZero()) {
      realizedPerAsset.set(row.asset, (realizedPerAsset.get(row.asset) ?? new Prisma.Decimal(0)).plus(row.realizedPnl));
    }
  }
  return {
    computedAt: new Date().toISOString(),
    assets: [...perAsset].map(([asset, sum]) => assetBalance(asset, sum.total, sum.locked)),
    accounts: [...accounts].map(([accountId, assets]) => ({ accountId, assets })),
    realizedPnlByAsset: [...realizedPerAsset].sort(([a], [b]) => (a < b ? -1 : 1)).map(([asset, amount]) => ({ asset, amount: amount.toFixed() })),
    exposures: (rows[0]?.exposures ?? []).map((e) => ({ ...e, quantity: new Prisma.Decimal(e.quantity).toFixed(), cost: new Prisma.Decimal(e.cost).toFixed() })),
  };
}

function assetBalance(asset: string, total: Prisma.Decimal, locked: Prisma.Decimal): AssetBalanceData {
  return { asset, free: total.minus(locked).toFixed(), locked: locked.toFixed(), total: total.toFixed() };
}
