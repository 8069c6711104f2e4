import { Prisma, type ExchangeAccount, type LedgerEntry, type Order, type Position, type PositionStatus } from '../../generated/prisma/client';
import { leanLoaderOfOne, loaderOfOne } from '../../graphql/batch';
import { leanTable } from '../../db/lean-table';
import { byId, byTimeThenId, childListLoader } from '../../pagination';
import type { LoaderScope } from '../module';
import { ACCOUNT_ROW } from './account-row';
import { POSITION_ROW } from './position-row';
import { ledgerConditions, orderConditions, withConditions, type LedgerListFilter, type OrderListFilter } from './list-filters';

/**
 * An account's positions, most recently opened first; a position's orders, oldest first; an
 * account's orders and ledger entries, newest first (each walks an (accountId, createdAt, id) index).
 */
export const ACCOUNT_POSITIONS_ORDER = byTimeThenId('openedAt', 'desc', 'p');
export const POSITION_ORDERS_ORDER = byId('asc', 'o');
export const ACCOUNT_ORDERS_ORDER = byTimeThenId('createdAt', 'desc', 'o');
export const ACCOUNT_LEDGER_ORDER = byTimeThenId('createdAt', 'desc', 'l');

/** An account and an order as lean reads see them (see db/lean-table.ts; a position: position-row.ts). */
const ORDER_ROW = leanTable({
  alias: 'o',
  columns: {
    id: 'plain', accountId: 'plain', positionId: 'plain', clientOrderId: 'plain', symbol: 'plain', side: 'plain', type: 'plain',
    quantity: 'decimal', price: 'decimal', status: 'plain', createdAt: 'timestamp', filledAt: 'timestamp', canceledAt: 'timestamp',
  },
  fields: { account: ['accountId'], position: ['positionId'] },
});

const ownAccount = (viewerId: number) => ({ account: { userId: viewerId } });

/** Loaders of the viewer's exchange accounts, positions, orders and ledger entries. */
export const exchangeLoaders = {
  accountById: (scope: LoaderScope) =>
    leanLoaderOfOne<ExchangeAccount>(
      scope,
      ACCOUNT_ROW,
      (ids, select) => Prisma.sql`SELECT ${select} FROM "ExchangeAccount" a WHERE a.id = ANY(${ids}::int[]) AND a."userId" = ${scope.viewerId()}`,
    ),
  positionById: (scope: LoaderScope) =>
    leanLoaderOfOne<Position>(
      scope,
      POSITION_ROW,
      (ids, select) => Prisma.sql`
        SELECT ${select} FROM "Position" p JOIN "ExchangeAccount" a ON a.id = p."accountId"
        WHERE p.id = ANY(${ids}::int[]) AND a."userId" = ${scope.viewerId()}`,
    ),
  orderById: ({ prisma, viewerId }: LoaderScope) =>
    loaderOfOne(
      (ids: readonly number[]) => prisma.order.findMany({ where: { id: { in: [...ids] }, ...ownAccount(viewerId()) } }),
      (order) => order.id,
    ),
  ledgerEntryById: ({ prisma, viewerId }: LoaderScope) =>
    loaderOfOne(
      (ids: readonly number[]) => prisma.ledgerEntry.findMany({ where: { id: { in: [...ids] }, ...ownAccount(viewerId()) } }),
      (entry) => entry.id,
    ),
  positionsByAccountId: (scope: LoaderScope) =>
    childListLoader<Position, { status: PositionStatus | null }>(scope, ACCOUNT_POSITIONS_ORDER, (page) => ({
      select: Prisma.sql`p.*`,
      from: Prisma.sql`"Position" p JOIN "ExchangeAccount" a ON a.id = p."accountId"`,
      parent: 'p."accountId"',
      where: page.status
        ? Prisma.sql`a."userId" = ${scope.viewerId()} AND p.status = CAST(${page.status} AS "PositionStatus")`
        : Prisma.sql`a."userId" = ${scope.viewerId()}`,
    }), POSITION_ROW),
  ordersByPositionId: (scope: LoaderScope) =>
    childListLoader<Order>(scope, POSITION_ORDERS_ORDER, () => ({
      select: Prisma.sql`o.*`,
      from: Prisma.sql`"Order" o JOIN "ExchangeAccount" a ON a.id = o."accountId"`,
      parent: 'o."positionId"',
      where: Prisma.sql`a."userId" = ${scope.viewerId()}`,
    }), ORDER_ROW),
  ordersByAccountId: (scope: LoaderScope) =>
    childListLoader<Order, OrderListFilter>(scope, ACCOUNT_ORDERS_ORDER, (page) => ({
      select: Prisma.sql`o.*`,
      from: Prisma.sql`"Order" o JOIN "ExchangeAccount" a ON a.id = o."accountId"`,
      parent: 'o."accountId"',
      where: withConditions(Prisma.sql`a."userId" = ${scope.viewerId()}`, orderConditions(page)),
    }), ORDER_ROW),
  ledgerEntriesByAccountId: (scope: LoaderScope) =>
    childListLoader<LedgerEntry, LedgerListFilter>(scope, ACCOUNT_LEDGER_ORDER, (page) => ({
      select: Prisma.sql`l.*`,
      from: Prisma.sql`"LedgerEntry" l JOIN "ExchangeAccount" a ON a.id = l."accountId"`,
      parent: 'l."accountId"',
      where: withConditions(Prisma.sql`a."userId" = ${scope.viewerId()}`, ledgerConditions(page)),
    })),
};
