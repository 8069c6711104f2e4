import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { buildSchema } from 'graphql';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startTestGateway, type TestGateway } from './helpers/test-gateway';
import { ok } from './helpers/responses';
import { subscribe, waitUntil, wsUrl } from './helpers/graphql-ws';
import { MUTATION_EVENTS } from '../src/modules/subscriptions/mutation-events';
import { createClient as createRedisClient } from '@keyv/redis';
import { cacheNamespaceFor } from '../src/cache/create-versioned-cache';
import { loadConfig } from '../src/config';

// GraphQL subscriptions over WebSocket (graphql-ws): authentication in connection_init, pushes
// after commit through the subscriber's own loaders, per-user isolation and order, two instances
// through Redis, limits (per user, slow consumers, depth and cost) and clean closes on shutdown.

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ limits: { maxSubscriptionsPerUser: 3 } });
});
afterAll(() => gw.close());

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
  // Each test starts with no subscription left on the server, so its counts are its own.
  await waitUntil(() => gw.server.subscriptionStats().subscriptions === 0);
});

function connect(target: TestGateway, connectionParams: Record<string, unknown> | undefined, extra: Partial<Parameters<typeof createClient>[0]> = {}) {
  const closes: { code: number; reason: string }[] = [];
  const client = createClient({
    url: wsUrl(target),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: false,
    on: { closed: (event) => void closes.push({ code: (event as { code: number; reason: string }).code, reason: (event as { code: number; reason: string }).reason }) },
    // A refused connection is what these tests look at (in `closes`), not an unhandled error.
    onNonLazyError: () => undefined,
    ...extra,
  });
  clients.push(client);
  return { client, closes };
}

const CREATE_ACCOUNT = `mutation { createExchangeAccount(input: { exchange: "paper", label: "Main" }) { account { id } } }`;
const DEPOSIT = `mutation($input: DepositInput!) { deposit(input: $input) { entry { id } } }`;
const BALANCES_CHANGED = `subscription { balancesChanged { fromCache assets { asset total } } }`;
const totalOf = (summary: { assets: { asset: string; total: string }[] }, asset = 'USDT') => summary.assets.find((a) => a.asset === asset)?.total ?? '0';

async function userWithAccount(target: TestGateway, prefix: string) {
  const user = await target.freshUser(prefix);
  const accountId = (await ok(target.http(CREATE_ACCOUNT, {}, user.key))).createExchangeAccount.account.id as string;
  const deposit = (amount: string, via: TestGateway = target) => ok(via.http(DEPOSIT, { input: { accountId, asset: 'USDT', amount } }, user.key));
  return { ...user, accountId, deposit };
}

describe('authentication in connection_init', () => {
  test('no key closes with 4401, an unknown key with 4403', async () => {
    const none = connect(gw, {});
    await waitUntil(() => none.closes.length > 0);
    expect(none.closes[0]!.code).toBe(4401);
    expect(none.closes[0]!.reason).toMatch(/authorization/);

    const wrong = connect(gw, { authorization: 'Bearer gw_live_0000000000000000000000000000000000000000' });
    await waitUntil(() => wrong.closes.length > 0);
    expect(wrong.closes[0]!.code).toBe(4403);

    const junk = connect(gw, { apiKey: 'not a key' });
    await waitUntil(() => junk.closes.length > 0);
    expect(junk.closes[0]!.code).toBe(4403);
  });

  test('a key as authorization or as apiKey is accepted', async () => {
    const user = await gw.freshUser('ws_auth');
    for (const params of [{ authorization: `Bearer ${user.key}` }, { apiKey: user.key }]) {
      const { client } = connect(gw, params);
      const acked = await new Promise<boolean>((resolve) => {
        client.on('connected', () => resolve(true));
        client.on('closed', () => resolve(false));
      });
      expect(acked).toBe(true);
    }
  });
});

describe('balancesChanged', () => {
  test('a deposit pushes the new total, and a query right after sees at least it', async () => {
    const user = await userWithAccount(gw, 'ws_bal');
    const { client } = connect(gw, { authorization: `Bearer ${user.key}` });
    const sub = subscribe(client, BALANCES_CHANGED);
    await waitUntil(() => gw.server.subscriptionStats().subscriptions >= 1);
    await user.deposit('125.5');
    const [push] = await sub.waitFor(1);
    expect(push!.errors).toBeUndefined();
    expect(totalOf(push!.data.balancesChanged)).toBe('125.5');
    expect(typeof push!.extensions?.sequence).toBe('number');
    const after = await ok(gw.http(`{ balances { assets { asset total } } }`, {}, user.key));
    expect(Number(totalOf(after.balances))).toBeGreaterThanOrEqual(125.5);
  });

  test("another user's subscriber receives nothing, and another user's session is NOT_FOUND", async () => {
    const owner = await userWithAccount(gw, 'ws_owner');
    const other = await gw.freshUser('ws_other');
    const { client } = connect(gw, { authorization: `Bearer ${other.key}` });
    const balances = subscribe(client, BALANCES_CHANGED);
    const orders = subscribe(client, `subscription { orderUpdated { id } }`);
    const session = (await ok(gw.http(`mutation { startTradingSession(input: { sessionKey: "k", initialBalance: "10", symbols: ["BTCUSDT"] }) { id } }`, {}, owner.key)))
      .startTradingSession.id as string;
    const trades = subscribe(client, `subscription($id: ID!) { tradeLogged(sessionId: $id) { id } }`, { id: session });
    const [refused] = await trades.waitFor(1);
    expect(refused!.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    await waitUntil(() => gw.server.subscriptionStats().subscriptions >= 2);
    await owner.deposit('5');
    await ok(gw.http(`mutation { createOrder(input: { accountId: "${owner.accountId}", symbol: "BTCUSDT", side: BUY, type: LIMIT, quantity: "0.01", price: "100" }) { order { id } } }`, {}, owner.key));
    // The owner's own subscriber (opened last) gets its push: by then the other's would have arrived.
    const mine = connect(gw, { authorization: `Bearer ${owner.key}` });
    const ownBalances = subscribe(mine.client, BALANCES_CHANGED);
    await waitUntil(() => gw.server.subscriptionStats().subscriptions >= 3);
    await owner.deposit('1');
    await ownBalances.waitFor(1);
    expect(balances.results).toEqual([]);
    expect(orders.results).toEqual([]);
  });

  test("one user's pushes arrive in commit order over many mutations", async () => {
    const user = await userWithAccount(gw, 'ws_order');
    const { client } = connect(gw, { authorization: `Bearer ${user.key}` });
    const sub = subscribe(client, BALANCES_CHANGED);
    await waitUntil(() => gw.server.subscriptionStats().subscriptions >= 1);
    const count = 40;
    for (let n = 1; n <= count; n++) await user.deposit(String(n));
    const pushes = await sub.waitFor(count);
    const sequences = pushes.map((push) => push.extensions!.sequence as number);
    expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
    expect(new Set(sequences).size).toBe(count);
    // Each push shows at least the total after its own deposit, and the totals never go back.
    const totals = pushes.map((push) => Number(totalOf(push.data.balancesChanged)));
    totals.forEach((total, index) => expect(total).toBeGreaterThanOrEqual(((index + 1) * (index + 2)) / 2));
    expect([...totals].sort((a, b) => a - b)).toEqual(totals);
    expect(totals[count - 1]).toBe((count * (count + 1)) / 2);
  });
});

describe('trading pushes', () => {
  test('tradeLogged and tradingSessionUpdated follow logTrade, heartbeat and the end', async () => {
    const user = await gw.freshUser('ws_trading');
    const session = (await ok(gw.http(`mutation { startTradingSession(input: { sessionKey: "bot", initialBalance: "100", symbols: ["EURUSD"] }) { id } }`, {}, user.key)))
      .startTradingSession.id as string;
    const { client } = connect(gw, { authorization: `Bearer ${user.key}` });
    const trades = subscribe(client, `subscription($id: ID!) { tradeLogged(sessionId: $id) { tradeId symbol session { id totalTrades } } }`, { id: session });
    const sessions = subscribe(client, `subscription { tradingSessionUpdated { id status currentBalance totalTrades endReason stale } }`);
    await waitUntil(() => gw.server.subscriptionStats().subscriptions >= 2);
    await ok(gw.http(`mutation($s: ID!) { logTrade(input: { sessionId: $s, tradeId: "t1", symbol: "EURUSD", direction: 1, action: OPEN, volume: "1" }) { id } }`, { s: session }, user.key));
    await ok(gw.http(`mutation($s: ID!) { heartbeat(input: { sessionId: $s, currentBalance: "101" }) { id } }`, { s: session }, user.key));
    await ok(gw.http(`mutation($s: ID!) { endTradingSession(input: { sessionId: $s, reason: NORMAL }) { id } }`, { s: session }, user.key));
    const [trade] = await trades.waitFor(1);
    expect(trade!.data.tradeLogged).toEqual({ tradeId: 't1', symbol: 'EUR-USD', session: { id: session, totalTrades: 1 } });
    const pushed = (await sessions.waitFor(3)).map((push) => push.data.tradingSessionUpdated);
    expect(pushed.at(-1)).toMatchObject({ id: session, status: 'STOPPED', endReason: 'NORMAL', stale: false });
    expect(pushed.some((s) => s.currentBalance === '101')).toBe(true);
  });
});

describe('limits', () => {
  test('past MAX_SUBSCRIPTIONS_PER_USER a subscribe is TOO_MANY_SUBSCRIPTIONS; completing one frees a slot', async () => {
    const user = await gw.freshUser('ws_limit');
    const first = connect(gw, { authorization: `Bearer ${user.key}` });
    const second = connect(gw, { authorization: `Bearer ${user.key}` });
    const held = [subscribe(first.client, BALANCES_CHANGED), subscribe(first.client, BALANCES_CHANGED), subscribe(second.client, BALANCES_CHANGED)];
    await waitUntil(() => gw.server.subscriptionStats().subscriptions >= 3);
    const refused = subscribe(second.client, BALANCES_CHANGED);
    await refused.waitFor(1);
    const [error] = refused.failure as { extensions: Record<string, unknown> }[];
    expect(error!.extensions).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS', limit: 'subscriptionsPerUser', max: 3 });
    held[0]!.stop();
    await waitUntil(() => gw.server.subscriptionStats().subscriptions === 2);
    const again = subscribe(second.client, BALANCES_CHANGED);
    await waitUntil(() => gw.server.subscriptionStats().subscriptions === 3);
    expect(again.failure).toBeUndefined();
  });

  test('depth and cost limits refuse a subscription document; queries are refused over WebSocket', async () => {
    const user = await gw.freshUser('ws_shape');
    const { client } = connect(gw, { authorization: `Bearer ${user.key}` });
    const deep = subscribe(client, `subscription { positionUpdated { ${'account { positions(first: 1) { edges { node { '.repeat(4)} id ${'} } } }'.repeat(4)} } }`);
    await deep.waitFor(1);
    expect((deep.failure as { extensions: Record<string, unknown> }[])[0]!.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth' });
    const costly = subscribe(client, `subscription { positionUpdated { account { positions(first: 100) { edges { node { orders(first: 100) { edges { node { account { positions(first: 100) { totalCount } } } } } } } } } } }`);
    await costly.waitFor(1);
    expect((costly.failure as { extensions: Record<string, unknown> }[])[0]!.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost' });
    const query = subscribe(client, `{ viewer { id } }`);
    await query.waitFor(1);
    expect((query.failure as { extensions: Record<string, unknown> }[])[0]!.extensions).toMatchObject({ code: 'BAD_REQUEST' });
  });

  test('a client that stops reading is dropped with 4008 instead of being buffered for', async () => {
    const slow = await startTestGateway({ sameDatabaseAs: gw, limits: { maxQueuedEventsPerSubscription: 4, maxSocketBufferedBytes: 16_384, maxAliases: 200 } });
    try {
      const user = await userWithAccount(slow, 'ws_slow');
      const socket = new WebSocket(wsUrl(slow), 'graphql-transport-ws');
      const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
      await new Promise((resolve) => socket.once('open', resolve));
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${user.key}` } }));
      await new Promise((resolve) => socket.once('message', resolve));
      // A heavy push (the summary 150 times over), on eight subscriptions.
      const heavy = `subscription { balancesChanged { ${Array.from({ length: 150 }, (_, i) => `a${i}: assets { asset free locked total }`).join(' ')} } }`;
      const ids = ['1', '2', '3', '4', '5', '6', '7', '8'];
      for (const id of ids) socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query: heavy } }));
      await waitUntil(() => slow.server.subscriptionStats().subscriptions === ids.length);
      (socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
      let deposits = 0;
      while (slow.server.subscriptionStats().slowConsumersDropped === 0) {
        if (++deposits > 400) throw new Error('never dropped');
        await user.deposit('1');
      }
      (socket as unknown as { _socket: { resume(): void } })._socket.resume();
      const close = await closed;
      expect(close.code).toBe(4008);
      expect(close.reason).toMatch(/Slow consumer/);
      await waitUntil(() => slow.server.subscriptionStats().subscriptions === 0);
    } finally {
      await slow.close();
    }
  });
});

describe('shutdown and reconnect', () => {
  test('closing a gateway closes its sockets with 1001; the client reconnects to another and resubscribes', async () => {
    const user = await userWithAccount(gw, 'ws_shutdown');
    const leaving = await startTestGateway({ sameDatabaseAs: gw });
    let target = leaving;
    const closes: number[] = [];
    const client = createClient({
      url: () => wsUrl(target),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${user.key}` },
      retryAttempts: 3,
      retryWait: async () => undefined,
      on: { closed: (event) => void closes.push((event as { code: number; reason: string }).code) },
    });
    clients.push(client);
    const sub = subscribe(client, BALANCES_CHANGED);
    await waitUntil(() => leaving.server.subscriptionStats().subscriptions === 1);
    target = gw;
    await leaving.close();
    expect(closes[0]).toBe(1001);
    // graphql-ws retries on 1001 and subscribes again, now on the remaining instance.
    await waitUntil(() => gw.server.subscriptionStats().subscriptions >= 1);
    await user.deposit('7');
    const [push] = await sub.waitFor(1);
    expect(totalOf(push!.data.balancesChanged)).toBe('7');
  });
});

const redisUrl = process.env.REDIS_URL;
(redisUrl ? describe : describe.skip)('two instances through Redis', () => {
  let a: TestGateway;
  let b: TestGateway;
  beforeAll(async () => {
    a = await startTestGateway({ redisUrl, limits: { maxSubscriptionsPerUser: 3 } });
    b = await startTestGateway({ redisUrl, sameDatabaseAs: a, limits: { maxSubscriptionsPerUser: 3 } });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  test('a mutation acknowledged by A reaches a subscriber on B, and only its owner', async () => {
    const user = await userWithAccount(a, 'ws_redis');
    const other = await a.freshUser('ws_redis_other');
    const mine = subscribe(connect(b, { authorization: `Bearer ${user.key}` }).client, BALANCES_CHANGED);
    const theirs = subscribe(connect(b, { authorization: `Bearer ${other.key}` }).client, BALANCES_CHANGED);
    await waitUntil(() => b.server.subscriptionStats().subscriptions === 2);
    await user.deposit('42', a);
    const [push] = await mine.waitFor(1);
    expect(totalOf(push!.data.balancesChanged)).toBe('42');
    await user.deposit('1', a);
    await mine.waitFor(2);
    expect(theirs.results).toEqual([]);
    const sequences = mine.results.map((r) => r.extensions!.sequence as number);
    expect(sequences[1]).toBeGreaterThan(sequences[0]!);
  });

  test('MAX_SUBSCRIPTIONS_PER_USER holds across instances; completing one on A frees a slot on B', async () => {
    const user = await a.freshUser('ws_cluster_limit');
    const onA = connect(a, { authorization: `Bearer ${user.key}` });
    const onB = connect(b, { authorization: `Bearer ${user.key}` });
    const first = subscribe(onA.client, BALANCES_CHANGED);
    subscribe(onA.client, BALANCES_CHANGED);
    await waitUntil(() => a.server.subscriptionStats().subscriptions === 2);
    subscribe(onB.client, BALANCES_CHANGED);
    await waitUntil(() => b.server.subscriptionStats().subscriptions === 1);

    // The user's slots in Redis, under the deployment's namespace: two of A's, one of B's.
    const redis = createRedisClient({ url: redisUrl });
    await redis.connect();
    try {
      const key = `${cacheNamespaceFor({ databaseUrl: a.db.location.url, dataDir: a.db.location.dataDir ?? loadConfig({}).dataDir, cacheNamespace: undefined })}:subscriptions:${user.id}`;
      expect(await redis.zCard(key)).toBe(3);
      /** Releases travel to Redis after the instance has counted them. */
      const zCardBecomes = async (count: number) => {
        const deadline = Date.now() + 10_000;
        while ((await redis.zCard(key)) !== count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        expect(await redis.zCard(key)).toBe(count);
      };

      // Each instance holds fewer than 3, so only the shared count can refuse these.
      for (const [target, on] of [[b, onB], [a, onA]] as const) {
        const refused = subscribe(on.client, BALANCES_CHANGED);
        await refused.waitFor(1);
        const [error] = refused.failure as { extensions: Record<string, unknown> }[];
        expect(error!.extensions).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS', limit: 'subscriptionsPerUser', max: 3 });
        expect(target.server.subscriptionStats().subscriptions).toBe(target === a ? 2 : 1);
      }
      // Another user is not counted against this one.
      const other = await a.freshUser('ws_cluster_other');
      const theirs = subscribe(connect(b, { authorization: `Bearer ${other.key}` }).client, BALANCES_CHANGED);
      await waitUntil(() => b.server.subscriptionStats().subscriptions === 2);
      expect(theirs.failure).toBeUndefined();

      first.stop();
      await waitUntil(() => a.server.subscriptionStats().subscriptions === 1);
      await zCardBecomes(2);
      const again = subscribe(onB.client, BALANCES_CHANGED);
      await waitUntil(() => b.server.subscriptionStats().subscriptions === 3);
      expect(again.failure).toBeUndefined();
      expect(await redis.zCard(key)).toBe(3);

      // Closing the sockets gives the slots back in Redis, not only on the instance.
      await Promise.all([onA.client.dispose(), onB.client.dispose()]);
      await waitUntil(() => a.server.subscriptionStats().subscriptions === 0 && b.server.subscriptionStats().subscriptions === 1);
      await zCardBecomes(0);
    } finally {
      await redis.close();
    }
  });
});

test('every mutation of the schema says which events it publishes', () => {
  const schema = buildSchema(readFileSync(path.join(__dirname, '..', 'schema.graphql'), 'utf8'));
  const mutations = Object.keys(schema.getMutationType()!.getFields()).sort();
  expect(mutations.filter((name) => !(name in MUTATION_EVENTS))).toEqual([]);
});
