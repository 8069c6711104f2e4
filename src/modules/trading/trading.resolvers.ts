import type { Resolvers } from '../../generated/graphql';
import { embeddedOr } from '../../graphql/batch';
import { carriedOr, type Carriers } from '../../graphql/carried-reads';
import type { Loaders } from '../../context';
import { idOfType, optionalIdOfType, toGlobalId } from '../../graphql/global-id';
import { endTradingSession, heartbeat, listSessions, logSessionEvent, startTradingSession } from './sessions.service';
import { listTrades, logTrade } from './trades.service';

/** An instant's milliseconds, from a Date or from a lean row's ISO text. */
const instantMs = (instant: Date | string): number => (typeof instant === 'string' ? Date.parse(instant) : instant.getTime());

const sessionIdOf = (input: { sessionId: string }) => idOfType(input.sessionId, 'TradingSession', 'input.sessionId');

/** TradingSession's list fields, each through the loader its resolver below reads: what a sessions page can carry along. */
const sessionLists = (loaders: Loaders): Carriers => ({
  trades: (parentIds, field) => loaders.tradesBySessionId.carried(parentIds, field.args, field.info),
  events: (parentIds, field) => loaders.eventsBySessionId.carried(parentIds, field.args, field.info),
});

export const tradingResolvers: Resolvers = {
  Query: {
    tradingSession: (_, { id }, { loaders }) => loaders.sessionById.load(idOfType(id, 'TradingSession', 'id')),
    tradingSessions: (_, args, context, info) => listSessions(context, args, args.status, info, sessionLists(context.loaders)),
    trades: (_, args, context) =>
      listTrades(
        context,
        args,
        args.filter && {
          ...args.filter,
          sessionId: optionalIdOfType(args.filter.sessionId, 'TradingSession', 'filter.sessionId'),
          positionId: optionalIdOfType(args.filter.positionId, 'Position', 'filter.positionId'),
        },
      ),
  },
  Mutation: {
    startTradingSession: (_, { input }, context) => startTradingSession(context, input),
    heartbeat: (_, { input }, context) => heartbeat(context, sessionIdOf(input), input),
    endTradingSession: (_, { input }, context) => endTradingSession(context, sessionIdOf(input), input),
    logTrade: (_, { input }, context) =>
      logTrade(context, sessionIdOf(input), optionalIdOfType(input.positionId, 'Position', 'input.positionId'), input),
    logSessionEvent: (_, { input }, context) => logSessionEvent(context, sessionIdOf(input), input),
  },
  TradingSession: {
    id: (session) => toGlobalId('TradingSession', session.id),
    stale: (session, _, { settings }) =>
      session.status === 'RUNNING' &&
      Date.now() - instantMs(session.lastHeartbeatAt ?? session.startedAt) > settings.sessionStaleAfterMs,
    // A sessions page carried these in its statement (sessionLists above); else their loaders read them.
    trades: (session, args, { loaders }, info) => carriedOr(session, info, () => loaders.tradesBySessionId.connection(session.id, args, info)),
    events: (session, args, { loaders }, info) => carriedOr(session, info, () => loaders.eventsBySessionId.connection(session.id, args, info)),
  },
  Trade: {
    id: (trade) => toGlobalId('Trade', trade.id),
    session: (trade, _, { loaders }) => loaders.sessionById.load(trade.sessionId).then((session) => session!),
    position: (trade, _, { loaders }, info) =>
      embeddedOr(trade, 'position', () => (trade.positionId === null ? null : loaders.positionById.load(trade.positionId, info))),
  },
  SessionEvent: {
    id: (event) => toGlobalId('SessionEvent', event.id),
    session: (event, _, { loaders }) => loaders.sessionById.load(event.sessionId).then((session) => session!),
  },
};
