import type { GraphQLFieldResolver } from 'graphql';
import type { Order, Position, Trade, TradingSession } from '../../generated/prisma/client';
import type { Resolvers } from '../../generated/graphql';
import type { Context } from '../../context';
import type { GatewayEvent } from '../../events/event-bus';

/** What a mutation's result says it changed, for the viewer `userId`. */
type EventsOf = (result: never, userId: number) => GatewayEvent[];

const balances = (userId: number): GatewayEvent => ({ kind: 'balances', userId });
const order = (userId: number, o: Order): GatewayEvent => ({ kind: 'order', userId, orderId: o.id });
const position = (userId: number, positionId: number): GatewayEvent => ({ kind: 'position', userId, positionId });
const session = (userId: number, sessionId: number): GatewayEvent => ({ kind: 'session', userId, sessionId });
const none: EventsOf = () => [];

/**
 * Every mutation, with the events its result implies (published in this order, after the
 * mutation's commit). A mutation missing here is a test failure (test/subscriptions.test.ts), so
 * a new one cannot silently push nothing. Side effects that the result does not name (the orders
 * a close cancels, the protective orders setPositionProtection replaces) are reached through the
 * pushed position's `orders`.
 */
export const MUTATION_EVENTS: Readonly<Record<string, EventsOf>> = {
  // The summary lists accounts; a deposit books to the ledger.
  createExchangeAccount: (_: unknown, userId) => [balances(userId)],
  deposit: (_: unknown, userId) => [balances(userId)],
  withdraw: (_: unknown, userId) => [balances(userId)],
  // MARKET fills move a position and the ledger; a LIMIT locks funds.
  createOrder: ({ order: o }: { order: Order }, userId) => [
    order(userId, o),
    ...(o.type === 'MARKET' && o.positionId !== null ? [position(userId, o.positionId)] : []),
    balances(userId),
  ],
  // Canceling a LIMIT releases its funds; canceling a protective order clears the position's level.
  cancelOrder: ({ order: o }: { order: Order }, userId) => [
    order(userId, o),
    ...(o.positionId !== null && o.type !== 'LIMIT' && o.type !== 'MARKET' ? [position(userId, o.positionId)] : []),
    ...(o.type === 'LIMIT' ? [balances(userId)] : []),
  ],
  setPositionProtection: ({ position: p }: { position: Position }, userId) => [position(userId, p.id)],
  closePosition: ({ position: p }: { position: Position }, userId) => [position(userId, p.id), balances(userId)],
  // New prices revalue the summary's equity (positions' unrealized PnL is read with the summary).
  recordMarkPrices: (_: unknown, userId) => [balances(userId)],
  startTradingSession: (s: TradingSession, userId) => [session(userId, s.id)],
  heartbeat: (s: TradingSession, userId) => [session(userId, s.id)],
  endTradingSession: (s: TradingSession, userId) => [session(userId, s.id)],
  // A trade also changes its session's totals.
  logTrade: (t: Trade, userId) => [{ kind: 'trade', userId, sessionId: t.sessionId, tradeId: t.id }, session(userId, t.sessionId)],
  logSessionEvent: none,
  invalidateBalanceCache: none,
  createApiKey: none,
  // Publishes apiKeyRevoked itself, and waits for the bus (see users.resolvers.ts).
  revokeApiKey: none,
  storeItem: none,
  recordItemEvent: none,
  createCircuit: none,
  addCircuitMember: none,
  removeCircuitMember: none,
  changeCircuitMemberRole: none,
  pushItemToCircuit: none,
};

/**
 * Publishes each mutation's events once it has succeeded: its service has returned, so its
 * transaction has committed, and a subscriber that loads the rows sees them. A mutation that
 * fails publishes nothing. One wrapper over every module's mutations, like the loaders' clearing.
 */
export function publishEventsAfterMutations(resolvers: Resolvers): Resolvers {
  const mutations = resolvers.Mutation as Record<string, GraphQLFieldResolver<unknown, Context>> | undefined;
  if (!mutations) return resolvers;
  const wrapped = Object.fromEntries(
    Object.entries(mutations).map(([name, resolve]) => {
      const eventsOf = MUTATION_EVENTS[name] ?? none;
      return [
        name,
        async (parent: unknown, args: Record<string, unknown>, context: Context, info: Parameters<typeof resolve>[3]) => {
          const result: unknown = await resolve(parent, args, context, info);
          for (const event of eventsOf(result as never, context.viewer.id)) context.events.publish(event);
          return result;
        },
      ];
    }),
  );
  return { ...resolvers, Mutation: wrapped } as Resolvers;
}
