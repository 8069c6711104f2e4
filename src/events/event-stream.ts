import type { DeliveredEvent, EventBus, GatewayEvent } from './event-bus';

export interface EventStreamOptions {
  /** Events waiting to be resolved and sent; one more calls `onOverflow` and ends the stream. */
  maxQueued: number;
  /** Told once when the consumer falls `maxQueued` events behind (the socket layer drops it). */
  onOverflow?: () => void;
}

/**
 * One subscription's events of one user, matching `accepts`, as an async iterator. Not an async
 * generator: `return()` ends it at once even while a `next()` waits (a generator would only see
 * it after the next event, so an idle subscription could never be closed). Bounded: a consumer
 * more than `maxQueued` events behind is not buffered for, it is ended (see `onOverflow`).
 */
export function eventStream<E extends GatewayEvent>(
  bus: EventBus,
  userId: number,
  accepts: (event: GatewayEvent) => event is E,
  options: EventStreamOptions,
): EventStream<E> {
  type Item = DeliveredEvent & { event: E };
  const ended: Array<() => void> = [];
  const queue: Item[] = [];
  let waiting: ((result: IteratorResult<Item>) => void) | null = null;
  let done = false;

  const finish = () => {
    if (done) return;
    done = true;
    stop();
    for (const callback of ended.splice(0)) callback();
    queue.length = 0;
    waiting?.({ value: undefined, done: true });
    waiting = null;
  };
  const enqueue = (item: Item) => {
    if (waiting) {
      const resolve = waiting;
      waiting = null;
      resolve({ value: item, done: false });
      return;
    }
    if (queue.length >= options.maxQueued) {
      finish();
      options.onOverflow?.();
      return;
    }
    queue.push(item);
  };
  const observers: Array<(item: Item) => void> = [];
  const stop = bus.listen(userId, (delivered) => {
    if (done || !accepts(delivered.event)) return;
    for (const observe of observers) observe(delivered as Item);
    enqueue(delivered as Item);
  });

  return {
    next() {
      if (queue.length > 0) return Promise.resolve({ value: queue.shift()!, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (waiting = resolve));
    },
    return() {
      finish();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
    inject(item) {
      if (!done) enqueue(item);
    },
    observe(observer) {
      observers.push(observer);
    },
    onEnd(callback) {
      if (done) callback();
      else ended.push(callback);
    },
  };
}

/** A subscription's events, plus what lets a resolver add its own (a session turning stale). */
export interface EventStream<E extends GatewayEvent> extends AsyncIterableIterator<DeliveredEvent & { event: E }> {
  /** Queues an event that was not published (subject to the same bound). */
  inject(item: DeliveredEvent & { event: E }): void;
  /** Sees every accepted event as it arrives, before it is queued. */
  observe(observer: (item: DeliveredEvent & { event: E }) => void): void;
  /** Runs once when the stream ends (returned, or dropped as too slow). */
  onEnd(callback: () => void): void;
}
