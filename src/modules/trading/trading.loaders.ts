import { Prisma, type PrismaClient, type SessionEvent, type Trade } from '../../generated/prisma/client';
import { pagesPerParent } from '../../db/pages-per-parent';
import { loaderOfOne, pagedLoader } from '../../graphql/batch';

/** Per-request loaders of the viewer's trading sessions, trades and session events. */
export function createTradingLoaders(prisma: PrismaClient, viewerId: () => number) {
  return {
    sessionById: loaderOfOne(
      (ids: readonly number[]) => prisma.tradingSession.findMany({ where: { id: { in: [...ids] }, userId: viewerId() } }),
      (session) => session.id,
    ),
    tradeById: loaderOfOne(
      (ids: readonly number[]) => prisma.trade.findMany({ where: { id: { in: [...ids] }, userId: viewerId() } }),
      (trade) => trade.id,
    ),
    sessionEventById: loaderOfOne(
      (ids: readonly number[]) =>
        prisma.sessionEvent.findMany({ where: { id: { in: [...ids] }, session: { userId: viewerId() } } }),
      (event) => event.id,
    ),
    tradesBySessionId: pagedLoader((sessionIds, page) =>
      pagesPerParent<Trade>(
        prisma,
        {
          select: Prisma.sql`t.*`,
          from: Prisma.sql`"Trade" t`,
          parent: 't."sessionId"',
          sortKey: [
            { sql: 't."executedAt"', type: 'timestamp' },
            { sql: 't.id', type: 'int' },
          ],
          direction: 'desc',
          where: Prisma.sql`t."userId" = ${viewerId()}`,
        },
        sessionIds,
        page,
      ),
    ),
    eventsBySessionId: pagedLoader((sessionIds, page) =>
      pagesPerParent<SessionEvent>(
        prisma,
        {
          select: Prisma.sql`e.*`,
          from: Prisma.sql`"SessionEvent" e JOIN "TradingSession" s ON s.id = e."sessionId"`,
          parent: 'e."sessionId"',
          sortKey: [
            { sql: 'e."occurredAt"', type: 'timestamp' },
            { sql: 'e.id', type: 'int' },
          ],
          direction: 'desc',
          where: Prisma.sql`s."userId" = ${viewerId()}`,
        },
        sessionIds,
        page,
      ),
    ),
  };
}
