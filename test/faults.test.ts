import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { Prisma } from '../src/generated/prisma/client';
import { startTestGateway, type TestGateway } from './helpers/test-gateway';
import { PrivateRedis, sparePort } from './helpers/private-servers';
import { openTestDatabase, serverUrl, usingPostgres } from './helpers/test-database';
import { startGatewayOn, type GatewayOnDatabase } from './helpers/gateway-on-database';
import { TcpProxy } from './helpers/tcp-proxy';
import { openDatabase } from '../src/db/database';
import { loadConfig } from '../src/config';
import { createApiKey } from '../src/auth/api-keys';
import { BalanceSummaryCache, type BalanceVersions } from '../src/cache/balance-cache';
import type { CacheStore } from '../src/cache/cache-store';

// Faults under load: PostgreSQL going away and coming back while clients write, Redis going away
// (killed, paused, frozen) while two instances serve balances, and SIGTERM while requests run.
// Every fault is made on something the test owns: a TCP proxy in front of PostgreSQL, a private
// redis-server on a spare port, a gateway process it spawned. The shared servers are never touched.

const redisUrl = process.env.REDIS_URL;
const describeWithPostgres = usingPostgres ? describe : describe.skip;
const describeWithRedis = redisUrl ? describe : describe.skip;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const dec = (value: string | number) => new Prisma.Decimal(value);
const now = () => performance.now();

// ─── operations ──────────────────────────────────────────────────────────────────────────────

const CREATE_ACCOUNT = `mutation { createExchangeAccount(input: { exchange: "paper", label: "faults" }) { account { id } } }`;
const START_SESSION = `mutation($key: String!) { startTradingSession(input: { sessionKey: $key, initialBalance: "1000", symbols: ["EURUSD"] }) { id } }`;
const DEPOSIT = `mutation Deposit($account: ID!, $amount: Decimal!, $ref: String!) {
  deposit(input: { accountId: $account, asset: "USDT", amount: $amount, reference: $ref }) { entry { id amount reference } }
}`;
const LOG_TRADE = `mutation LogTrade($session: ID!, $tradeId: String!, $pnl: Decimal!) {
  logTrade(input: { sessionId: $session, tradeId: $tradeId, symbol: "EURUSD", direction: "BUY", action: CLOSE, volume: "1", pnl: $pnl }) { id tradeId }
}`;
const MARKET_BUY = `mutation Order($account: ID!, $clientOrderId: String!) {
  createOrder(input: { accountId: $account, symbol: "BTC-USDT", side: BUY, type: MARKET, quantity: "0.001", price: "100", clientOrderId: $clientOrderId }) { order { id status } }
}`;
const READ = `query Read { viewer { username } balances { fromCache assets { asset total } } tradingSessions(first: 1) { edges { node { totalTrades } } } }`;
const BALANCES = `query Balances { balances { fromCache assets { asset total } } }`;

/** What one request came to, as the client saw it. */
interface Outcome {
  ok: boolean;
  status: number | 'network';
  codes: string[];
  message?: string;
  data?: any;
  startedAt: number;
  ms: number;
}

async function post(url: string, key: string, query: string, variables: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<Outcome> {
  const started = now();
  try {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let body: { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> } = {};
    try {
      body = JSON.parse(text);
    } catch {
      body = { errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] };
    }
    const codes = (body.errors ?? []).map((error) => String(error.extensions?.code ?? 'NO_CODE'));
    return {
      ok: response.status === 200 && codes.length === 0 && body.data != null,
      status: response.status,
      codes,
      message: body.errors?.[0]?.message,
      data: body.data,
      startedAt: started,
      ms: now() - started,
    };
  } catch (error) {
    return { ok: false, status: 'network', codes: [], message: String((error as Error).cause ?? error), startedAt: started, ms: now() - started };
  }
}

/** A user with an API key, a funded USDT account and a running trading session. */
interface Trader {
  key: string;
  userId: number;
  accountGid: string;
  accountId: number;
  sessionGid: string;
  sessionId: number;
}

async function newTrader(gw: TestGateway, name: string, initialDeposit: string): Promise<Trader> {
  const username = `${name}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const key = await gw.keyFor(username);
  const account = await post(gw.url, key, CREATE_ACCOUNT);
  const session = await post(gw.url, key, START_SESSION, { key: `${username}-bot` });
  if (!account.ok || !session.ok) throw new Error(`trader setup failed: ${account.message ?? session.message}`);
  const accountGid = account.data.createExchangeAccount.account.id as string;
  const funded = await post(gw.url, key, DEPOSIT, { account: accountGid, amount: initialDeposit, ref: 'initial' });
  if (!funded.ok) throw new Error(`initial deposit failed: ${funded.message}`);
  const user = await gw.db.prisma.user.findUniqueOrThrow({ where: { username } });
  const accountRow = await gw.db.prisma.exchangeAccount.findFirstOrThrow({ where: { userId: user.id } });
  const sessionRow = await gw.db.prisma.tradingSession.findFirstOrThrow({ where: { userId: user.id } });
  return { key, userId: user.id, accountGid, accountId: accountRow.id, sessionGid: session.data.startTradingSession.id, sessionId: sessionRow.id };
}

/** A gateway (production mode) whose database goes through `proxy`, sharing `base`'s cache. */
async function gatewayThroughProxy(base: TestGateway, proxy: TcpProxy, timeouts: { connectTimeoutMs: number; statementTimeoutMs: number }) {
  const db = await openDatabase({ url: proxy.via(base.db.location.url!), poolMax: 6, ...timeouts });
  const defaults = loadConfig({});
  const config = { ...defaults, env: 'production' as const, limits: { ...defaults.limits, maxConcurrentPerClient: 100 } };
  return startGatewayOn(db, { config, cacheOf: base, logLines: [], logLevel: 'warn' });
}

// ─── 1. PostgreSQL outage under load ───────────────────────────────────────────────────────

interface Attempt {
  kind: 'deposit' | 'trade' | 'order';
  trader: Trader;
  id: string;
  variables: Record<string, unknown>;
  amount: Prisma.Decimal;
  outcome: Outcome;
  /** What the first try came to (before any retry). */
  first?: Outcome;
  /** Failed, yet found committed before it was retried. */
  committedAnyway?: boolean;
}

const MUTATION_OF = { deposit: DEPOSIT, trade: LOG_TRADE, order: MARKET_BUY } as const;
const ORDER_COST = dec('0.1').plus(dec('0.0001')); // 0.001 × 100, plus the 0.1 % fee

describeWithPostgres('PostgreSQL outage under load', () => {
  const CLIENTS = 8;
  const CUT_AT_MS = 2_000;
  const timeouts = { connectTimeoutMs: 500, statementTimeoutMs: 1_000 };
  // The longest a request may take: pg gives up on a silent socket at the statement limit + 2 s,
  // a connection at the connect limit; the margin covers a busy two-core machine (5.2 s of 5.5 was
  // seen with another CPU-bound process running beside the suite).
  const LATENCY_BOUND_MS = timeouts.statementTimeoutMs + 2_000 + timeouts.connectTimeoutMs + 3_500;

  let base: TestGateway;
  beforeAll(async () => {
    base = await startTestGateway();
  });
  afterAll(async () => {
    await base?.close();
  });

  // reset: the server goes away (connections reset, new ones refused). blackhole: a partition
  // (nothing answers); for 2 s in-flight statements just wait, for 5 s pg's own read timeout
  // (the statement timeout + 2 s) gives up on them.
  test.each([
    ['reset', 2_000],
    ['blackhole', 2_000],
    ['blackhole', 5_000],
  ] as const)(
    'cut (%s) for %i ms under load: fast clear failures, /ready false, recovery, acknowledged writes exactly once, retries never double',
    async (mode, CUT_FOR_MS) => {
      const LOAD_MS = CUT_AT_MS + CUT_FOR_MS + 4_500;
      const proxy = await TcpProxy.toPostgres(serverUrl!);
      const gateway = await gatewayThroughProxy(base, proxy, timeouts);
      const traders = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => newTrader(base, `pg-${mode}-${i}`, '1000')));
      const attempts: Attempt[] = [];
      const reads: Outcome[] = [];
      const readiness: Array<{ at: number; status: number | 'network'; ms: number }> = [];
      const health: number[] = [];
      const t0 = now();
      let cutAt = Infinity;
      let restoredAt = Infinity;
      try {
        const deadline = t0 + LOAD_MS;
        const client = async (trader: Trader, index: number) => {
          for (let seq = 0; now() < deadline; seq++) {
            const step = seq % 4;
            if (step === 3) {
              reads.push(await post(gateway.url, trader.key, READ));
              continue;
            }
            const kind = (['deposit', 'trade', 'order'] as const)[step]!;
            const id = `${mode}${CUT_FOR_MS}-${index}-${seq}`;
            const amount = kind === 'deposit' ? dec(((seq % 9) + 1) * 1.25) : kind === 'trade' ? dec(seq % 2 ? '2.5' : '-1.5') : ORDER_COST;
            const variables =
              kind === 'deposit'
                ? { account: trader.accountGid, amount: amount.toFixed(), ref: id }
                : kind === 'trade'
                  ? { session: trader.sessionGid, tradeId: id, pnl: amount.toFixed() }
                  : { account: trader.accountGid, clientOrderId: id };
            attempts.push({ kind, trader, id, variables, amount, outcome: await post(gateway.url, trader.key, MUTATION_OF[kind], variables) });
          }
        };
        const probe = async () => {
          while (now() < deadline + 1_000) {
            const started = now();
            const status = await fetch(`${gateway.url}/ready`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.status, () => 'network' as const);
            readiness.push({ at: started - t0, status, ms: now() - started });
            const healthStarted = now();
            await fetch(`${gateway.url}/health`).then((r) => r.status === 200 && health.push(now() - healthStarted));
            await sleep(150);
          }
        };
        const fault = async () => {
          await sleep(CUT_AT_MS);
          cutAt = now() - t0;
          proxy.cut(mode);
          await sleep(CUT_FOR_MS);
          restoredAt = now() - t0;
          proxy.restore();
        };
        await Promise.all([...traders.map(client), probe(), fault()]);
        if (process.env.FAULTS_DEBUG) {
          const all = [...attempts.map((a) => a.outcome), ...reads].sort((a, b) => a.startedAt - b.startedAt);
          process.stdout.write(all.map((o) => `${Math.round(o.startedAt - t0)} +${Math.round(o.ms)} ${o.status} ${o.codes.join(',')} ${o.ok ? '' : o.message}`).join('\n') + '\n');
          process.stdout.write(JSON.stringify({ cutAt, restoredAt, readiness }) + '\n');
        }

        // The process kept serving: liveness answered all along, quickly (the event loop was free).
        expect(health.length).toBeGreaterThan(10);
        expect(Math.max(...health)).toBeLessThan(2_000);

        // Every answer was a success or a clear, retryable failure, and none took too long.
        const outcomes = [...attempts.map((attempt) => attempt.outcome), ...reads];
        const unexpected = outcomes.filter((o) => !o.ok && !(o.codes.length > 0 && o.codes.every((code) => code === 'SERVICE_UNAVAILABLE' || code === 'TIMEOUT')));
        expect({ unexpected: unexpected.slice(0, 5), count: unexpected.length, log: gateway.logLines.filter((l) => /unexpected error/.test(l)).slice(0, 3) }).toEqual({
          unexpected: [],
          count: 0,
          log: [],
        });
        expect(outcomes.filter((o) => o.status === 500)).toEqual([]);
        const slowest = Math.max(...outcomes.map((o) => o.ms));
        expect(slowest).toBeLessThan(LATENCY_BOUND_MS);
        // The outage was felt, and the load went on after it.
        expect(outcomes.some((o) => !o.ok)).toBe(true);
        const failedMutations = attempts.filter((attempt) => !attempt.outcome.ok);
        expect(failedMutations.length).toBeGreaterThan(0);

        // /ready: 200 before, 503 during (once pg has noticed), 200 again within seconds of the return.
        // (Before the cut a probe may already fail: /ready waits for a pool connection like any request.)
        expect(readiness.filter((r) => r.at < cutAt).some((r) => r.status === 200)).toBe(true);
        expect(readiness.some((r) => r.at > cutAt && r.at < restoredAt && r.status === 503)).toBe(true);
        expect(readiness.every((r) => r.status === 200 || r.status === 503)).toBe(true);
        const readyAgain = readiness.find((r) => r.at > restoredAt && r.status === 200);
        expect(readyAgain).toBeDefined();
        expect(readyAgain!.at - restoredAt).toBeLessThan(5_000);
        expect(readiness.at(-1)!.status).toBe(200);
        // Requests succeed again on their own within seconds of the return.
        const lateOnes = outcomes.filter((o) => o.startedAt - t0 > restoredAt + 2_500);
        expect(lateOnes.length).toBeGreaterThan(0);
        expect(lateOnes.filter((o) => !o.ok).map((o) => o.message)).toEqual([]);

        // Acknowledged ⇒ in the database exactly once (a failed one may or may not have committed).
        await expectStored(base, traders, attempts, { exact: false });
        for (const attempt of attempts) attempt.first = attempt.outcome;
        for (const attempt of failedMutations) attempt.committedAnyway = await isStored(base, attempt);

        // Retrying every failed mutation with its own reference / tradeId / clientOrderId books
        // each once: afterwards the database holds exactly what was attempted, once.
        for (const attempt of failedMutations) {
          let outcome = await post(gateway.url, attempt.trader.key, MUTATION_OF[attempt.kind], attempt.variables);
          for (let retry = 0; !outcome.ok && retry < 5; retry++) {
            await sleep(300);
            outcome = await post(gateway.url, attempt.trader.key, MUTATION_OF[attempt.kind], attempt.variables);
          }
          expect({ id: attempt.id, ok: outcome.ok, message: outcome.message }).toEqual({ id: attempt.id, ok: true, message: undefined });
          attempt.outcome = outcome;
        }
        await expectStored(base, traders, attempts, { exact: true });
        // And replaying everything once more (acknowledged ones too) changes nothing.
        for (const attempt of attempts.filter((_, index) => index % 5 === 0)) {
          expect((await post(gateway.url, attempt.trader.key, MUTATION_OF[attempt.kind], attempt.variables)).ok).toBe(true);
        }
        await expectStored(base, traders, attempts, { exact: true });
        // Balances as served agree with the ledger.
        for (const trader of traders) {
          const read = await post(gateway.url, trader.key, BALANCES);
          expect(read.ok).toBe(true);
          expect(usdt(read)).toBe(await ledgerTotal(base, trader.userId));
        }
      } finally {
        proxy.restore();
        await gateway.close();
        await proxy.close();
      }
      // For the log: what the outage looked like.
      const failed = attempts.filter((a) => a.first && !a.first.ok);
      process.stdout.write(
        `[faults] pg ${mode} ${CUT_FOR_MS} ms: ${attempts.length} mutations, ${failed.length} failed (${failed.filter((a) => a.committedAnyway).length} of them committed anyway) ` +
          `and were retried; ${reads.length} reads (${reads.filter((r) => !r.ok).length} failed); slowest ${Math.round(Math.max(...[...attempts.map((a) => (a.first ?? a.outcome).ms), ...reads.map((r) => r.ms)]))} ms ` +
          `(bound ${LATENCY_BOUND_MS}); cut ${Math.round(cutAt)}–${Math.round(restoredAt)} ms\n`,
      );
    },
    90_000,
  );
});

const usdt = (read: Outcome): string => read.data.balances.assets.find((asset: { asset: string }) => asset.asset === 'USDT')?.total ?? '0';

async function ledgerTotal(gw: TestGateway, userId: number): Promise<string> {
  const sum = await gw.db.prisma.ledgerEntry.aggregate({ where: { asset: 'USDT', account: { userId } }, _sum: { amount: true } });
  return (sum._sum.amount ?? dec(0)).toFixed();
}

/** Whether the attempt's deposit, trade or order is in the database. */
async function isStored(gw: TestGateway, attempt: Attempt): Promise<boolean> {
  const { prisma } = gw.db;
  const { accountId, sessionId } = attempt.trader;
  if (attempt.kind === 'deposit') return (await prisma.ledgerEntry.count({ where: { accountId, reference: attempt.id } })) > 0;
  if (attempt.kind === 'trade') return (await prisma.trade.count({ where: { sessionId, tradeId: attempt.id } })) > 0;
  return (await prisma.order.count({ where: { accountId, clientOrderId: attempt.id } })) > 0;
}

/**
 * Checks the database against the attempts: each acknowledged deposit, trade and order is
 * stored exactly once (with its bookings); with `exact`, every attempt is acknowledged and the
 * database holds nothing else, so totals equal the sum of the attempts.
 */
async function expectStored(gw: TestGateway, traders: Trader[], attempts: Attempt[], { exact }: { exact: boolean }) {
  const prisma = gw.db.prisma;
  for (const trader of traders) {
    const mine = attempts.filter((attempt) => attempt.trader === trader);
    const acknowledged = (kind: Attempt['kind']) => mine.filter((attempt) => attempt.kind === kind && attempt.outcome.ok);
    const all = (kind: Attempt['kind']) => mine.filter((attempt) => attempt.kind === kind);

    const deposits = await prisma.ledgerEntry.findMany({ where: { accountId: trader.accountId, kind: 'DEPOSIT', reference: { not: 'initial' } } });
    const depositRefs = deposits.map((entry) => entry.reference);
    for (const attempt of acknowledged('deposit')) expect({ ref: attempt.id, stored: depositRefs.filter((ref) => ref === attempt.id).length }).toEqual({ ref: attempt.id, stored: 1 });
    expect(depositRefs.every((ref) => all('deposit').some((attempt) => attempt.id === ref))).toBe(true);

    const trades = await prisma.trade.findMany({ where: { sessionId: trader.sessionId } });
    const tradeIds = trades.map((trade) => trade.tradeId);
    for (const attempt of acknowledged('trade')) expect({ tradeId: attempt.id, stored: tradeIds.filter((id) => id === attempt.id).length }).toEqual({ tradeId: attempt.id, stored: 1 });
    const session = await prisma.tradingSession.findUniqueOrThrow({ where: { id: trader.sessionId } });
    // The session's totals count each stored trade once, whatever was retried.
    expect({ totalTrades: session.totalTrades, totalPnl: session.totalPnl.toFixed() }).toEqual({
      totalTrades: trades.length,
      totalPnl: trades.reduce((sum, trade) => sum.plus(trade.pnl ?? 0), dec(0)).toFixed(),
    });

    const orders = await prisma.order.findMany({ where: { accountId: trader.accountId } });
    const orderIds = orders.map((order) => order.clientOrderId);
    for (const attempt of acknowledged('order')) expect({ order: attempt.id, stored: orderIds.filter((id) => id === attempt.id).length }).toEqual({ order: attempt.id, stored: 1 });
    const bookings = await prisma.ledgerEntry.groupBy({ by: ['orderId'], where: { accountId: trader.accountId, orderId: { not: null } }, _count: { _all: true } });
    // Every filled order booked its fill and its fee, once.
    expect(bookings.filter((row) => row._count._all !== 2)).toEqual([]);
    expect(bookings.length).toBe(orders.length);

    if (exact) {
      expect(mine.every((attempt) => attempt.outcome.ok)).toBe(true);
      expect([...depositRefs].sort()).toEqual(all('deposit').map((attempt) => attempt.id).sort());
      expect([...tradeIds].sort()).toEqual(all('trade').map((attempt) => attempt.id).sort());
      expect([...orderIds].sort()).toEqual(all('order').map((attempt) => attempt.id).sort());
      const expected = mine.reduce((sum, attempt) => (attempt.kind === 'deposit' ? sum.plus(attempt.amount) : attempt.kind === 'order' ? sum.minus(attempt.amount) : sum), dec(1000));
      expect(await ledgerTotal(gw, trader.userId)).toBe(expected.toFixed());
      const expectedPnl = all('trade').reduce((sum, attempt) => sum.plus(attempt.amount), dec(0));
      expect(session.totalPnl.toFixed()).toBe(expectedPnl.toFixed());
    }
  }
}

// ─── 2. Redis outage under load ────────────────────────────────────────────────────────────

interface Deposit {
  amount: Prisma.Decimal;
  startedAt: number;
  ackedAt: number;
}

interface BalanceRead {
  instance: number;
  startedAt: number;
  endedAt: number;
  total: Prisma.Decimal;
  fromCache: boolean;
}

describeWithRedis('Redis outage under load, two instances', () => {
  const USERS = 3;
  const FAULT_MS = 3_000;
  /** Several cache timeouts (250 ms) and a busy machine, well under the fault's length. */
  const SLOW_MS = 2_000;
  let redis: PrivateRedis;
  let one: TestGateway;
  let two: TestGateway;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    // A long TTL: anything stale left in the cache would be served for the whole test. The load
    // is well over the default rate limit (600 per minute per key), whose counters Redis keeps.
    const limits = { rateLimitPoints: 1_000_000 };
    one = await startTestGateway({ redisUrl: redis.url, balanceCacheTtlMs: 60_000, limits });
    two = await startTestGateway({ redisUrl: redis.url, balanceCacheTtlMs: 60_000, limits, sameDatabaseAs: one });
  });
  afterAll(async () => {
    await two?.close();
    await one?.close();
    redis?.freeze(false);
    await redis?.down().catch(() => undefined);
  });

  const faults = {
    'killed and restarted': async () => {
      await redis.down();
      await sleep(FAULT_MS);
      await redis.up();
    },
    'paused (CLIENT PAUSE)': async () => {
      await redis.command(['CLIENT', 'PAUSE', String(FAULT_MS), 'ALL']);
      await sleep(FAULT_MS);
    },
    'frozen (SIGSTOP)': async () => {
      redis.freeze(true);
      await sleep(FAULT_MS);
      redis.freeze(false);
    },
  };

  test.each(Object.keys(faults) as Array<keyof typeof faults>)(
    'Redis %s for 3 s: no client error, no request held, balances from the database meanwhile, and no read ever misses an acknowledged deposit',
    async (faultName) => {
      const gateways = [one, two];
      const traders = await Promise.all(Array.from({ length: USERS }, (_, i) => newTrader(one, `redis-${i}`, '1000')));
      const deposits = new Map<Trader, Deposit[]>(traders.map((trader) => [trader, []]));
      const readsOf = new Map<Trader, BalanceRead[]>(traders.map((trader) => [trader, []]));
      const errors: Array<Outcome & { op: string }> = [];
      const latencies: Array<{ op: string; at: number; ms: number }> = [];
      const t0 = now();
      let faultFrom = Infinity;
      let faultTo = Infinity;
      const deadline = t0 + 9_000;
      // Warm the cache on both instances first, so there is something to go stale.
      for (const trader of traders) for (const gw of gateways) await post(gw.url, trader.key, BALANCES);

      const depositor = async (trader: Trader, worker: number) => {
        for (let seq = 0; now() < deadline; seq++) {
          const amount = dec(((seq % 13) + 1) * 0.5);
          const record: Deposit = { amount, startedAt: now(), ackedAt: Infinity };
          deposits.get(trader)!.push(record);
          const gw = gateways[(seq + worker) % 2]!;
          const outcome = await post(gw.url, trader.key, DEPOSIT, { account: trader.accountGid, amount: amount.toFixed(), ref: `w${worker}-${seq}-${Math.random()}` });
          latencies.push({ op: 'deposit', at: Math.round(outcome.startedAt - t0), ms: Math.round(outcome.ms) });
          if (!outcome.ok) errors.push({ ...outcome, op: 'deposit' });
          else record.ackedAt = now();
          await sleep(20);
        }
      };
      const reader = async (trader: Trader, worker: number) => {
        for (let seq = 0; now() < deadline; seq++) {
          const instance = (seq + worker) % 2;
          const startedAt = now();
          const outcome = await post(gateways[instance]!.url, trader.key, BALANCES);
          latencies.push({ op: 'balances', at: Math.round(outcome.startedAt - t0), ms: Math.round(outcome.ms) });
          if (!outcome.ok) {
            errors.push({ ...outcome, op: 'balances' });
            continue;
          }
          readsOf.get(trader)!.push({ instance, startedAt, endedAt: now(), total: dec(usdt(outcome)), fromCache: outcome.data.balances.fromCache });
          await sleep(5);
        }
      };
      const fault = async () => {
        await sleep(2_000);
        faultFrom = now();
        await faults[faultName]();
        faultTo = now();
      };
      await Promise.all([
        ...traders.flatMap((trader) => [depositor(trader, 0), depositor(trader, 1), reader(trader, 0), reader(trader, 1), reader(trader, 2), reader(trader, 3)]),
        fault(),
      ]);
      if (process.env.FAULTS_DEBUG) {
        const reads = [...readsOf.values()].flat().sort((a, b) => a.startedAt - b.startedAt);
        process.stdout.write(`fault ${Math.round(faultFrom - t0)}..${Math.round(faultTo - t0)}\n` + reads.map((r) => `${Math.round(r.startedAt - t0)} +${Math.round(r.endedAt - r.startedAt)} i${r.instance} ${r.fromCache}`).join('\n') + '\n');
      }

      expect(errors.slice(0, 5)).toEqual([]);
      // A Redis that answers nothing costs a request at most a few cache timeouts (250 ms each), not the outage.
      const slow = latencies.filter((l) => l.ms > SLOW_MS);
      expect({ faultAt: Math.round(faultFrom - t0), slow: slow.slice(0, 5), count: slow.length }).toEqual({ faultAt: Math.round(faultFrom - t0), slow: [], count: 0 });
      // No read missed a deposit acknowledged before it started, or saw one not yet sent.
      const stale: unknown[] = [];
      for (const trader of traders) {
        const mine = deposits.get(trader)!;
        for (const read of readsOf.get(trader)!) {
          const floor = mine.filter((d) => d.ackedAt < read.startedAt).reduce((sum, d) => sum.plus(d.amount), dec(1000));
          const ceiling = mine.filter((d) => d.startedAt < read.endedAt).reduce((sum, d) => sum.plus(d.amount), dec(1000));
          if (read.total.lessThan(floor) || read.total.greaterThan(ceiling)) {
            stale.push({ at: Math.round(read.startedAt - t0), instance: read.instance, fromCache: read.fromCache, total: read.total.toFixed(), floor: floor.toFixed(), ceiling: ceiling.toFixed() });
          }
        }
        expect(await ledgerTotal(one, trader.userId)).toBe(mine.reduce((sum, d) => sum.plus(d.amount), dec(1000)).toFixed());
      }
      expect({ faultAt: Math.round(faultFrom - t0), stale: stale.slice(0, 5), count: stale.length }).toEqual({ faultAt: Math.round(faultFrom - t0), stale: [], count: 0 });

      const all = [...readsOf.values()].flat();
      const during = all.filter((read) => read.startedAt > faultFrom + 300 && read.endedAt < faultTo);
      // Meanwhile balances came from the database; after it the cache serves again.
      expect(during.length).toBeGreaterThan(0);
      expect(during.filter((read) => read.fromCache)).toEqual([]);
      const cachedAgain = async (gw: TestGateway) => {
        for (let attempt = 0; attempt < 50; attempt++) {
          const read = await post(gw.url, traders[0]!.key, BALANCES);
          if (read.ok && read.data.balances.fromCache) return true;
          await sleep(100);
        }
        return false;
      };
      expect([await cachedAgain(one), await cachedAgain(two)]).toEqual([true, true]);
      process.stdout.write(
        `[faults] redis ${faultName}: ${[...deposits.values()].flat().length} deposits, ${all.length} reads ` +
          `(${during.length} during, ${all.filter((read) => read.fromCache).length} from cache), slowest request ${Math.max(...latencies.map((l) => l.ms))} ms\n`,
      );
    },
    60_000,
  );
});

describeWithRedis('Redis restarted with its data', () => {
  // A production Redis usually persists (AOF or RDB): after a restart it serves what it held
  // before, including summaries of users whose balances changed during the outage.
  let dataDir: string;
  let redis: PrivateRedis;
  let one: TestGateway;
  let two: TestGateway;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'gateway-redis-aof-'));
    redis = await PrivateRedis.start(dataDir);
    one = await startTestGateway({ redisUrl: redis.url, balanceCacheTtlMs: 60_000 });
    two = await startTestGateway({ redisUrl: redis.url, balanceCacheTtlMs: 60_000, sameDatabaseAs: one });
  });
  afterAll(async () => {
    await two?.close();
    await one?.close();
    await redis?.down().catch(() => undefined);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  // An instance that saw no failure reads from a Redis restarted with its data before the
  // instance that took the deposit has even reconnected: the entry it finds is stamped with the
  // user's balance version from before the deposit, which the deposit replaced in the database.
  test('no instance serves a summary cached before the outage, even one that saw no failure', async () => {
    const trader = await newTrader(one, 'redis-aof', '1000');
    expect((await post(two.url, trader.key, BALANCES)).data.balances.fromCache).toBe(false);
    expect((await post(two.url, trader.key, BALANCES)).data.balances.fromCache).toBe(true);

    await redis.down();
    // Acknowledged during the outage, through instance one; instance two serves nothing meanwhile.
    const deposit = await post(one.url, trader.key, DEPOSIT, { account: trader.accountGid, amount: '5', ref: 'during-outage' });
    expect(deposit.ok).toBe(true);
    await sleep(2_000);
    await redis.up();
    // Instance two made no call during the outage; its connections come back on their own. Read
    // through it as soon as every gateway connection is back, then for a few more seconds.
    const connections = async () => String(await redis.command(['CLIENT', 'LIST'])).trim().split('\n').length - 1;
    for (let attempt = 0; attempt < 300 && (await connections()) < 4; attempt++) await sleep(10);
    const reads: Array<{ at: number; total: string; fromCache: boolean }> = [];
    const t0 = now();
    while (now() - t0 < 3_000) {
      const read = await post(two.url, trader.key, BALANCES);
      expect(read.ok).toBe(true);
      reads.push({ at: Math.round(now() - t0), total: usdt(read), fromCache: read.data.balances.fromCache });
      await sleep(20);
    }
    if (process.env.FAULTS_DEBUG) process.stdout.write(JSON.stringify(reads.slice(0, 40)) + '\n');
    expect(reads.filter((read) => read.total !== '1005').slice(0, 5)).toEqual([]);
    expect(reads.at(-1)!.fromCache).toBe(true);
  });
});

describeWithRedis('two deployments sharing one Redis', () => {
  // Two gateways configured as main.ts configures them, each from its own environment, on two
  // different databases (as staging and production, or two test runs, sharing a Redis would be).
  // Both databases have a user 4242: it is not the same person.
  let redis: PrivateRedis;
  const deployments: Array<{ url: string; key: string; close: () => Promise<void> }> = [];

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    for (const amount of ['111', '222']) {
      const db = await openTestDatabase();
      const config = loadConfig({ ...(db.location.url ? { DATABASE_URL: db.location.url } : { DATA_DIR: db.location.dataDir }), REDIS_URL: redis.url });
      const gateway = await startGatewayOn(db, { config });
      const user = await db.prisma.user.create({ data: { id: 4242, username: `namesake-${amount}` } });
      const account = await db.prisma.exchangeAccount.create({ data: { userId: user.id, exchange: 'paper', label: 'main' } });
      await db.prisma.ledgerEntry.create({ data: { accountId: account.id, asset: 'USDT', amount, kind: 'DEPOSIT' } });
      const { key } = await createApiKey(db.prisma, user.id, 'namesake');
      deployments.push({ url: gateway.url, key, close: () => gateway.close() });
    }
  });
  afterAll(async () => {
    for (const deployment of deployments) await deployment.close();
    await redis?.down().catch(() => undefined);
  });

  test("a user's balances are never served to the user with the same id in another deployment's database", async () => {
    const [first, second] = deployments;
    const one = await post(first!.url, first!.key, BALANCES);
    const two = await post(second!.url, second!.key, BALANCES);
    expect([usdt(one), usdt(two)]).toEqual(['111', '222']);
    expect(two.data.balances.fromCache).toBe(false);
  });
});

(redisUrl && usingPostgres ? describe : describe.skip)('instances of one deployment, one database under two host names', () => {
  // Two instances reach the same database as 127.0.0.1 and as localhost (an IP and a DNS name, a
  // proxy alias…), so their default cache namespaces differ. Whatever the namespace, a deposit
  // through one must be seen by the next read through the other: the balance version that
  // guards the cache lives in the database they share, not in their keys.
  let redis: PrivateRedis;
  let base: TestGateway;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    base = await startTestGateway();
  });
  afterAll(async () => {
    await base?.close();
    await redis?.down().catch(() => undefined);
  });

  async function twoInstances(env: Record<string, string>) {
    const instances: GatewayOnDatabase[] = [];
    for (const host of ['127.0.0.1', 'localhost']) {
      const databaseUrl = new URL(base.db.location.url!);
      databaseUrl.hostname = host;
      const config = loadConfig({ DATABASE_URL: databaseUrl.toString(), REDIS_URL: redis.url, BALANCE_CACHE_TTL_MS: '60000', ...env });
      const db = await openDatabase({ url: config.databaseUrl, poolMax: 4 });
      instances.push(await startGatewayOn(db, { config }));
    }
    return instances;
  }

  async function depositSeenAcross(env: Record<string, string>) {
    const [one, two] = await twoInstances(env);
    try {
      const trader = await newTrader(base, 'spelling', '1000');
      // Both instances cache the summary first (under one key or two, depending on the namespace).
      for (const instance of [two!, one!, two!, one!]) await post(instance.url, trader.key, BALANCES);
      expect((await post(two!.url, trader.key, BALANCES)).data.balances.fromCache).toBe(true);
      expect((await post(one!.url, trader.key, DEPOSIT, { account: trader.accountGid, amount: '5', ref: 'spelling' })).ok).toBe(true);
      expect(usdt(await post(two!.url, trader.key, BALANCES))).toBe('1005');
      expect(usdt(await post(one!.url, trader.key, BALANCES))).toBe('1005');
    } finally {
      await one!.close();
      await two!.close();
    }
  }

  test('with the same CACHE_NAMESPACE, a deposit through one is seen by the next read through the other', async () => {
    await depositSeenAcross({ CACHE_NAMESPACE: `spelling-${process.pid}` });
  });

  test('with the default (different) namespaces, a deposit through one is seen by the next read through the other', async () => {
    await depositSeenAcross({});
  });
});

describe('balance cache while its store is unreachable', () => {
  // What the load test above can only catch by chance, made certain: a computation that took its
  // snapshot before a mutation committed must not answer a read that began after the mutation was
  // acknowledged, on this instance or another. Computations are shared per balance version, which
  // the mutation replaced (here in a map standing in for the User rows both instances read).
  const versionOf = new Map<number, string>();
  const versions: BalanceVersions = {
    current: async (userId) => versionOf.get(userId) ?? 'initial',
    replace: async (userId) => void versionOf.set(userId, randomUUID()),
  };
  const unreachable: CacheStore = {
    kind: 'redis',
    getMany: () => Promise.reject(new Error('unreachable')),
    set: () => Promise.reject(new Error('unreachable')),
    delete: () => Promise.reject(new Error('unreachable')),
    count: () => Promise.reject(new Error('unreachable')),
    close: async () => undefined,
  };

  test('a read that starts after an acknowledged mutation does not share a computation that started before it', async () => {
    const cache = new BalanceSummaryCache<string>(unreachable, versions, { ttlMs: 60_000, log: () => undefined });
    let ledger = '1000';
    const compute = async () => {
      const snapshot = ledger; // the statement's snapshot
      await sleep(100); // the rest of the statement, and turning rows into a summary
      return snapshot;
    };
    const before = cache.get(7, compute);
    await sleep(20);
    ledger = '1250'; // a deposit commits…
    await cache.invalidate(7); // …replaces the user's balance version, and is acknowledged
    const after = await cache.get(7, compute);
    expect((await before).value).toBe('1000');
    expect(after).toEqual({ value: '1250', fromCache: false });
  });

  test('nor one that started before a mutation acknowledged by another instance', async () => {
    // Two instances, the store unreachable from both: instance two cannot learn of instance one's
    // invalidation, so it must not hand a read the result of a computation that began before it.
    const one = new BalanceSummaryCache<string>(unreachable, versions, { ttlMs: 60_000, log: () => undefined });
    const two = new BalanceSummaryCache<string>(unreachable, versions, { ttlMs: 60_000, log: () => undefined });
    let ledger = '1000';
    const compute = async () => {
      const snapshot = ledger;
      await sleep(100);
      return snapshot;
    };
    const before = two.get(7, compute);
    await sleep(20);
    ledger = '1250'; // a deposit through instance one commits…
    await one.invalidate(7); // …and is acknowledged
    const after = await two.get(7, compute); // a read through instance two, begun after the acknowledgement
    expect((await before).value).toBe('1000');
    expect(after).toEqual({ value: '1250', fromCache: false });
  });
});

// ─── 3. Graceful shutdown under load ───────────────────────────────────────────────────────

interface Sent {
  startedAt: number;
  /** When the server answered `100 Continue`: it has parsed and admitted the request. */
  admittedAt?: number;
  endedAt?: number;
  status?: number;
  error?: string;
  body?: string;
}

/**
 * POSTs a GraphQL operation with `Expect: 100-continue`, so the client learns when the server has
 * taken the request in (the 100 answer comes right before the server's request handler runs).
 * The body is sent once `release` resolves: until then the request stays in flight at the server.
 */
function send(url: string, key: string, query: string, release: Promise<void> = Promise.resolve(), agent?: http.Agent): { sent: Sent; done: Promise<Sent> } {
  const sent: Sent = { startedAt: now() };
  const body = JSON.stringify({ query });
  const done = new Promise<Sent>((resolve) => {
    const request = http.request(`${url}/graphql`, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${key}`, expect: '100-continue' },
    });
    request.on('continue', () => {
      sent.admittedAt = now();
      void release.then(() => request.end(body));
    });
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve(Object.assign(sent, { status: response.statusCode, body: text, endedAt: now() })));
      response.on('error', (error) => resolve(Object.assign(sent, { error: String(error), endedAt: now() })));
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve(Object.assign(sent, { error: error.code ?? String(error), endedAt: now() })));
    request.setTimeout(30_000, () => request.destroy(new Error('client timeout')));
    request.flushHeaders();
  });
  return { sent, done };
}

describe('graceful shutdown of the real server under load', () => {
  const GRACE_MS = 8_000;
  const repoRoot = path.resolve(__dirname, '..');

  test('SIGTERM: in-flight requests finish with 200, new ones get 503 while they run (a refused connection once the listener closed), the pool is closed, exit 0 within the grace period', async () => {
    // A fresh database of its own: a new PostgreSQL database, or a new embedded data folder.
    let dataDir: string | undefined;
    let databaseUrl: string | undefined;
    let dbName = '';
    const admin = async (sql: string) => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        return await client.query(sql);
      } finally {
        await client.end();
      }
    };
    if (usingPostgres) {
      dbName = `${new URL(serverUrl!).pathname.slice(1)}_shutdown_${process.pid}_${Date.now().toString(36)}`;
      await admin(`CREATE DATABASE "${dbName}"`);
      const url = new URL(serverUrl!);
      url.pathname = `/${dbName}`;
      databaseUrl = url.toString();
    } else {
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'gateway-shutdown-'));
    }
    const prepared = await openDatabase({ url: databaseUrl, dataDir, poolMax: 1 });
    await prepared.migrate();
    const user = await prepared.prisma.user.create({ data: { username: 'shutdown' } });
    const { key } = await createApiKey(prepared.prisma, user.id, 'shutdown');
    await prepared.prisma.tradingSession.create({ data: { userId: user.id, sessionKey: 'bot', initialBalance: '1', symbols: ['EURUSD'] } });
    await prepared.close();

    const port = await sparePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        PORT: String(port),
        SHUTDOWN_GRACE_MS: String(GRACE_MS),
        SEED_DEMO_DATA: 'false',
        MAX_CONCURRENT_PER_CLIENT: '1000',
        RATE_LIMIT_POINTS: '1000000',
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir! }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let drainSeenAt = Infinity;
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (drainSeenAt === Infinity && /shutting down/.test(output)) drainSeenAt = now();
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal, at: now() })),
    );
    const blocker = usingPostgres ? new pg.Client({ connectionString: databaseUrl }) : null;
    // Declared out here so that a failing assertion still stops the load and frees the sockets
    // (otherwise the loaders loop on and Jest's worker cannot exit).
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    let stopLoad = false;
    let releaseHeld: () => void = () => undefined;
    try {
      for (let attempt = 0; ; attempt++) {
        const up = await fetch(`${url}/health`).then((r) => r.status === 200, () => false);
        if (up) break;
        if (attempt > 1200 || child.exitCode !== null) throw new Error(`the server did not start:\n${output}`);
        await sleep(100);
      }
      const light = `{ viewer { username } tradingSessions(first: 5) { totalCount edges { node { sessionKey totalTrades } } } }`;
      expect((await send(url, key, light, undefined, agent).done).status).toBe(200);

      // Slow requests: on PostgreSQL, another session holds a lock that their statements wait for.
      if (blocker) {
        await blocker.connect();
        await blocker.query('BEGIN');
        await blocker.query('LOCK TABLE "TradingSession" IN ACCESS EXCLUSIVE MODE');
      }
      const slow = Array.from({ length: 4 }, () => send(url, key, light, undefined, agent));
      // Held requests: admitted (100 Continue), their bodies still to come when the signal arrives.
      const held = new Promise<void>((resolve) => (releaseHeld = resolve));
      const holding = Array.from({ length: 3 }, () => send(url, key, light, held, agent));
      // And a steady load from six clients until well after the signal.
      const loadResults: Sent[] = [];
      const loaders = Array.from({ length: 6 }, async () => {
        while (!stopLoad) {
          const result = await send(url, key, `{ viewer { username } }`, undefined, agent).done;
          loadResults.push(result);
          if (result.error) await sleep(20);
        }
      });
      for (let attempt = 0; attempt < 100 && ![...slow, ...holding].every(({ sent }) => sent.admittedAt !== undefined); attempt++) await sleep(20);
      if (blocker) {
        // The slow ones are waiting in PostgreSQL for the lock.
        for (let attempt = 0; attempt < 100; attempt++) {
          const { rows } = await blocker.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`, [dbName]);
          if (rows[0].n >= 4) break;
          await sleep(20);
        }
      }
      await sleep(300);

      const signalledAt = now();
      child.kill('SIGTERM');
      await sleep(500);
      // Requests sent now, on new connections, while admitted ones are still running: 503.
      const late = await Promise.all(Array.from({ length: 5 }, () => send(url, key, light).done));
      expect(late.map((r) => r.status ?? r.error)).toEqual([503, 503, 503, 503, 503]);
      releaseHeld();
      await sleep(500);
      if (blocker) await blocker.query('ROLLBACK');
      const slowDone = await Promise.all(slow.map(({ done }) => done));
      const heldDone = await Promise.all(holding.map(({ done }) => done));
      await sleep(300);
      stopLoad = true;
      await Promise.all(loaders);
      const exit = await exited;

      // In flight at the signal: finished normally.
      expect([...slowDone, ...heldDone].map((r) => ({ status: r.status, error: r.error, admitted: r.admittedAt! < signalledAt }))).toEqual(
        Array.from({ length: 7 }, () => ({ status: 200, error: undefined, admitted: true })),
      );
      for (const r of [...slowDone, ...heldDone]) expect(JSON.parse(r.body!).data.tradingSessions.totalCount).toBe(1);
      const loadAdmittedBefore = loadResults.filter((r) => r.admittedAt !== undefined && r.admittedAt < signalledAt);
      expect(loadAdmittedBefore.length).toBeGreaterThan(0);
      expect(loadAdmittedBefore.filter((r) => r.status !== 200)).toEqual([]);
      // Sent after the drain began: 503 with SERVICE_UNAVAILABLE, or, once nothing admitted is left
      // in flight and the listener has closed, no connection at all.
      expect(drainSeenAt).toBeLessThan(Infinity);
      const after = [...late, ...loadResults.filter((r) => r.startedAt > drainSeenAt)];
      expect(after.length).toBeGreaterThan(5);
      const refused = (r: Sent) => r.error !== undefined && /ECONNREFUSED|ECONNRESET|socket hang up|EPIPE/.test(r.error);
      expect(after.filter((r) => !(r.status === 503 || refused(r)))).toEqual([]);
      for (const r of after.filter((r) => r.status === 503)) expect(JSON.parse(r.body!).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      // Exit 0, within the grace period.
      expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
      expect(exit.at - signalledAt).toBeLessThan(GRACE_MS);
      expect(output).toMatch(/shutdown complete/);
      expect(await fetch(`${url}/health`).then(() => 'answered', () => 'refused')).toBe('refused');
      if (blocker) {
        // The pool is closed: no connection of the gateway's is left on its database.
        let left = -1;
        for (let attempt = 0; attempt < 20 && left !== 0; attempt++) {
          const { rows } = await blocker.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'trading-trace-gateway'`, [dbName]);
          left = rows[0].n;
          if (left) await sleep(100);
        }
        expect(left).toBe(0);
      }
      process.stdout.write(
        `[faults] shutdown: exit ${exit.code} after ${Math.round(exit.at - signalledAt)} ms; ${loadResults.length} load requests, ` +
          `${after.filter((r) => r.status === 503).length} answered 503 and ${after.filter(refused).length} refused after the signal\n`,
      );
    } finally {
      stopLoad = true;
      releaseHeld();
      agent.destroy();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await blocker?.end().catch(() => undefined);
      if (dbName) await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    }
  }, 240_000); // start-up (tsx, migration) takes most of it on a busy machine
});
