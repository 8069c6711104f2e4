import { Prisma } from '../src/generated/prisma/client';
import { openDatabase } from '../src/db/database';
import { loadConfig } from '../src/config';
import { reconcileRunningBalances } from '../src/modules/exchange/reconcile';
import { balanceSummaryFor } from '../src/modules/balances/balance-summary';
import { startTestGateway, type TestGateway } from './helpers/test-gateway';
import { usingPostgres } from './helpers/test-database';
import { startGatewayOn } from './helpers/gateway-on-database';
import { TcpProxy } from './helpers/tcp-proxy';
import { fails, ok } from './helpers/responses';

// Running balances (RunningBalance rows, kept by triggers in the ledger's own transactions) and
// the balance version replaced inside the same commits: reconciled against the ledger, exact
// under races from two instances, and never leaving an old summary servable.

const redisUrl = process.env.REDIS_URL;
const describeOnPostgres = usingPostgres ? describe : describe.skip;

const CREATE_ACCOUNT = `mutation { createExchangeAccount(input: { exchange: "paper", label: "main" }) { account { id } } }`;
const DEPOSIT = `mutation($input: DepositInput!) { deposit(input: $input) { entry { id amount } } }`;
const CREATE_ORDER = `mutation($input: CreateOrderInput!) { createOrder(input: $input) { order { id status position { id } } } }`;
const CANCEL = `mutation($id: ID!) { cancelOrder(id: $id) { order { id status } } }`;
const CLOSE = `mutation($input: ClosePositionInput!) { closePosition(input: $input) { position { id status } } }`;
const BALANCES = `{ balances { fromCache realizedPnl openPositions assets { asset free locked total } accounts { assets { asset free locked total } } } }`;

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ redisUrl, balanceCacheTtlMs: 60_000 });
});
afterAll(async () => {
  await gw?.close();
});

async function trader(on: TestGateway, amount = '10000') {
  const user = await on.freshUser('running');
  const accountId = (await ok(on.execute(CREATE_ACCOUNT, {}, user.key))).createExchangeAccount.account.id as string;
  await ok(on.execute(DEPOSIT, { input: { accountId, asset: 'USDT', amount } }, user.key));
  return { ...user, accountId };
}

const order = (accountId: string, side: 'BUY' | 'SELL', type: 'MARKET' | 'LIMIT', quantity: string, price: string, extra: object = {}) => ({
  accountId, symbol: 'BTC-USDT', side, type, quantity, price, ...extra,
});

/** The summary as the old aggregate over the whole ledger computed it: what the running rows must equal. */
async function aggregateOverLedger(userId: number) {
  const rows = await gw.db.prisma.$queryRaw<Array<{ asset: string; total: string; locked: string }>>`
    WITH a AS (SELECT id FROM "ExchangeAccount" WHERE "userId" = ${userId}),
    l AS (SELECT asset, sum(amount) AS total FROM "LedgerEntry" WHERE "accountId" IN (SELECT id FROM a) GROUP BY asset),
    k AS (SELECT split_part(symbol, '-', 2) AS asset, sum(quantity * price) AS locked FROM "Order"
          WHERE "accountId" IN (SELECT id FROM a) AND status = 'NEW' AND type = 'LIMIT' GROUP BY 1)
    SELECT coalesce(l.asset, k.asset) AS asset, coalesce(l.total, 0)::text AS total, coalesce(k.locked, 0)::text AS locked
    FROM l FULL JOIN k ON k.asset = l.asset ORDER BY 1`;
  return rows.map((row) => {
    const total = new Prisma.Decimal(row.total);
    const locked = new Prisma.Decimal(row.locked);
    return { asset: row.asset, free: total.minus(locked).toFixed(), locked: locked.toFixed(), total: total.toFixed() };
  });
}

describe('running balances', () => {
  test('deposits, fills, holds, cancels and closes keep the running rows equal to the ledger', async () => {
    const t = await trader(gw);
    const opened = (await ok(gw.execute(CREATE_ORDER, { input: order(t.accountId, 'BUY', 'MARKET', '0.1', '40000') }, t.key))).createOrder.order;
    const held = (await ok(gw.execute(CREATE_ORDER, { input: order(t.accountId, 'BUY', 'LIMIT', '0.0123', '39999.5') }, t.key))).createOrder.order;
    await ok(gw.execute(CREATE_ORDER, { input: order(t.accountId, 'BUY', 'LIMIT', '0.01', '100') }, t.key));
    await ok(gw.execute(CANCEL, { id: held.id }, t.key));
    await ok(gw.execute(CLOSE, { input: { positionId: opened.position.id, exitPrice: '41000.25' } }, t.key));
    await ok(gw.execute(DEPOSIT, { input: { accountId: t.accountId, asset: 'BTC', amount: '0.000000000000000001' } }, t.key));

    const summary = (await ok(gw.execute(BALANCES, {}, t.key))).balances;
    expect(summary.assets).toEqual(await aggregateOverLedger(t.id));
    expect(summary.assets).toEqual([
      { asset: 'BTC', free: '0.000000000000000001', locked: '0', total: '0.000000000000000001' },
      { asset: 'USDT', free: expect.any(String), locked: '1', total: expect.any(String) },
    ]);
    expect(summary).toMatchObject({ openPositions: 0, realizedPnl: '100.025' });
    const { differences } = await reconcileRunningBalances(gw.db.prisma);
    expect(differences).toEqual([]);
  });

  test('reconcile reports a tampered row by account, asset and field, and a missing one', async () => {
    const t = await trader(gw, '250');
    const accountId = (await gw.db.prisma.exchangeAccount.findFirstOrThrow({ where: { userId: t.id } })).id;
    // Written with triggers off (as a bulk load or a bug would): the rows no longer match the ledger.
    await gw.db.prisma.$transaction([
      gw.db.prisma.$executeRaw`SET LOCAL session_replication_role = replica`,
      gw.db.prisma.$executeRaw`UPDATE "RunningBalance" SET total = total + 1 WHERE "accountId" = ${accountId} AND asset = 'USDT'`,
      gw.db.prisma.$executeRaw`INSERT INTO "LedgerEntry" ("accountId", asset, amount, kind) VALUES (${accountId}, 'EUR', 5, 'DEPOSIT')`,
    ]);
    const { differences } = await reconcileRunningBalances(gw.db.prisma);
    expect(differences.filter((d) => d.accountId === accountId)).toEqual([
      { accountId, asset: 'EUR', field: 'total', running: 'missing', expected: '5' },
      { accountId, asset: 'EUR', field: 'locked', running: 'missing', expected: '0' },
      { accountId, asset: 'EUR', field: 'realizedPnl', running: 'missing', expected: '0' },
      { accountId, asset: 'EUR', field: 'entries', running: 'missing', expected: '1' },
      { accountId, asset: 'USDT', field: 'total', running: '251', expected: '250' },
    ]);
    // The backfill the migration ran rebuilds every row from the ledger.
    await gw.db.prisma.$executeRaw`SELECT "rebuild_running_balances"()`;
    expect((await reconcileRunningBalances(gw.db.prisma)).differences).toEqual([]);
  });

  test('ledger entries are immutable: an update is refused by the database', async () => {
    const t = await trader(gw, '10');
    await expect(gw.db.prisma.ledgerEntry.updateMany({ where: { account: { userId: t.id } }, data: { amount: 1_000_000 } })).rejects.toThrow(/immutable/);
    expect((await ok(gw.execute(BALANCES, {}, t.key))).balances.assets).toEqual([{ asset: 'USDT', free: '10', locked: '0', total: '10' }]);
  });

  test('a balance read runs one statement whatever the length of the ledger', async () => {
    const t = await trader(gw, '1');
    const accountId = (await gw.db.prisma.exchangeAccount.findFirstOrThrow({ where: { userId: t.id } })).id;
    await gw.db.prisma.$executeRaw`
      INSERT INTO "LedgerEntry" ("accountId", asset, amount, kind) SELECT ${accountId}, 'USDT', 0.5, 'DEPOSIT' FROM generate_series(1, 20000)`;
    const read = await gw.execute(BALANCES, {}, t.key);
    expect(read.data.balances.assets).toEqual([{ asset: 'USDT', free: '10001', locked: '0', total: '10001' }]);
    // The key lookup, the balance version and the summary.
    expect(read.statements).toBe(3);
    expect(await balanceSummaryFor(gw.db.prisma, t.id)).toMatchObject({ assets: [{ asset: 'USDT', total: '10001' }] });
  });
});

describe('the balance version is replaced inside the commit', () => {
  test('a deposit whose version replacement fails is refused whole: no entry, no change, the old summary still true', async () => {
    const t = await trader(gw, '100');
    expect((await ok(gw.execute(BALANCES, {}, t.key))).balances.assets[0].total).toBe('100');
    // A failure in the replacement itself (the deferred trigger's UPDATE of the User row).
    await gw.db.prisma.$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION test_refuse_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.id = ${t.id} AND NEW."balanceVersion" <> OLD."balanceVersion" THEN RAISE EXCEPTION 'forced failure'; END IF; RETURN NEW; END $$`);
    await gw.db.prisma.$executeRawUnsafe(`CREATE TRIGGER test_refuse_version BEFORE UPDATE ON "User" FOR EACH ROW EXECUTE FUNCTION test_refuse_version()`);
    try {
      await fails(gw.execute(DEPOSIT, { input: { accountId: t.accountId, asset: 'USDT', amount: '5' } }, t.key), 'INTERNAL_SERVER_ERROR');
    } finally {
      await gw.db.prisma.$executeRawUnsafe(`DROP TRIGGER test_refuse_version ON "User"`);
    }
    expect(await gw.db.prisma.ledgerEntry.count({ where: { account: { userId: t.id } } })).toBe(1);
    const read = (await ok(gw.execute(BALANCES, {}, t.key))).balances;
    expect(read).toMatchObject({ fromCache: true, assets: [{ asset: 'USDT', total: '100' }] });
  });
});

describeOnPostgres('PostgreSQL failing right after a mutation commits', () => {
  test('the acknowledged deposit is what the next read shows: no statement after the commit was needed', async () => {
    const proxy = await TcpProxy.toPostgres(gw.db.location.url!);
    const db = await openDatabase({ url: proxy.via(gw.db.location.url!), poolMax: 2, connectTimeoutMs: 2_000, statementTimeoutMs: 2_000 });
    const defaults = loadConfig({});
    const config = { ...defaults, env: 'production' as const };
    const through = await startGatewayOn(db, { config, cacheOf: gw });
    try {
      const t = await trader(gw, '100');
      const post = (query: string, variables: object = {}) =>
        fetch(`${through.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${t.key}` },
          body: JSON.stringify({ query, variables }),
        }).then((response) => response.json() as Promise<any>);
      // An old summary in the shared cache, and a warm pool on the proxied instance.
      expect((await post(BALANCES)).data.balances.assets[0].total).toBe('100');
      expect((await post(BALANCES)).data.balances.fromCache).toBe(true);

      let cut = false;
      const partitioned = proxy.cutAfterNextInsertCommits().then(() => (cut = true));
      const deposit = post(DEPOSIT, { input: { accountId: t.accountId, asset: 'USDT', amount: '25' } });
      const answered = await Promise.race([deposit, new Promise((resolve) => setTimeout(() => resolve('no answer within 4 s'), 4_000))]);
      await Promise.race([partitioned, new Promise((resolve) => setTimeout(resolve, 100))]);
      proxy.restore();
      expect(cut).toBe(true);
      // Acknowledged while PostgreSQL was unreachable: the commit carried everything.
      expect(answered).toMatchObject({ data: { deposit: { entry: { amount: '25' } } } });
      const after = (await ok(gw.execute(BALANCES, {}, t.key))).balances;
      expect(after).toMatchObject({ fromCache: false, assets: [{ asset: 'USDT', total: '125' }] });
    } finally {
      proxy.restore();
      await through.close();
      await proxy.close();
    }
  });
});

describe('races on one account from two instances, reconciled while they run', () => {
  let two: TestGateway;
  beforeAll(async () => {
    two = await startTestGateway({ redisUrl, balanceCacheTtlMs: 60_000, sameDatabaseAs: gw });
  });
  afterAll(async () => {
    await two?.close();
  });

  test('deposits, fills and cancels through both instances: exact totals, holds and 0 differences throughout', async () => {
    const t = await trader(gw, '100000');
    const instances = [gw, two];
    const via = (i: number) => instances[i % 2]!;
    let reconciling = true;
    const checks: number[] = [];
    const reconciler = (async () => {
      while (reconciling) {
        const { differences } = await reconcileRunningBalances(gw.db.prisma);
        checks.push(differences.length);
        // Embedded, a statement can complete without any I/O: without a turn of the event loop
        // here, this loop would run on microtasks alone and starve the requests it races.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    // Eight rounds in flight at a time (each a deposit, a fill, a hold raced by two cancels and a
    // hold kept, across both instances): races on one account without queueing past the pools.
    const round = async (i: number) =>
      Promise.all([
        ok(via(i).execute(DEPOSIT, { input: { accountId: t.accountId, asset: 'USDT', amount: '10.01' } }, t.key)),
        via(i + 1).execute(CREATE_ORDER, { input: order(t.accountId, 'BUY', 'MARKET', '0.001', String(30000 + i)) }, t.key),
        (async () => {
          const placed = (await ok(via(i).execute(CREATE_ORDER, { input: order(t.accountId, 'BUY', 'LIMIT', '0.01', String(20000 + i)) }, t.key))).createOrder.order;
          // Two cancels race: one wins, the other is a CONFLICT.
          const [a, b] = await Promise.all([via(i).execute(CANCEL, { id: placed.id }, t.key), via(i + 1).execute(CANCEL, { id: placed.id }, t.key)]);
          expect([a, b].filter((r) => !r.errors).length).toBe(1);
        })(),
        ok(via(i + 1).execute(CREATE_ORDER, { input: order(t.accountId, 'BUY', 'LIMIT', '0.001', String(10000 + i)) }, t.key)),
      ]);
    const rounds = Array.from({ length: 40 }, (_, i) => i);
    const work: unknown[][] = [];
    const runners = Array.from({ length: 8 }, async () => {
      for (let i = rounds.shift(); i !== undefined; i = rounds.shift()) work.push(await round(i));
    });
    await Promise.all(runners);
    const results = work.flat();
    reconciling = false;
    await reconciler;

    const fills = results.filter((r: any) => r?.data?.createOrder?.order?.status === 'FILLED').length;
    expect(fills).toBe(40); // 100000 covers every fill
    expect(checks.length).toBeGreaterThan(0);
    expect(checks.every((n) => n === 0)).toBe(true);
    const expected = await aggregateOverLedger(t.id);
    expect(expected[0]!.locked).toBe('400.78'); // 0.001 × (10000 + … + 10039)
    for (const instance of instances) {
      const read = (await ok(instance.execute(BALANCES, {}, t.key))).balances;
      expect(read.assets).toEqual(expected);
    }
    expect((await reconcileRunningBalances(gw.db.prisma)).differences).toEqual([]);
  });
});
