import { createClient } from '@keyv/redis';
import type { Logger } from '../log';
import { Listeners, type EventBus, type GatewayEvent } from './event-bus';

/**
 * Numbers the event and publishes it in one atomic step, so the order of the numbers is the
 * order in which Redis publishes (and every subscriber connection receives) the events.
 */
const PUBLISH_SCRIPT = `local s = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', ARGV[1], s .. '|' .. ARGV[2])
return s`;

export interface RedisEventBusOptions {
  redisUrl: string;
  /** Prefix of the channel and counter: deployments on different databases never see each other's events. */
  namespace: string;
  log: Logger;
}

/**
 * Events between instances over Redis pub/sub: one connection publishes (a script that numbers
 * and publishes), a dedicated one subscribes to the deployment's channel. An instance hears its
 * own events back through Redis too, so every listener of the deployment sees one order. While
 * Redis is unreachable, an event reaches this instance's listeners only (sequence null) and
 * events published meanwhile by others are not replayed (pub/sub keeps nothing).
 */
export function createRedisEventBus(options: RedisEventBusOptions): EventBus {
  const channel = `${options.namespace}:events`;
  const counter = `${options.namespace}:events:sequence`;
  const listeners = new Listeners();
  const publisher = createClient({ url: options.redisUrl, disableOfflineQueue: true, socket: { connectTimeout: 1_000 } });
  const subscriber = publisher.duplicate();
  let warned = false;
  // Which stretch of an unbroken subscription this is (null while it is down): see receivingSince.
  let stretch = 0;
  let receiving: number | null = null;
  subscriber.on('error', () => (receiving = null));
  subscriber.on('end', () => (receiving = null));
  subscriber.on('reconnecting', () => (receiving = null));
  // node-redis subscribes again on reconnection before it reports ready.
  subscriber.on('ready', () => {
    if (subscribed) receiving = ++stretch;
  });
  let subscribed = false;
  for (const client of [publisher, subscriber]) {
    client.on('error', (error: unknown) => {
      if (warned) return;
      warned = true;
      options.log.warn({ err: error }, 'event bus: Redis unreachable; pushes reach this instance only until it is back');
    });
    client.on('ready', () => (warned = false));
  }
  const onMessage = (message: string) => {
    const bar = message.indexOf('|');
    try {
      listeners.dispatch({ sequence: Number(message.slice(0, bar)), event: JSON.parse(message.slice(bar + 1)) as GatewayEvent });
    } catch (error) {
      options.log.warn({ err: error }, 'event bus: unreadable message ignored');
    }
  };
  const ready = Promise.all([
    publisher.connect(),
    subscriber.connect().then(async () => {
      await subscriber.subscribe(channel, onMessage);
      subscribed = true;
      receiving = ++stretch;
    }),
  ]).then(
    () => undefined,
    (error: unknown) => options.log.warn({ err: error }, 'event bus: Redis unreachable at start-up; it keeps retrying'),
  );

  return {
    kind: 'redis',
    async publish(event) {
      try {
        await publisher.eval(PUBLISH_SCRIPT, { keys: [counter], arguments: [channel, JSON.stringify(event)] });
      } catch (error) {
        options.log.warn({ err: error, kind: event.kind }, 'event bus: publish failed; delivered on this instance only');
        listeners.dispatch({ event, sequence: null });
      }
    },
    listen: (userId, listener) => listeners.add(userId, listener),
    listenToAll: (listener) => listeners.addForAll(listener),
    receivingSince: () => receiving,
    ready,
    async close() {
      await Promise.all([subscriber.close().catch(() => undefined), publisher.close().catch(() => undefined)]);
    },
  };
}
