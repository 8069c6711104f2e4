import { Prisma, type LedgerKind, type OrderSide, type OrderStatus, type OrderType } from '../../generated/prisma/client';
import { badUserInput } from '../../errors';
import type { AccountOrderFilter, LedgerEntryFilter } from '../../generated/graphql';
import { ASSET_PATTERN } from './ledger';
import { parseSymbol } from './symbols';

// The filters of an account's orders and ledger, checked once and carried as plain values: the
// child-list loaders key their batches by them (JSON), and build one SQL condition from them.

/** An order filter, checked: the symbol in its stored `BASE-QUOTE` form; null = any. */
export interface OrderListFilter {
  status: OrderStatus | null;
  symbol: string | null;
  side: OrderSide | null;
  type: OrderType | null;
}

/** A ledger filter, checked: instants as ISO strings, `from` inclusive, `to` exclusive; null = any. */
export interface LedgerListFilter {
  kind: LedgerKind | null;
  asset: string | null;
  from: string | null;
  to: string | null;
}

/** Checks an order filter; a malformed symbol is BAD_USER_INPUT naming `filter.symbol`. */
export function parseOrderFilter(filter: AccountOrderFilter | null | undefined): OrderListFilter {
  return {
    status: filter?.status ?? null,
    symbol: filter?.symbol != null ? parseSymbol(filter.symbol, 'filter.symbol') : null,
    side: filter?.side ?? null,
    type: filter?.type ?? null,
  };
}

/** An instant PostgreSQL's timestamp columns hold (years 1 to 9999), or BAD_USER_INPUT naming `field`. */
function instantBound(value: Date | null | undefined, field: string): string | null {
  if (value == null) return null;
  const year = value.getUTCFullYear();
  if (Number.isNaN(value.getTime()) || year < 1 || year > 9999) {
    throw badUserInput(`${field}: expected an instant from year 1 to 9999`, field);
  }
  return value.toISOString();
}

/**
 * Checks a ledger filter: the asset code, and the range, which must not be empty (`to` after
 * `from`), so a client that swapped the bounds hears about it instead of reading an empty page.
 */
export function parseLedgerFilter(filter: LedgerEntryFilter | null | undefined): LedgerListFilter {
  const asset = filter?.asset != null ? filter.asset.trim() : null;
  if (asset !== null && !ASSET_PATTERN.test(asset)) {
    throw badUserInput('filter.asset: expected an asset code in capitals, e.g. USDT', 'filter.asset');
  }
  const from = instantBound(filter?.from as Date | null | undefined, 'filter.from');
  const to = instantBound(filter?.to as Date | null | undefined, 'filter.to');
  if (from !== null && to !== null && to <= from) {
    throw badUserInput(`filter.to: must be later than filter.from (${from}); got ${to}`, 'filter.to');
  }
  return { kind: filter?.kind ?? null, asset, from, to };
}

const allOf = (conditions: Prisma.Sql[]) => Prisma.join(conditions, ' AND ');
const instant = (iso: string) => Prisma.sql`CAST(${iso} AS timestamp(3))`;

/** The SQL condition of an order filter on `"Order" o`. */
export function orderConditions(filter: OrderListFilter): Prisma.Sql[] {
  return [
    ...(filter.status ? [Prisma.sql`o.status = CAST(${filter.status} AS "OrderStatus")`] : []),
    ...(filter.symbol ? [Prisma.sql`o.symbol = ${filter.symbol}`] : []),
    ...(filter.side ? [Prisma.sql`o.side = CAST(${filter.side} AS "OrderSide")`] : []),
    ...(filter.type ? [Prisma.sql`o.type = CAST(${filter.type} AS "OrderType")`] : []),
  ];
}

/** The SQL condition of a ledger filter on `"LedgerEntry" l`. */
export function ledgerConditions(filter: LedgerListFilter): Prisma.Sql[] {
  return [
    ...(filter.kind ? [Prisma.sql`l.kind = CAST(${filter.kind} AS "LedgerKind")`] : []),
    ...(filter.asset ? [Prisma.sql`l.asset = ${filter.asset}`] : []),
    ...(filter.from ? [Prisma.sql`l."createdAt" >= ${instant(filter.from)}`] : []),
    ...(filter.to ? [Prisma.sql`l."createdAt" < ${instant(filter.to)}`] : []),
  ];
}

/** `viewerCondition` and every condition of the filter, as one SQL condition. */
export const withConditions = (viewerCondition: Prisma.Sql, conditions: Prisma.Sql[]) => allOf([viewerCondition, ...conditions]);

/** The Prisma `where` of an order filter (for `Query.orders`, read through Prisma). */
export function orderWhere(filter: OrderListFilter): Prisma.OrderWhereInput {
  return {
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.symbol ? { symbol: filter.symbol } : {}),
    ...(filter.side ? { side: filter.side } : {}),
    ...(filter.type ? { type: filter.type } : {}),
  };
}
