import type { Resolvers } from '../../generated/graphql';
import { idOfType, toGlobalId } from '../../graphql/global-id';
import { parentPageConnection, parsePage } from '../../graphql/pagination';
import { endTradingSession, heartbeat, listSessions, logSessionEvent, startTradingSession } from './sessions.service';
import { listTrades, logTrade } from './trades.service';

const sessionIdOf = (input: { sessionId: string }) => idOfType(input.sessionId, 'TradingSession', 'input.sessionId');

export const tradingResolvers: Resolvers = {
  Query: {
    tradingSession: (_, { id }, { loaders }) => loaders.sessionById.load(idOfType(id, 'TradingSession', 'id')),
    tradingSessions: (_, args, { viewer, prisma }) => listSessions(prisma, viewer, parsePage(args, 2), args.status),
    trades: (_, args, { viewer, prisma }) => listTrades(prisma, viewer, parsePage(args, 2), args.filter),
  },
  Mutation: {
    startTradingSession: (_, { input }, { viewer, prisma }) => startTradingSession(prisma, viewer, input),
    heartbeat: (_, { input }, { viewer, prisma }) => heartbeat(prisma, viewer, sessionIdOf(input), input),
    endTradingSession: (_, { input }, { viewer, prisma }) => endTradingSession(prisma, viewer, sessionIdOf(input), input),
    logTrade: (_, { input }, { viewer, prisma }) => logTrade(prisma, viewer, input),
    logSessionEvent: (_, { input }, { viewer, prisma }) => logSessionEvent(prisma, viewer, sessionIdOf(input), input),
  },
  TradingSession: {
    id: (session) => toGlobalId('TradingSession', session.id),
    stale: (session, _, { settings }) =>
      session.status === 'RUNNING' &&
      Date.now() - (session.lastHeartbeatAt ?? session.startedAt).getTime() > settings.sessionStaleAfterMs,
    trades: async (session, args, { loaders }) => {
      const page = parsePage(args, 2);
      return parentPageConnection(page, await loaders.tradesBySessionId(page).load(session.id));
    },
    events: async (session, args, { loaders }) => {
      const page = parsePage(args, 2);
      return parentPageConnection(page, await loaders.eventsBySessionId(page).load(session.id));
    },
  },
  Trade: {
    id: (trade) => toGlobalId('Trade', trade.id),
    session: (trade, _, { loaders }) => loaders.sessionById.load(trade.sessionId).then((session) => session!),
    position: (trade, _, { loaders }) => (trade.positionId === null ? null : loaders.positionById.load(trade.positionId)),
  },
  SessionEvent: {
    id: (event) => toGlobalId('SessionEvent', event.id),
    session: (event, _, { loaders }) => loaders.sessionById.load(event.sessionId).then((session) => session!),
  },
};
