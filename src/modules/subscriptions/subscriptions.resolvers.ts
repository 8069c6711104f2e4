import type { Resolvers } from '../../generated/graphql';
import type { Context } from '../../context';
import { notFound } from '../../errors';
import { idOfType } from '../../graphql/global-id';
import type { DeliveredEvent, GatewayEvent } from '../../events/event-bus';
import { eventStream, type EventStream } from '../../events/event-stream';
import { viewerBalances } from '../balances/balances.resolvers';
import { runningSessionsOf } from './subscriptions.service';

type EventOf<K extends GatewayEvent['kind']> = Extract<GatewayEvent, { kind: K }>;
type Delivered<K extends GatewayEvent['kind']> = DeliveredEvent & { event: EventOf<K> };

/** How far behind an in-process subscription (executeOperation) may fall; sockets set their own. */
const DEFAULT_MAX_QUEUED = 100;

const ofKind =
  <K extends GatewayEvent['kind']>(kind: K) =>
  (event: GatewayEvent): event is EventOf<K> =>
    event.kind === kind;

/** The viewer's events of one kind (only ever their own: the bus is listened to by user). */
function streamOf<E extends GatewayEvent>(context: Context, accepts: (event: GatewayEvent) => event is E): EventStream<E> {
  return eventStream(context.events, context.viewer.id, accepts, {
    maxQueued: context.subscriber?.maxQueuedEvents ?? DEFAULT_MAX_QUEUED,
    onOverflow: context.subscriber?.onOverflow,
  });
}

/** A row the event names, as the subscriber's loaders see it; missing reads as NOT_FOUND. */
const found =
  (what: string) =>
  <T>(row: T | null | undefined): T => {
    if (row == null) throw notFound(what);
    return row;
  };

/**
 * Pushes a session again when it turns stale: SESSION_STALE_AFTER_MS (plus a margin) after the
 * last sign of life this subscription knows of (its RUNNING sessions at the start, then each of
 * their events). The push reads the row, so a session that took a heartbeat meanwhile elsewhere
 * shows `stale: false`, and the next event re-arms the timer.
 */
async function watchStaleness(stream: EventStream<EventOf<'session'>>, context: Context): Promise<void> {
  const userId = context.viewer.id;
  const timers = new Map<number, NodeJS.Timeout>();
  const arm = (sessionId: number, lastSignOfLife: number) => {
    clearTimeout(timers.get(sessionId));
    if (timers.size >= 1_000 && !timers.has(sessionId)) return;
    const delay = Math.max(0, lastSignOfLife + context.settings.sessionStaleAfterMs + 50 - Date.now());
    const timer = setTimeout(() => {
      timers.delete(sessionId);
      stream.inject({ event: { kind: 'session', userId, sessionId }, sequence: null });
    }, delay);
    timer.unref();
    timers.set(sessionId, timer);
  };
  stream.observe(({ event }) => arm(event.sessionId, Date.now()));
  stream.onEnd(() => {
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
  });
  for (const running of await runningSessionsOf(context.prisma, userId)) {
    if (!timers.has(running.id)) arm(running.id, (running.lastHeartbeatAt ?? running.startedAt).getTime());
  }
}

/**
 * The subscription fields. `subscribe` runs once, with the subscription's context; `resolve` and
 * everything below it run per event with a fresh context (new loaders: see
 * http/subscription-server.ts), so each push reads the rows as they are after the commit.
 */
export const subscriptionResolvers: Resolvers = {
  Subscription: {
    balancesChanged: {
      subscribe: (_, { initial }, context) => {
        const stream = streamOf(context, ofKind('balances'));
        // Queued once the stream listens: every change after this first push is pushed too.
        if (initial) stream.inject({ event: { kind: 'balances', userId: context.viewer.id }, sequence: null });
        return stream;
      },
      // Through the versioned cache: the commit replaced the balance version, so this is the summary as of that commit or later.
      resolve: (_: Delivered<'balances'>, __: unknown, context: Context) => viewerBalances(context),
    },
    orderUpdated: {
      subscribe: (_, __, context) => streamOf(context, ofKind('order')),
      resolve: ({ event }: Delivered<'order'>, __: unknown, { loaders }: Context) => loaders.orderById.load(event.orderId).then(found('Order')),
    },
    positionUpdated: {
      subscribe: (_, __, context) => streamOf(context, ofKind('position')),
      resolve: ({ event }: Delivered<'position'>, __: unknown, { loaders }: Context) => loaders.positionById.load(event.positionId).then(found('Position')),
    },
    tradeLogged: {
      subscribe: async (_, { sessionId }, context) => {
        const id = idOfType(sessionId, 'TradingSession', 'sessionId');
        // Listening before the check: a trade logged while it runs is not missed.
        const stream = streamOf(context, (event): event is EventOf<'trade'> => event.kind === 'trade' && event.sessionId === id);
        // Another user's session reads as missing, as in queries.
        const session = await context.loaders.sessionById.load(id).catch((error: unknown) => {
          void stream.return?.();
          throw error;
        });
        if (!session) {
          void stream.return?.();
          throw notFound('Trading session');
        }
        return stream;
      },
      resolve: ({ event }: Delivered<'trade'>, __: unknown, { loaders }: Context) => loaders.tradeById.load(event.tradeId).then(found('Trade')),
    },
    tradingSessionUpdated: {
      subscribe: async (_, __, context) => {
        const stream = streamOf(context, ofKind('session'));
        await watchStaleness(stream, context);
        return stream;
      },
      resolve: ({ event }: Delivered<'session'>, __: unknown, { loaders }: Context) => loaders.sessionById.load(event.sessionId).then(found('Trading session')),
    },
  },
};
