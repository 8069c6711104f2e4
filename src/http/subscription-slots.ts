import { randomUUID } from 'node:crypto';
import { createClient } from '@keyv/redis';
import type { Logger } from '../log';

/**
 * The per-user bound on open subscriptions (MAX_SUBSCRIPTIONS_PER_USER). A slot is named by a
 * token unique on this instance; `release` of a token not held is a no-op.
 */
export interface SubscriptionSlots {
  readonly kind: 'local' | 'redis';
  /** Takes a slot of `userId` for `token`; false when they already hold `max`. */
  acquire(userId: number, token: string): Promise<boolean>;
  release(userId: number, token: string): void;
  /** Gives back every slot still held here and stops (a shutdown frees its slots at once). */
  close(): Promise<void>;
}

/** One user's bound in this process (embedded), or across the deployment through Redis. */
export function createSubscriptionSlots(options: { max: number; redisUrl?: string | undefined; namespace: string; log: Logger }): SubscriptionSlots {
  return options.redisUrl ? createRedisSubscriptionSlots({ ...options, redisUrl: options.redisUrl }) : createLocalSubscriptionSlots(options.max);
}

/** Slots counted in this process: the embedded default, and the floor under the Redis ones. */
export function createLocalSubscriptionSlots(max: number): SubscriptionSlots & { heldBy(userId: number): ReadonlySet<string> | undefined; users(): Iterable<[number, ReadonlySet<string>]> } {
  const byUser = new Map<number, Set<string>>();
  return {
    kind: 'local',
    acquire(userId, token) {
      let held = byUser.get(userId);
      if ((held?.size ?? 0) >= max) return Promise.resolve(false);
      if (!held) byUser.set(userId, (held = new Set()));
      held.add(token);
      return Promise.resolve(true);
    },
    release(userId, token) {
      const held = byUser.get(userId);
      if (!held?.delete(token)) return;
      if (held.size === 0) byUser.delete(userId);
    },
    close: async () => byUser.clear(),
    heldBy: (userId) => byUser.get(userId),
    users: () => byUser.entries(),
  };
}

/**
 * Drops expired slots, then adds one unless the user holds `max`, in one atomic step; a slot's
 * score is its expiry on Redis's clock (instances' clocks never disagree about it).
 */
const ACQUIRE_SCRIPT = `local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

/** Pushes the expiry of this instance's live slots of one user (re-adding any Redis lost). */
const HEARTBEAT_SCRIPT = `local t = redis.call('TIME')
local expiry = t[1] * 1000 + math.floor(t[2] / 1000) + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], expiry, ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 0`;

export interface RedisSubscriptionSlotsOptions {
  max: number;
  redisUrl: string;
  /** Prefix of the keys (the deployment's cache namespace: user ids mean something within one database only). */
  namespace: string;
  log: Logger;
  /** How long a slot lives without a heartbeat: what a crashed instance's slots last. */
  ttlMs?: number;
  /** A Redis slower than this does not hold a subscribe: it is counted on this instance only. */
  timeoutMs?: number;
}

/**
 * Slots shared by every instance of a deployment: a sorted set per user in Redis
 * (`<namespace>:subscriptions:<userId>`) of `<instance>:<token>` members scored by expiry, checked
 * and added by one script, refreshed by a heartbeat every third of the TTL, removed on release,
 * so the members of an instance that died without releasing expire within the TTL. The same
 * connection carries acquires, heartbeats and releases in send order, so a release is never
 * overtaken by a heartbeat that re-adds its slot. While Redis cannot be reached (or is slower
 * than `timeoutMs`), the bound holds per instance only, and such slots join Redis at the next
 * heartbeat.
 */
export function createRedisSubscriptionSlots(options: RedisSubscriptionSlotsOptions): SubscriptionSlots {
  const ttlMs = options.ttlMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 1_000;
  const instance = randomUUID();
  const local = createLocalSubscriptionSlots(options.max);
  const keyOf = (userId: number) => `${options.namespace}:subscriptions:${userId}`;
  const memberOf = (token: string) => `${instance}:${token}`;
  const client = createClient({ url: options.redisUrl, disableOfflineQueue: true, socket: { connectTimeout: 1_000 } });
  let warned = false;
  client.on('error', () => undefined); // reported once below, where a call fails
  client.on('ready', () => (warned = false));
  const unreachable = (error: unknown) => {
    if (warned) return;
    warned = true;
    options.log.warn({ err: error }, 'subscription limit: Redis unreachable; MAX_SUBSCRIPTIONS_PER_USER holds per instance until it is back');
  };
  // Bounded: a Redis down at start-up leaves connect() pending while the client retries.
  const connected = Promise.race([client.connect().then(() => undefined, unreachable), new Promise<void>((resolve) => setTimeout(resolve, 1_000).unref())]);
  const pending = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    pending.add(work);
    void work.finally(() => pending.delete(work)).catch(() => undefined);
    return work;
  };

  const heartbeat = setInterval(() => {
    for (const [userId, tokens] of local.users()) {
      track(client.eval(HEARTBEAT_SCRIPT, { keys: [keyOf(userId)], arguments: [String(ttlMs), ...[...tokens].map(memberOf)] })).catch(unreachable);
    }
  }, Math.max(100, Math.floor(ttlMs / 3)));
  heartbeat.unref();
  let closed = false;

  return {
    kind: 'redis',
    async acquire(userId, token) {
      if (!(await local.acquire(userId, token))) return false;
      await connected;
      const verdict = track(client.eval(ACQUIRE_SCRIPT, { keys: [keyOf(userId)], arguments: [String(options.max), String(ttlMs), memberOf(token)] }));
      let timer: NodeJS.Timeout | undefined;
      type Outcome = 'granted' | 'refused' | 'unknown';
      const outcome = await Promise.race([
        verdict.then(
          (answer): Outcome => (Number(answer) === 1 ? 'granted' : 'refused'),
          (error: unknown): Outcome => {
            unreachable(error);
            return 'unknown';
          },
        ),
        new Promise<Outcome>((resolve) => (timer = setTimeout(() => resolve('unknown'), timeoutMs))),
      ]);
      clearTimeout(timer);
      if (outcome !== 'refused') return true; // an unknown outcome keeps the slot: the heartbeat and release treat it as held
      local.release(userId, token);
      return false;
    },
    release(userId, token) {
      if (!local.heldBy(userId)?.has(token)) return;
      local.release(userId, token);
      if (!closed) track(client.zRem(keyOf(userId), memberOf(token))).catch(unreachable);
    },
    async close() {
      closed = true;
      clearInterval(heartbeat);
      await connected;
      const held = [...local.users()].map(([userId, tokens]) => client.zRem(keyOf(userId), [...tokens].map(memberOf)).catch(() => undefined));
      const settled = Promise.all([...held, ...[...pending].map((work) => work.catch(() => undefined))]);
      await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
      await local.close();
      await client.close().catch(() => undefined);
    },
  };
}
