/**
 * What a committed mutation changed, as it travels between instances: the owner and ids, never
 * data. Each subscriber loads the rows itself, through its own loaders (so the same visibility
 * rules as queries apply, and a push shows the rows as they are when it is resolved).
 */
export type GatewayEvent =
  | { readonly kind: 'balances'; readonly userId: number }
  | { readonly kind: 'order'; readonly userId: number; readonly orderId: number }
  | { readonly kind: 'position'; readonly userId: number; readonly positionId: number }
  | { readonly kind: 'trade'; readonly userId: number; readonly sessionId: number; readonly tradeId: number }
  | { readonly kind: 'session'; readonly userId: number; readonly sessionId: number }
  /** Every instance forgets the keys of `userId` it trusts without a lookup (auth/authenticate.ts). */
  | { readonly kind: 'apiKeyRevoked'; readonly userId: number; readonly apiKeyId: number };

/**
 * An event as delivered. `sequence` increases with every publish of the deployment (one counter
 * in Redis, or in the process without it), so one user's events carry increasing, not
 * contiguous, numbers; null when Redis could not be reached and the event went to this
 * instance's subscribers only.
 */
export interface DeliveredEvent {
  readonly event: GatewayEvent;
  readonly sequence: number | null;
}

export type EventListener = (delivered: DeliveredEvent) => void;

/** Publish after commit; listen per user. Delivery to one listener is in publish order. */
export interface EventBus {
  readonly kind: 'memory' | 'redis';
  /**
   * Fire and forget: a bus failure is logged, never the mutation's failure (it has committed).
   * Resolves (never rejects) once the event is sent: with Redis, once Redis has handed it to every
   * instance's subscription.
   */
  publish(event: GatewayEvent): Promise<void>;
  /** Calls `listener` with every event of `userId` from now on; returns the way to stop. */
  listen(userId: number, listener: EventListener): () => void;
  /** Calls `listener` with every event of every user from now on; returns the way to stop. */
  listenToAll(listener: EventListener): () => void;
  /**
   * Which unbroken stretch of receiving this is: the same number as long as no event of another
   * instance can have been missed, a new one after each reconnection, null while not receiving.
   */
  receivingSince(): number | null;
  /** Resolves once the bus receives events (the Redis subscription is in place). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/** Listeners by user: what both buses dispatch to. */
export class Listeners {
  private readonly byUser = new Map<number, Set<EventListener>>();
  private readonly everyone = new Set<EventListener>();

  addForAll(listener: EventListener): () => void {
    this.everyone.add(listener);
    return () => void this.everyone.delete(listener);
  }

  add(userId: number, listener: EventListener): () => void {
    let set = this.byUser.get(userId);
    if (!set) this.byUser.set(userId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.byUser.get(userId) === set) this.byUser.delete(userId);
    };
  }

  /** Synchronous, in listener order; a throwing listener does not stop the others. */
  dispatch(delivered: DeliveredEvent): void {
    const set = this.byUser.get(delivered.event.userId);
    if (!set && this.everyone.size === 0) return;
    for (const listener of [...this.everyone, ...(set ?? [])]) {
      try {
        listener(delivered);
      } catch {
        // A listener only enqueues; its own failure is its subscription's business.
      }
    }
  }
}

/** The in-process bus (one instance, the embedded default). */
export function createMemoryEventBus(): EventBus {
  const listeners = new Listeners();
  let sequence = 0;
  return {
    kind: 'memory',
    publish: async (event) => listeners.dispatch({ event, sequence: ++sequence }),
    listen: (userId, listener) => listeners.add(userId, listener),
    listenToAll: (listener) => listeners.addForAll(listener),
    // One process: nothing can be missed.
    receivingSince: () => 0,
    ready: Promise.resolve(),
    close: async () => undefined,
  };
}
