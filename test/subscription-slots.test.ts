import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { createClient } from '@keyv/redis';
import { createLocalSubscriptionSlots, createRedisSubscriptionSlots, type SubscriptionSlots } from '../src/http/subscription-slots';
import { createLogger } from '../src/log';

// The per-user subscription bound shared through Redis, on its own: what a crashed instance
// leaves expires, a live instance's heartbeat keeps its slots, and without Redis the bound holds
// per instance. (test/subscriptions.test.ts runs it through two gateways.)

const log = createLogger({ enabled: false });
const redisUrl = process.env.REDIS_URL;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('local slots: at most max per user, release frees one, other users are apart', async () => {
  const slots = createLocalSubscriptionSlots(2);
  expect([await slots.acquire(1, 'a'), await slots.acquire(1, 'b'), await slots.acquire(1, 'c')]).toEqual([true, true, false]);
  expect(await slots.acquire(2, 'a')).toBe(true);
  slots.release(1, 'zzz'); // not held: nothing changes
  expect(await slots.acquire(1, 'c')).toBe(false);
  slots.release(1, 'a');
  expect(await slots.acquire(1, 'c')).toBe(true);
});

(redisUrl ? describe : describe.skip)('through Redis', () => {
  const opened: SubscriptionSlots[] = [];
  const redis = createClient({ url: redisUrl });
  let namespace: string;
  const open = (options: { ttlMs?: number } = {}) => {
    const slots = createRedisSubscriptionSlots({ max: 2, redisUrl: redisUrl!, namespace, log, ...options });
    opened.push(slots);
    return slots;
  };
  beforeAll(() => redis.connect());
  beforeEach(() => void (namespace = `gateway:test-slots-${randomUUID().slice(0, 8)}`));
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((slots) => slots.close()));
  });
  afterAll(() => redis.close());

  test("the slots of an instance that died without releasing expire; a live instance's are kept by its heartbeat", async () => {
    const live = open({ ttlMs: 2_000 });
    expect(await live.acquire(7, 's1')).toBe(true);
    // What a crashed instance leaves behind: a member nobody refreshes, expiring on Redis's clock.
    const [seconds, micros] = (await redis.sendCommand(['TIME'])) as [string, string];
    const nowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    await redis.zAdd(`${namespace}:subscriptions:7`, { score: nowMs + 500, value: 'crashed-instance:1:1' });
    const other = open({ ttlMs: 2_000 });
    expect(await other.acquire(7, 'x')).toBe(false);
    // Two TTLs later the dead member is gone, the live one (TTL 2 s, heartbeat every 667 ms) is not.
    await sleep(4_500);
    expect(await other.acquire(7, 'x')).toBe(true);
    expect(await other.acquire(7, 'y')).toBe(false);
    expect(await redis.zCard(`${namespace}:subscriptions:7`)).toBe(2);
    const ttl = await redis.pTTL(`${namespace}:subscriptions:7`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2_000);
  });

  test('close gives back every slot the instance still holds', async () => {
    const leaving = open();
    const staying = open();
    expect(await leaving.acquire(8, 'a')).toBe(true);
    expect(await leaving.acquire(8, 'b')).toBe(true);
    expect(await staying.acquire(8, 'c')).toBe(false);
    await leaving.close();
    expect(await redis.zCard(`${namespace}:subscriptions:8`)).toBe(0);
    expect(await staying.acquire(8, 'c')).toBe(true);
  });
});

test('Redis unreachable: the bound holds per instance and subscribes are not held up', async () => {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  const slots = createRedisSubscriptionSlots({ max: 2, redisUrl: `redis://127.0.0.1:${port}`, namespace: 'gateway:test-slots-down', log });
  try {
    const started = Date.now();
    expect([await slots.acquire(1, 'a'), await slots.acquire(1, 'b'), await slots.acquire(1, 'c')]).toEqual([true, true, false]);
    expect(Date.now() - started).toBeLessThan(5_000);
    slots.release(1, 'a');
    expect(await slots.acquire(1, 'c')).toBe(true);
  } finally {
    await slots.close();
  }
});
