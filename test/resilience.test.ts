import pg from 'pg';
import { startTestGateway } from './helpers/test-gateway';
import { startGatewayOn } from './helpers/gateway-on-database';
import { TcpProxy } from './helpers/tcp-proxy';
import { openDatabase } from '../src/db/database';
import { usingPostgres } from './helpers/test-database';
import type { CacheStore } from '../src/cache/cache-store';

// Failing fast and admitting fairly: per-client concurrency, draining on shutdown, statement
// timeouts, and a database that goes away and comes back.

const post = (gw: { url: string }, query: string, key?: string) =>
  fetch(`${gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query }),
  });

describe('admission', () => {
  test("one client's extra requests wait for its share, bounded in number and time; other clients pass", async () => {
    // Balance reads wait at the cache until the gate opens, so requests stay in flight.
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const gw = await startTestGateway({
      limits: { maxConcurrentPerClient: 2, maxQueuedPerClient: 2, admissionQueueTimeoutMs: 60_000 },
      wrapCacheStore: (store) => ({ ...store, getMany: async (keys) => (await gate, store.getMany(keys)) }),
    });
    try {
      const greedy = await gw.keyFor('greedy');
      const other = await gw.keyFor('patient');
      const held = [post(gw, '{ balances { fromCache } }', greedy), post(gw, '{ balances { fromCache } }', greedy)];
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Two more wait for a turn rather than being refused...
      const queued = [post(gw, '{ viewer { username } }', greedy), post(gw, '{ viewer { username } }', greedy)];
      await new Promise((resolve) => setTimeout(resolve, 300));
      // ...and past the queue's bound the client is told to come back.
      const refused = await post(gw, '{ viewer { username } }', greedy);
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as any).errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
      expect(refused.headers.get('retry-after')).toBe('1');
      // Another client is not affected, and the held and queued requests finish normally.
      expect((await post(gw, '{ viewer { username } }', other)).status).toBe(200);
      openGate();
      expect((await Promise.all([...held, ...queued])).map((response) => response.status)).toEqual([200, 200, 200, 200]);
      expect((await post(gw, '{ viewer { username } }', greedy)).status).toBe(200);
    } finally {
      openGate();
      await gw.close();
    }
  });

  test('a request that waits longer than the queue timeout gets 503 with Retry-After', async () => {
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const gw = await startTestGateway({
      limits: { maxConcurrentPerClient: 1, maxQueuedPerClient: 5, admissionQueueTimeoutMs: 300 },
      wrapCacheStore: (store) => ({ ...store, getMany: async (keys) => (await gate, store.getMany(keys)) }),
    });
    try {
      const key = await gw.keyFor('impatient');
      const held = post(gw, '{ balances { fromCache } }', key);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const waited = await post(gw, '{ viewer { username } }', key);
      expect(waited.status).toBe(503);
      expect(((await waited.json()) as any).errors[0].extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      expect(waited.headers.get('retry-after')).toBe('1');
      openGate();
      expect((await held).status).toBe(200);
    } finally {
      openGate();
      await gw.close();
    }
  });

  test("a user's keys share one share: a second key does not add requests in flight", async () => {
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const gw = await startTestGateway({
      limits: { maxConcurrentPerClient: 1, maxQueuedPerClient: 0, admissionQueueTimeoutMs: 60_000 },
      wrapCacheStore: (store) => ({ ...store, getMany: async (keys) => (await gate, store.getMany(keys)) }),
    });
    try {
      const first = await gw.keyFor('two-keys');
      const second = await gw.keyFor('two-keys');
      const held = post(gw, '{ balances { fromCache } }', first);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await post(gw, '{ viewer { username } }', second)).status).toBe(429);
      openGate();
      expect((await held).status).toBe(200);
    } finally {
      openGate();
      await gw.close();
    }
  });

  test('while draining for shutdown, in-flight requests finish and new ones get 503', async () => {
    // The in-flight request is held inside its resolver (its balance-cache read waits for a gate),
    // so it is certainly admitted before the drain begins and still running during it.
    let reachedStore!: () => void;
    const inResolver = new Promise<void>((resolve) => (reachedStore = resolve));
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const gw = await startTestGateway({
      wrapCacheStore: (store: CacheStore): CacheStore => ({
        ...store,
        getMany: async (keys) => {
          reachedStore();
          await gate;
          return store.getMany(keys);
        },
      }),
    });
    try {
      const key = await gw.keyFor('drainer');
      const inFlight = post(gw, '{ balances { fromCache } }', key);
      await inResolver;
      const stopping = gw.server.stop();
      // The listener stays open while a request is in flight: a new connection gets a clear 503.
      const late = await post(gw, '{ __typename }', key);
      expect(late.status).toBe(503);
      expect(late.headers.get('connection')).toBe('close');
      expect(((await late.json()) as any).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect((await fetch(`${gw.url}/ready`)).status).toBe(503);
      openGate();
      const finished = await inFlight;
      expect(finished.status).toBe(200);
      expect(((await finished.json()) as any).data.balances.fromCache).toBe(false);
      await stopping;
      // Nothing in flight any more: the listener is closed.
      expect(await post(gw, '{ __typename }', key).then((response) => response.status, () => 'refused')).toBe('refused');
    } finally {
      openGate();
      await gw.db.close();
      await gw.cacheStore.close();
    }
  });
});

(usingPostgres ? describe : describe.skip)('database failures (PostgreSQL)', () => {
  test('a statement over the timeout is cancelled and answered TIMEOUT quickly, freeing its connection', async () => {
    const base = await startTestGateway();
    const db = await openDatabase({ url: base.db.location.url, poolMax: 2, statementTimeoutMs: 300 });
    const gateway = await startGatewayOn(db, { cacheOf: base });
    const key = await base.keyFor('timeout-user');
    const blocker = new pg.Client({ connectionString: base.db.location.url });
    await blocker.connect();
    try {
      // Another session holds the table: the statement waits, and the wait counts toward its limit.
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE "Item" IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const slow: any = await (await post(gateway, '{ items(first: 1) { totalCount } }', key)).json();
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(slow.errors[0]).toMatchObject({ message: expect.stringMatching(/took too long/), extensions: { code: 'TIMEOUT' } });
      // Both pool connections are free again: other requests run at once.
      const others = await Promise.all([1, 2, 3].map(() => post(gateway, '{ viewer { username } }', key)));
      expect(others.map((response) => response.status)).toEqual([200, 200, 200]);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
      await gateway.close();
      await base.close();
    }
  });

  test('with the database unreachable, requests fail fast with SERVICE_UNAVAILABLE, /ready is 503, and it recovers', async () => {
    // A TCP proxy between the gateway and PostgreSQL that the test can cut: an outage without
    // stopping the shared server.
    const proxy = await TcpProxy.toPostgres(process.env.DATABASE_URL!);
    const base = await startTestGateway();
    const db = await openDatabase({ url: proxy.via(base.db.location.url!), poolMax: 4, connectTimeoutMs: 500, statementTimeoutMs: 1_000 });
    const gateway = await startGatewayOn(db, { cacheOf: base });
    const key = await base.keyFor('outage-user');
    const ask = (as = key) => post(gateway, '{ exchangeAccounts { id } }', as);
    const unseenKey = await base.keyFor('outage-user-2');
    try {
      expect((await ask()).status).toBe(200);
      proxy.cut('reset');
      const started = Date.now();
      // A key not seen yet needs its lookup: the whole request is refused, 503 with Retry-After.
      const during = await ask(unseenKey);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(during.status).toBe(503);
      expect(((await during.json()) as any).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      // A key seen valid a moment ago is trusted without a statement: the field that reads the
      // database fails instead, SERVICE_UNAVAILABLE at its path (an executed request, so 200).
      const trusted = await ask();
      expect(trusted.status).toBe(200);
      expect(await trusted.json()).toMatchObject({ data: null, errors: [{ path: ['exchangeAccounts'], extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
      expect((await fetch(`${gateway.url}/ready`)).status).toBe(503);
      expect((await fetch(`${gateway.url}/health`)).status).toBe(200);

      proxy.restore();
      let recovered = false;
      for (let attempt = 0; attempt < 20 && !recovered; attempt++) {
        const r = await ask();
        recovered = r.status === 200 && ((await r.json()) as { errors?: unknown }).errors === undefined;
        if (!recovered) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(recovered).toBe(true);
      expect((await fetch(`${gateway.url}/ready`)).status).toBe(200);
    } finally {
      await gateway.close();
      await base.close();
      await proxy.close();
    }
  });
});
