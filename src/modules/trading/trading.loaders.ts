import { Prisma, type SessionEvent, type Trade } from '../../generated/prisma/client';
import { loaderOfOne } from '../../graphql/batch';
import { leanTable } from '../../db/lean-table';
import { byTimeThenId, childListLoader } from '../../pagination';
import type { LoaderScope } from '../module';
import { POSITION_ROW } from '../exchange/position-row';

/** A session's trades and events, newest first. */
export const SESSION_TRADES_ORDER = byTimeThenId('executedAt', 'desc', 't');
export const SESSION_EVENTS_ORDER = byTimeThenId('occurredAt', 'desc', 'e');

/** A trade as lean reads see it (see db/lean-table.ts); `Trade`'s fields are its columns and two relations. */
const TRADE_ROW = leanTable({
  alias: 't',
  columns: {
    id: 'plain', sessionId: 'plain', userId: 'plain', tradeId: 'plain', executedAt: 'timestamp', symbol: 'plain', direction: 'plain',
    intensity: 'plain', action: 'plain', volume: 'decimal', entryPrice: 'decimal', exitPrice: 'decimal', pnl: 'decimal',
    pnlPips: 'decimal', commission: 'decimal', hmmState: 'plain', isPaper: 'plain', comment: 'plain', positionId: 'plain',
  },
  fields: { session: ['sessionId'], position: ['positionId'] },
  // A trade is read by its owner only, so its owner's position is the viewer's (positionById's rule).
  embeds: {
    position: {
      table: POSITION_ROW,
      from: `"Position" p JOIN "ExchangeAccount" pa ON pa.id = p."accountId" WHERE p.id = t."positionId" AND pa."userId" = t."userId"`,
    },
  },
});

const SESSION_EVENT_ROW = leanTable({
  alias: 'e',
  columns: { id: 'plain', sessionId: 'plain', type: 'plain', occurredAt: 'timestamp', data: 'plain' },
  fields: { session: ['sessionId'] },
});

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
  tradesBySessionId: (scope: LoaderScope) =>
    childListLoader<Trade>(scope, SESSION_TRADES_ORDER, () => ({
      select: Prisma.sql`t.*`,
      from: Prisma.sql`"Trade" t`,
      parent: 't."sessionId"',
      where: Prisma.sql`t."userId" = ${scope.viewerId()}`,
    }), TRADE_ROW),
  eventsBySessionId: (scope: LoaderScope) =>
    childListLoader<SessionEvent>(scope, SESSION_EVENTS_ORDER, () => ({
      select: Prisma.sql`e.*`,
      from: Prisma.sql`"SessionEvent" e JOIN "TradingSession" s ON s.id = e."sessionId"`,
      parent: 'e."sessionId"',
      where: Prisma.sql`s."userId" = ${scope.viewerId()}`,
    }), SESSION_EVENT_ROW),
};
