import { Prisma, type SessionEvent, type Trade } from '../../generated/prisma/client';
import { loaderOfOne } from '../../graphql/batch';
import { byTimeThenId, childListLoader } from '../../pagination';
import type { LoaderScope } from '../module';

/** A session's trades and events, newest first. */
export const SESSION_TRADES_ORDER = byTimeThenId('executedAt', 'desc', 't');
export const SESSION_EVENTS_ORDER = byTimeThenId('occurredAt', 'desc', 'e');

/** Loaders of the viewer's trading sessions, trades and session events. */
export const tradingLoaders = {
  sessionById: ({ prisma, viewerId }: LoaderScope) =>
    loaderOfOne(
      (ids: readonly number[]) => prisma.tradingSession.findMany({ where: { id: { in: [...ids] }, userId: viewerId() } }),
      (session) => session.id,
    ),
  tradeById: ({ prisma, viewerId }: LoaderScope) =>
    loaderOfOne(
      (ids: readonly number[]) => prisma.trade.findMany({ where: { id: { in: [...ids] }, userId: viewerId() } }),
      (trade) => trade.id,
    ),
  sessionEventById: ({ prisma, viewerId }: LoaderScope) =>
    loaderOfOne(
      (ids: readonly number[]) => prisma.sessionEvent.findMany({ where: { id: { in: [...ids] }, session: { userId: viewerId() } } }),
      (event) => event.id,
    ),
  tradesBySessionId: ({ prisma, viewerId }: LoaderScope) =>
    childListLoader<Trade>(prisma, SESSION_TRADES_ORDER, () => ({
      select: Prisma.sql`t.*`,
      from: Prisma.sql`"Trade" t`,
      parent: 't."sessionId"',
      where: Prisma.sql`t."userId" = ${viewerId()}`,
    })),
  eventsBySessionId: ({ prisma, viewerId }: LoaderScope) =>
    childListLoader<SessionEvent>(prisma, SESSION_EVENTS_ORDER, () => ({
      select: Prisma.sql`e.*`,
      from: Prisma.sql`"SessionEvent" e JOIN "TradingSession" s ON s.id = e."sessionId"`,
      parent: 'e."sessionId"',
      where: Prisma.sql`s."userId" = ${viewerId()}`,
    })),
};
