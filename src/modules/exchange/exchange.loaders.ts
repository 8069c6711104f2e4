import { Prisma, type Order, type Position, type PositionStatus, type PrismaClient } from '../../generated/prisma/client';
import { pagesPerParent } from '../../db/pages-per-parent';
import { loaderOfOne, pagedLoader } from '../../graphql/batch';
import type { Page } from '../../graphql/pagination';

/** Per-request loaders of the viewer's exchange accounts, positions, orders and ledger entries. */
export function createExchangeLoaders(prisma: PrismaClient, viewerId: () => number) {
  const ownAccount = () => ({ account: { userId: viewerId() } });
  return {
    accountById: loaderOfOne(
      (ids: readonly number[]) => prisma.exchangeAccount.findMany({ where: { id: { in: [...ids] }, userId: viewerId() } }),
      (account) => account.id,
    ),
    positionById: loaderOfOne(
      (ids: readonly number[]) => prisma.position.findMany({ where: { id: { in: [...ids] }, ...ownAccount() } }),
      (position) => position.id,
    ),
    orderById: loaderOfOne(
      (ids: readonly number[]) => prisma.order.findMany({ where: { id: { in: [...ids] }, ...ownAccount() } }),
      (order) => order.id,
    ),
    ledgerEntryById: loaderOfOne(
      (ids: readonly number[]) => prisma.ledgerEntry.findMany({ where: { id: { in: [...ids] }, ...ownAccount() } }),
      (entry) => entry.id,
    ),
    positionsByAccountId: pagedLoader((accountIds, page: Page & { status: PositionStatus | null }) =>
      pagesPerParent<Position>(
        prisma,
        {
          select: Prisma.sql`p.*`,
          from: Prisma.sql`"Position" p JOIN "ExchangeAccount" a ON a.id = p."accountId"`,
          parent: 'p."accountId"',
          sortKey: [
            { sql: 'p."openedAt"', type: 'timestamp' },
            { sql: 'p.id', type: 'int' },
          ],
          direction: 'desc',
          where: page.status
            ? Prisma.sql`a."userId" = ${viewerId()} AND p.status = CAST(${page.status} AS "PositionStatus")`
            : Prisma.sql`a."userId" = ${viewerId()}`,
        },
        accountIds,
        page,
      ),
    ),
    ordersByPositionId: pagedLoader((positionIds, page) =>
      pagesPerParent<Order>(
        prisma,
        {
          select: Prisma.sql`o.*`,
          from: Prisma.sql`"Order" o JOIN "ExchangeAccount" a ON a.id = o."accountId"`,
          parent: 'o."positionId"',
          sortKey: [{ sql: 'o.id', type: 'int' }],
          direction: 'asc',
          where: Prisma.sql`a."userId" = ${viewerId()}`,
        },
        positionIds,
        page,
      ),
    ),
  };
}
