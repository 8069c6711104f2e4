import { Prisma } from '../src/generated/prisma/client';
import type { CacheStore } from '../src/cache/cache-store';
import { startTestGateway, type TestGateway } from './helpers/test-gateway';
import { PrivateRedis } from './helpers/private-servers';

// The balance cache shared through Redis by several gateway instances. These tests need Redis:
// CI sets REDIS_URL; without it they are reported as skipped.
const redisUrl = process.env.REDIS_URL;
const describeWithRedis = redisUrl ? describe : describe.skip;

const BALANCES = `{ balances { fromCache assets { asset total } } }`;
const DEPOSIT = `mutation($id: ID!, $amount: Decimal!) { deposit(input: { accountId: $id, asset: "USDT", amount: $amount }) { entry { id } } }`;

const usdtTotal = (response: any) =>
  response.data.balances.assets.find((asset: { asset: string }) => asset.asset === 'USDT')?.total ?? '0';

async function ledgerTotal(gw: TestGateway, userId: number): Promise<string> {
  const sum = await gw.db.prisma.ledgerEntry.aggregate({ where: { asset: 'USDT', account: { userId } }, _sum: { amount: true } });
  return (sum._sum.amount ?? new Prisma.Decimal(0)).toFixed();
}

/** A user with one funded account, so tests on a shared Redis never see each other's keys. */
async function freshTrader(gw: TestGateway, name: string) {
  const username = `${name}-${process.pid}-${Date.now().toString(36)}`;
  const key = await gw.keyFor(username);
  const account = await gw.execute(`mutation { createExchangeAccount(input: { exchange: "paper", label: "main" }) { account { id } } }`, {}, key);
  const accountId = account.data.createExchangeAccount.account.id as string;
  await gw.execute(DEPOSIT, { id: accountId, amount: '1000' }, key);
  const user = await gw.db.prisma.user.findUniqueOrThrow({ where: { username } });
  return { key, accountId, userId: user.id };
}

describeWithRedis('balance cache shared through Redis by two instances', () => {
  let one: TestGateway;
  let two: TestGateway;

  beforeAll(async () => {
    one = await startTestGateway({ redisUrl, balanceCacheTtlMs: 60_000 });
    two = await startTestGateway({ redisUrl, balanceCacheTtlMs: 60_000, sameDatabaseAs: one });
  });
  afterAll(async () => {
    await two?.close();
    await one?.close();
  });

  test('a mutation through one instance is seen by the next read through the other', async () => {
    const trader = await freshTrader(one, 'two-instances');
    const warm = await two.execute(BALANCES, {}, trader.key);
    expect(warm.data.balances.fromCache).toBe(false);
    expect((await two.execute(BALANCES, {}, trader.key)).data.balances.fromCache).toBe(true);
    // Instance one served nothing yet, but the summary instance two cached is shared.
    expect((await one.execute(BALANCES, {}, trader.key)).data.balances.fromCache).toBe(true);

    await one.execute(DEPOSIT, { id: trader.accountId, amount: '250' }, trader.key);
    const after = await two.execute(BALANCES, {}, trader.key);
    expect(after.data.balances.fromCache).toBe(false);
    expect(usdtTotal(after)).toBe('1250');
    expect(usdtTotal(after)).toBe(await ledgerTotal(one, trader.userId));

    const metrics = await one.execute(`{ balanceCacheMetrics { store size } }`, {}, trader.key);
    expect(metrics.data.balanceCacheMetrics.store).toBe('redis');
    expect(metrics.data.balanceCacheMetrics.size).toBeGreaterThan(0);
  });

  test('every mutation kind that moves money invalidates across instances', async () => {
    const trader = await freshTrader(one, 'mutations');
    const expectFresh = async (label: string) => {
      const read = await two.execute(BALANCES, {}, trader.key);
      expect({ label, total: usdtTotal(read) }).toEqual({ label, total: await ledgerTotal(two, trader.userId) });
      expect((await two.execute(BALANCES, {}, trader.key)).data.balances.fromCache).toBe(true);
    };
    await expectFresh('start');
    const order = await one.execute(
      `mutation($id: ID!) { createOrder(input: { accountId: $id, symbol: "ETH-USDT", side: BUY, type: MARKET, quantity: "0.1", price: "3000" }) { order { position { id } } } }`,
      { id: trader.accountId },
      trader.key,
    );
    expect(order.errors).toBeUndefined();
    await expectFresh('after a market order');
    await one.execute(
      `mutation($id: ID!) { closePosition(input: { positionId: $id, exitPrice: "3100" }) { position { status } } }`,
      { id: order.data.createOrder.order.position.id },
      trader.key,
    );
    await expectFresh('after closing the position');
  });
});

describeWithRedis('Redis outages', () => {
  let redis: PrivateRedis;
  let gw: TestGateway;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    gw = await startTestGateway({ redisUrl: redis.url, balanceCacheTtlMs: 60_000 });
  });
  afterAll(async () => {
    await gw?.close();
    await redis?.down().catch(() => undefined);
  });

  test('with Redis unreachable, balances come from the database and mutations succeed', async () => {
    const trader = await freshTrader(gw, 'outage');
    await gw.execute(BALANCES, {}, trader.key);
    expect((await gw.execute(BALANCES, {}, trader.key)).data.balances.fromCache).toBe(true);

    await redis.down();
    const during = await gw.execute(BALANCES, {}, trader.key);
    expect(during.errors).toBeUndefined();
    expect(during.data.balances.fromCache).toBe(false);
    const deposit = await gw.execute(DEPOSIT, { id: trader.accountId, amount: '5' }, trader.key);
    expect(deposit.errors).toBeUndefined();
    expect(usdtTotal(await gw.execute(BALANCES, {}, trader.key))).toBe('1005');

    await redis.up();
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // past the store's retry pause
    const back = await gw.execute(BALANCES, {}, trader.key);
    expect(back.errors).toBeUndefined();
    expect(usdtTotal(back)).toBe('1005');
    expect((await gw.execute(BALANCES, {}, trader.key)).data.balances.fromCache).toBe(true);
  });

});

describeWithRedis('a partition between the gateways and Redis', () => {
  // Redis stays up and keeps its data; a gateway cannot reach it (every call fails, as on a
  // network partition), so nothing it does meanwhile reaches Redis.
  const partitioned = new Set<string>();
  const partitionable = (name: string) => (store: CacheStore): CacheStore => {
    const reachable = <T>(call: () => Promise<T>) => (partitioned.has(name) ? Promise.reject(new Error('partitioned')) : call());
    return {
      kind: store.kind,
      getMany: (keys) => reachable(() => store.getMany(keys)),
      set: (key, value, ttl) => reachable(() => store.set(key, value, ttl)),
      delete: (key) => reachable(() => store.delete(key)),
      count: (prefix) => reachable(() => store.count(prefix)),
      close: () => store.close(),
    };
  };
  let one: TestGateway;
  let two: TestGateway;

  beforeAll(async () => {
    one = await startTestGateway({ redisUrl, balanceCacheTtlMs: 60_000, wrapCacheStore: partitionable('one') });
    two = await startTestGateway({ redisUrl, balanceCacheTtlMs: 60_000, wrapCacheStore: partitionable('two'), sameDatabaseAs: one });
  });
  afterAll(async () => {
    partitioned.clear();
    await two?.close();
    await one?.close();
  });

  test.each([
    ['both gateways', ['one', 'two']],
    ['only the gateway that takes the deposit', ['one']],
  ])('partitioned from %s: nothing cached before it is served after the deposit, on any instance', async (_, names) => {
    const trader = await freshTrader(one, `partition-${names.length}`);
    await two.execute(BALANCES, {}, trader.key);
    // After an earlier case's partition, a gateway uses Redis again after its retry pause (1 s).
    let cached = false;
    for (let attempt = 0; attempt < 30 && !cached; attempt++) {
      cached = (await two.execute(BALANCES, {}, trader.key)).data.balances.fromCache;
      if (!cached) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(cached).toBe(true);

    for (const name of names) partitioned.add(name);
    const deposit = await one.execute(DEPOSIT, { id: trader.accountId, amount: '7' }, trader.key);
    expect(deposit.errors).toBeUndefined();
    // Instance two may still reach Redis, and finds the summary cached before the deposit there.
    for (const gateway of [one, two]) {
      const during = await gateway.execute(BALANCES, {}, trader.key);
      expect(during.errors).toBeUndefined();
      expect(usdtTotal(during)).toBe('1007');
      expect(during.data.balances.fromCache).toBe(false);
    }
    partitioned.clear();

    // At once after the partition, without waiting for any retry pause: still never the old figures.
    for (const gateway of [two, one, two]) {
      const read = await gateway.execute(BALANCES, {}, trader.key);
      expect(read.errors).toBeUndefined();
      expect(usdtTotal(read)).toBe('1007');
    }
  });
});
