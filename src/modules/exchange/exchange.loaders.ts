import { Prisma, type Order, type Position, type PositionStatus } from '../../generated/prisma/client';
import { loaderOfOne } from '../../graphql/batch';
import { byId, byTimeThenId, childListLoader } from '../../pagination';
import type { LoaderScope } from '../module';

/** An account's positions, most recently opened first; a position's orders, oldest first. */
export const ACCOUNT_POSITIONS_ORDER = byTimeThenId('openedAt', 'desc', 'p');
export const POSITION_ORDERS_ORDER = byId('asc', 'o');

const ownAccount = (viewerId: number) => ({ account: { userId: viewerId } });

/** Loaders of the viewer's exchange accounts, positions, orders and ledger entries. */
export const exchangeLoaders = {
  accountById: ({ prisma, viewerId }: LoaderScope) =>
    loaderOfOne(
      (ids: readonly number[]) => prisma.exchangeAccount.findMany({ where: { id: { in: [...ids] }, userId: viewerId() } }),
      (account) => account.id,
    ),
  positionById: ({ prisma, viewerId }: LoaderScope) =>
    loaderOfOne(
      (ids: readonly number[]) => prisma.position.findMany({ where: { id: { in: [...ids] }, ...ownAccount(viewerId()) } }),
      (position) => position.id,
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
  positionsByAccountId: ({ prisma, viewerId }: LoaderScope) =>
    childListLoader<Position, { status: PositionStatus | null }>(prisma, ACCOUNT_POSITIONS_ORDER, (page) => ({
      select: Prisma.sql`p.*`,
      from: Prisma.sql`"Position" p JOIN "ExchangeAccount" a ON a.id = p."accountId"`,
      parent: 'p."accountId"',
      where: page.status
        ? Prisma.sql`a."userId" = ${viewerId()} AND p.status = CAST(${page.status} AS "PositionStatus")`
        : Prisma.sql`a."userId" = ${viewerId()}`,
    })),
  ordersByPositionId: ({ prisma, viewerId }: LoaderScope) =>
    childListLoader<Order>(prisma, POSITION_ORDERS_ORDER, () => ({
      select: Prisma.sql`o.*`,
      from: Prisma.sql`"Order" o JOIN "ExchangeAccount" a ON a.id = o."accountId"`,
      parent: 'o."positionId"',
      where: Prisma.sql`a."userId" = ${viewerId()}`,
    })),
};
