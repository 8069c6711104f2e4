import type { Resolvers } from '../../generated/graphql';
import type { Context } from '../../context';
import { clearLoaders } from '../../graphql/batch';
import { idOfType, toGlobalId } from '../../graphql/global-id';
import { parentPageConnection, parseChildPage, parsePage } from '../../graphql/pagination';
import { endTradingSession, heartbeat, listSessions, logSessionEvent, startTradingSession } from './sessions.service';
import { listTrades, logTrade } from './trades.service';

/**
 * Awaits a mutation's write, then empties the request's loaders, so that the mutation's result
 * fields and later mutations of the same operation read the data as it now is.
 */
async function afterWrite<T>(context: Pick<Context, 'loaders'>, write: Promise<T>): Promise<T> {
  try {
    return await write;
  } finally {
    clearLoaders(context.loaders);
  }
}

const sessionIdOf = (input: { sessionId: string }) => idOfType(input.sessionId, 'TradingSession', 'input.sessionId');

export const tradingResolvers: Resolvers = {
  Query: {
    tradingSession: (_, { id }, { loaders }) => loaders.sessionById.load(idOfType(id, 'TradingSession', 'id')),
    tradingSessions: (_, args, { viewer, prisma }) => listSessions(prisma, viewer, parsePage(args, 2), args.status),
    trades: (_, args, { viewer, prisma }) => listTrades(prisma, viewer, parsePage(args, 2), args.filter),
  },
  Mutation: {
    startTradingSession: (_, { input }, context) => afterWrite(context, startTradingSession(context.prisma, context.viewer, input)),
    heartbeat: (_, { input }, context) => afterWrite(context, heartbeat(context.prisma, context.viewer, sessionIdOf(input), input)),
    endTradingSession: (_, { input }, context) =>
      afterWrite(context, endTradingSession(context.prisma, context.viewer, sessionIdOf(input), input)),
    logTrade: (_, { input }, context) => afterWrite(context, logTrade(context.prisma, context.viewer, input)),
    logSessionEvent: (_, { input }, context) =>
      afterWrite(context, logSessionEvent(context.prisma, context.viewer, sessionIdOf(input), input)),
  },
  TradingSession: {
    id: (session) => toGlobalId('TradingSession', session.id),
    stale: (session, _, { settings }) =>
      session.status === 'RUNNING' &&
      Date.now() - (session.lastHeartbeatAt ?? session.startedAt).getTime() > settings.sessionStaleAfterMs,
    trades: async (session, args, { loaders }, info) => {
      const page = parseChildPage(args, info, 2);
      return parentPageConnection(page, await loaders.tradesBySessionId(page).load(session.id));
    },
    events: async (session, args, { loaders }, info) => {
      const page = parseChildPage(args, info, 2);
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
