import { Prisma } from '../src/generated/prisma/client';
import { countStatements } from '../src/db/statement-counter';
import { cacheKeys } from '../src/cache/keys';
import type { CacheStore } from '../src/cache/cache-store';
import { startTestGateway, type TestGateway } from './helpers/test-gateway';

// The balance cache on one instance (in-memory Keyv): hits, invalidation by mutations, TTL,
// shared misses, the stale write-back race, and per-user keys.

const BALANCES = `{ balances { fromCache computedAt openPositions realizedPnl assets { asset free locked total } } }`;
const METRICS = `{ balanceCacheMetrics { hits misses hitRate size invalidations store } }`;
const DEPOSIT = `mutation($id: ID!, $amount: Decimal!) { deposit(input: { accountId: $id, asset: "USDT", amount: $amount }) { entry { id } } }`;

/** A gate the test opens: lets a cache write-back be held until after a mutation answered. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

async function ledgerTotal(gw: TestGateway, username: string, asset: string): Promise<string> {
  const sum = await gw.db.prisma.ledgerEntry.aggregate({
    where: { asset, account: { user: { username } } },
    _sum: { amount: true },
  });
  return (sum._sum.amount ?? new Prisma.Decimal(0)).toFixed();
}

const usdt = (data: any) => data.balances.assets.find((asset: { asset: string }) => asset.asset === 'USDT');

describe('balance cache (in-memory store)', () => {
  let gw: TestGateway;
  let holdSummaryWrites: Promise<void> | null = null;
  let demoKey: string;
  let demoAccountId: string;

  beforeAll(async () => {
    // The wrapper delegates to the real store; it can only delay summary writes.
    const wrap = (store: CacheStore): CacheStore => ({
      ...store,
      set: async (key, value, ttl) => {
        if (holdSummaryWrites && key.startsWith(cacheKeys.balanceSummaryPrefix)) await holdSummaryWrites;
        return store.set(key, value, ttl);
      },
    });
    gw = await startTestGateway({ wrapCacheStore: wrap, balanceCacheTtlMs: 60_000 });
    demoKey = await gw.keyFor('demo');
    const account = await gw.db.prisma.exchangeAccount.findFirstOrThrow({ where: { user: { username: 'demo' }, label: 'main' } });
    const ids = await gw.execute(`{ exchangeAccounts { id label } }`, {}, demoKey);
    demoAccountId = ids.data.exchangeAccounts.find((a: { label: string }) => a.label === account.label).id;
  });
  afterAll(() => gw.close());

  beforeEach(async () => {
    await gw.execute(`mutation { invalidateBalanceCache }`, {}, demoKey);
  });

  test('a miss computes from the ledger, the next read is a hit with the same figures', async () => {
    const first = await gw.execute(BALANCES, {}, demoKey);
    expect(first.errors).toBeUndefined();
    expect(first.data.balances.fromCache).toBe(false);
    expect(usdt(first.data).total).toBe(await ledgerTotal(gw, 'demo', 'USDT'));

    const second = await gw.execute(BALANCES, {}, demoKey);
    expect(second.data.balances).toEqual({ ...first.data.balances, fromCache: true });
    // A hit runs no SQL beyond the API-key lookup and the user's balance version (a primary-key read).
    expect(second.statements).toBe(2);
  });

  test('a deposit invalidates: the next read is a miss that shows it', async () => {
    await gw.execute(BALANCES, {}, demoKey);
    const before = await gw.execute(METRICS, {}, demoKey);
    const deposit = await gw.execute(DEPOSIT, { id: demoAccountId, amount: '125.5' }, demoKey);
    expect(deposit.errors).toBeUndefined();

    const after = await gw.execute(BALANCES, {}, demoKey);
    expect(after.data.balances.fromCache).toBe(false);
    expect(usdt(after.data).total).toBe(await ledgerTotal(gw, 'demo', 'USDT'));
    const metrics = (await gw.execute(METRICS, {}, demoKey)).data.balanceCacheMetrics;
    expect(metrics.invalidations).toBe(before.data.balanceCacheMetrics.invalidations + 1);
    expect(metrics.misses).toBe(before.data.balanceCacheMetrics.misses + 1);
    expect(metrics.store).toBe('memory');
  });

  test('a slow read that began before a mutation cannot serve its old figures after it', async () => {
    // Reader A computes the old summary, but its write-back is held until the mutation answered:
    // the race that makes "delete the key" invalidation serve stale data.
    const held = gate();
    holdSummaryWrites = held.opened;
    const slowRead = gw.execute(BALANCES, {}, demoKey);
    await new Promise((resolve) => setTimeout(resolve, 300)); // A has computed and is waiting to write
    const totalBefore = await ledgerTotal(gw, 'demo', 'USDT');

    const deposit = await gw.execute(DEPOSIT, { id: demoAccountId, amount: '1000' }, demoKey);
    expect(deposit.errors).toBeUndefined();
    held.open();
    holdSummaryWrites = null;
    const slow = await slowRead;
    expect(usdt(slow.data).total).toBe(totalBefore); // A really did compute the old figures

    // Every read that starts after the mutation's response shows the deposit.
    const totalAfter = await ledgerTotal(gw, 'demo', 'USDT');
    expect(totalAfter).not.toBe(totalBefore);
    for (let i = 0; i < 3; i++) {
      const read = await gw.execute(BALANCES, {}, demoKey);
      expect(usdt(read.data).total).toBe(totalAfter);
    }
  });

  test('concurrent misses for one user share one database computation', async () => {
    const contexts = await Promise.all(Array.from({ length: 10 }, () => gw.server.contextFor(`Bearer ${demoKey}`)));
    const { result, statements } = await countStatements(() =>
      Promise.all(contexts.map((contextValue) => gw.server.apollo.executeOperation({ query: BALANCES }, { contextValue }))),
    );
    // One read of the balance version (the reads asked for in one turn share a statement), and
    // the aggregate once.
    expect(statements).toBe(2);
    const totals = result.map((response) => {
      if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
      return usdt(response.body.singleResult.data).total;
    });
    expect(new Set(totals).size).toBe(1);
  });

  test('summaries expire after the TTL', async () => {
    await gw.execute(BALANCES, {}, demoKey);
    expect((await gw.execute(BALANCES, {}, demoKey)).data.balances.fromCache).toBe(true);
    // Only the clock is faked: database and cache I/O keep their real timers.
    jest.useFakeTimers({ doNotFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask', 'hrtime', 'performance'] });
    try {
      jest.setSystemTime(Date.now() + 60_001);
      expect((await gw.execute(BALANCES, {}, demoKey)).data.balances.fromCache).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });

  test('each user gets their own summary, under a key that names them', async () => {
    const aliceKey = await gw.keyFor('alice');
    const demo = await gw.execute(BALANCES, {}, demoKey);
    const alice = await gw.execute(BALANCES, {}, aliceKey);
    expect(usdt(alice.data).total).toBe(await ledgerTotal(gw, 'alice', 'USDT'));
    expect(usdt(alice.data).total).not.toBe(usdt(demo.data).total);
    // A user with no accounts gets an empty summary, not someone else's cached one.
    const nobody = await gw.execute(BALANCES, {}, await gw.keyFor('cache-newcomer'));
    expect(nobody.data.balances).toMatchObject({ assets: [], openPositions: 0, realizedPnl: '0' });
    expect(cacheKeys.balanceSummary(7)).not.toBe(cacheKeys.balanceSummary(17));
    expect(cacheKeys.balanceSummary(7)).toContain(':7');
  });

  test('invalidateBalanceCache makes the next read compute again', async () => {
    await gw.execute(BALANCES, {}, demoKey);
    const result = await gw.execute(`mutation { invalidateBalanceCache }`, {}, demoKey);
    expect(result.data).toEqual({ invalidateBalanceCache: true });
    expect((await gw.execute(BALANCES, {}, demoKey)).data.balances.fromCache).toBe(false);
  });
});

describe('in-memory store bounds', () => {
  let gw: TestGateway;
  afterAll(() => gw?.close());

  test('holds at most BALANCE_CACHE_MAX_ENTRIES entries', async () => {
    gw = await startTestGateway({ balanceCacheMaxEntries: 4, balanceCacheTtlMs: 60_000 });
    for (let i = 0; i < 6; i++) {
      const key = await gw.keyFor(`bounded-${i}`);
      expect((await gw.execute(BALANCES, {}, key)).errors).toBeUndefined();
    }
    // Gateway-wide figures are not for users (balanceCacheMetrics is the viewer's own): ask the store.
    const size = await gw.cacheStore.count(cacheKeys.balanceSummaryPrefix);
    expect(size).toBeGreaterThan(0);
    expect(size).toBeLessThanOrEqual(4);
  });
});
