/**
 * `npm run soak`: two gateway processes (the real src/main.ts, NODE_ENV=production) on one
 * PostgreSQL database and one Redis, under a mixed workload at a fixed concurrency for
 * SOAK_DURATION_MS (10 minutes by default). It records every acknowledged mutation and checks,
 * exiting non-zero when one fails:
 *
 *   - no unexpected error: every request answered 200 without errors, no error in the servers' logs;
 *   - no stale balance read: each `balances` read reflects every mutation acknowledged before it
 *     began (and only mutations sent before it ended), on either instance, cached or not;
 *   - the ledger equals what the acknowledged operations imply: per kind (deposits, fills,
 *     commissions, realized PnL), row for row (references, order ids), and so do orders,
 *     positions, trades and session totals;
 *   - RSS of each server grows less than SOAK_RSS_LIMIT (10 %) from the end of the warm-up
 *     (the first SOAK_WARMUP_FRACTION of the run) to the end. Each figure is read right after a
 *     full garbage collection (the servers run with a SIGUSR2 hook, scripts/soak/gc-on-signal.cjs),
 *     the median of three probes: sampled at random, RSS rides the collector's sawtooth (minutes
 *     long, ±100 MiB under this load) and says nothing about growth. RSS, heap and external memory
 *     are also sampled every SOAK_RSS_SAMPLE_MS and reported;
 *   - both servers exit 0 on SIGTERM at the end.
 *
 * Settings (environment):
 *   SOAK_DURATION_MS      600000                         how long the workload runs
 *   SOAK_DATABASE_URL     postgresql://postgres@127.0.0.1:5432/gateway_soak
 *                                                        the default database is dropped and created
 *                                                        afresh; a given one is created if missing,
 *                                                        never dropped; either is migrated and seeded
 *   SOAK_REDIS_URL        redis://127.0.0.1:6379         shared by both servers (balance cache, rate limits)
 *   SOAK_USERS            4                              users, each with an account and a trading session
 *   SOAK_WORKERS_PER_USER 2                              concurrent clients per user (concurrency = users × workers)
 *   SOAK_THINK_MS         5                              pause between a worker's operations
 *   SOAK_BALANCE_CACHE_TTL_MS 60000                      long, so a missed invalidation shows as a stale read
 *   SOAK_WARMUP_FRACTION  0.2
 *   SOAK_RSS_LIMIT        0.10
 *   SOAK_RSS_SAMPLE_MS    2000
 *   SOAK_OUTPUT           bench/results/soak-latest.json
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { applyMigrations, pgSession } from '../src/db/migrate';
import { openDatabase } from '../src/db/database';
import { seedDemoData } from '../src/db/seed';
import { buildDist } from './build';
import { collectGarbage, rssMiB, scrapeMetric, startGateway, type GatewayProcess } from './soak/gateways';
import { dec, type Bookings } from './soak/model';
import { log, median, percentile, round } from './soak/report';
import { readSoakSettings, REPO_DIR } from './soak/settings';
import { compareFinalBalances, setUpTraders, type Trader } from './soak/traders';
import { runWorkers, startSoakRun } from './soak/workload';

const repoDir = REPO_DIR;
const settings = readSoakSettings();
const now = () => performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let t0 = 0;

// ─── database ───────────────────────────────────────────────────────────────────────────────

async function prepareDatabase(): Promise<void> {
  const target = new URL(settings.databaseUrl);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`SOAK_DATABASE_URL: a database name of letters, digits and _ expected, got '${name}'`);
  const adminUrl = new URL(settings.databaseUrl);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString(), application_name: 'soak' });
  await admin.connect();
  try {
    if (settings.recreateDatabase) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const client = new pg.Client({ connectionString: settings.databaseUrl, application_name: 'soak' });
  await client.connect();
  try {
    await applyMigrations(pgSession(client));
  } finally {
    await client.end();
  }
  const db = await openDatabase({ url: settings.databaseUrl, poolMax: 2 });
  try {
    await seedDemoData(db.prisma);
  } finally {
    await db.close();
  }
}

/** What the database's sessions are doing (for a server that does not come up). */
async function databaseSessions(): Promise<string> {
  const client = new pg.Client({ connectionString: settings.databaseUrl, application_name: 'soak' });
  try {
    await client.connect();
    const { rows } = await client.query(
      `SELECT pid, application_name, state, wait_event_type, wait_event, left(query, 100) AS query FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    return rows.map((row) => JSON.stringify(row)).join('\n') || '(none)';
  } catch (error) {
    return `(could not ask: ${(error as Error).message})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The database against what was acknowledged: one list of problems (empty when all is well). */
async function verifyLedger(traders: Trader[]): Promise<{ problems: string[]; rows: number }> {
  const problems: string[] = [];
  let rows = 0;
  const db = await openDatabase({ url: settings.databaseUrl, poolMax: 2 });
  const { prisma } = db;
  try {
    for (const trader of traders) {
      const who = `user ${trader.index}`;
      const entries = await prisma.ledgerEntry.findMany({ where: { accountId: trader.accountId } });
      rows += entries.length;
      // Sums per kind.
      for (const kind of Object.keys(trader.expected.bookings) as Array<keyof Bookings>) {
        const sum = entries.filter((entry) => entry.kind === kind).reduce((total, entry) => total.plus(entry.amount), dec(0));
        if (!sum.equals(trader.expected.bookings[kind])) problems.push(`${who}: ${kind} sums to ${sum.toFixed()} in the ledger, ${trader.expected.bookings[kind].toFixed()} acknowledged`);
      }
      if (entries.some((entry) => !(entry.kind in trader.expected.bookings))) problems.push(`${who}: ledger entries of an unexpected kind`);
      // Deposits: one row per acknowledged reference, nothing else.
      const references = entries.filter((entry) => entry.kind === 'DEPOSIT').map((entry) => entry.reference ?? '(none)');
      if (references.length !== trader.expected.deposits.size || references.some((reference) => !trader.expected.deposits.has(reference))) {
        problems.push(`${who}: ${references.length} deposit rows for ${trader.expected.deposits.size} acknowledged deposits`);
      }
      // Fills: rows per acknowledged market order, as many as its kind books; none for anything else.
      const byOrder = new Map<number, number>();
      for (const entry of entries) if (entry.orderId !== null) byOrder.set(entry.orderId, (byOrder.get(entry.orderId) ?? 0) + 1);
      const orders = await prisma.order.findMany({ where: { accountId: trader.accountId } });
      if (orders.length !== trader.expected.orders.size) problems.push(`${who}: ${orders.length} orders stored, ${trader.expected.orders.size} acknowledged`);
      for (const [clientOrderId, expected] of trader.expected.orders) {
        const stored = orders.filter((order) => order.clientOrderId === clientOrderId);
        if (stored.length !== 1 || stored[0]!.id !== expected.id) {
          problems.push(`${who}: order ${clientOrderId} stored ${stored.length} times`);
          continue;
        }
        const status = stored[0]!.status;
        const wanted = expected.type === 'MARKET' ? 'FILLED' : expected.canceled ? 'CANCELED' : 'NEW';
        if (status !== wanted) problems.push(`${who}: order ${clientOrderId} is ${status}, expected ${wanted}`);
        if ((byOrder.get(expected.id) ?? 0) !== expected.ledgerRows) problems.push(`${who}: order ${clientOrderId} has ${byOrder.get(expected.id) ?? 0} ledger rows, expected ${expected.ledgerRows}`);
      }
      const knownOrderIds = new Set([...trader.expected.orders.values()].map((order) => order.id));
      if ([...byOrder.keys()].some((id) => !knownOrderIds.has(id))) problems.push(`${who}: ledger rows for orders never acknowledged`);
      if (entries.some((entry) => entry.orderId === null && entry.kind !== 'DEPOSIT')) problems.push(`${who}: fills without an order`);
      // Positions: the open ones as the model has them.
      const open = await prisma.position.findMany({ where: { accountId: trader.accountId, status: 'OPEN' } });
      for (const [symbol, position] of trader.expected.positions) {
        const stored = open.filter((row) => row.symbol === symbol);
        if (!position ? stored.length !== 0 : stored.length !== 1 || !stored[0]!.quantity.equals(position.quantity) || !stored[0]!.entryPrice.equals(position.entryPrice)) {
          problems.push(`${who}: open ${symbol} position differs: ${JSON.stringify(stored.map((row) => [row.quantity, row.entryPrice]))} vs ${position ? [position.quantity.toFixed(), position.entryPrice.toFixed()] : 'none'}`);
        }
      }
      if (open.length !== [...trader.expected.positions.values()].filter(Boolean).length) problems.push(`${who}: ${open.length} open positions, expected ${[...trader.expected.positions.values()].filter(Boolean).length}`);
      // Trades and the session's totals.
      const trades = await prisma.trade.findMany({ where: { sessionId: trader.sessionId } });
      const tradeIds = new Set(trades.map((trade) => trade.tradeId));
      if (trades.length !== trader.expected.trades.size || tradeIds.size !== trades.length || [...trader.expected.trades.keys()].some((id) => !tradeIds.has(id))) {
        problems.push(`${who}: ${trades.length} trades stored, ${trader.expected.trades.size} acknowledged`);
      }
      const session = await prisma.tradingSession.findUniqueOrThrow({ where: { id: trader.sessionId } });
      const pnl = [...trader.expected.trades.values()].reduce((sum, value) => sum.plus(value), dec(0));
      if (session.totalTrades !== trader.expected.trades.size || !session.totalPnl.equals(pnl)) {
        problems.push(`${who}: session totals ${session.totalTrades} / ${session.totalPnl.toFixed()}, expected ${trader.expected.trades.size} / ${pnl.toFixed()}`);
      }
    }
  } finally {
    await db.close();
  }
  return { problems, rows };
}

// ─── figures ────────────────────────────────────────────────────────────────────────────────

interface RssSample {
  t: number;
  rss: Array<number | null>;
  /** From each server's /metrics (MiB): V8 heap used and committed, and memory outside the heap (buffers, Wasm). */
  heapUsed?: Array<number | null>;
  heapTotal?: Array<number | null>;
  external?: Array<number | null>;
}

const MEMORY_METRICS = ['gateway_nodejs_heap_size_used_bytes', 'gateway_nodejs_heap_size_total_bytes', 'gateway_nodejs_external_memory_bytes'];

/**
 * Growth from the end of the warm-up to the end of the run. The heap follows a garbage-collection
 * sawtooth (minutes long under this load), so one sample is no measure: each end is the median
 * of the samples in the tenth of the run before it; the trend (least squares over everything
 * after the warm-up) and the floors (lowest sample of each window, i.e. right after a full
 * collection) tell a leak from the sawtooth.
 */
function memoryGrowth(samples: RssSample[], instance: number, durationMs: number, pick: (s: RssSample) => number | null | undefined) {
  const warmupEnd = durationMs * settings.warmupFraction;
  const window = durationMs * 0.1;
  const values = (from: number, to: number) =>
    samples.filter((s) => s.t >= from && s.t <= to).map(pick).filter((value): value is number => value != null);
  const baseline = values(warmupEnd - window, warmupEnd);
  const final = values(durationMs - window, durationMs);
  const after = samples.filter((s) => s.t >= warmupEnd && pick(s) != null);
  const n = Math.max(1, after.length);
  const mx = after.reduce((sum, s) => sum + s.t, 0) / n;
  const my = after.reduce((sum, s) => sum + pick(s)!, 0) / n;
  const slope = after.reduce((sum, s) => sum + (s.t - mx) * (pick(s)! - my), 0) / Math.max(1e-9, after.reduce((sum, s) => sum + (s.t - mx) ** 2, 0));
  const all = samples.map(pick).filter((value): value is number => value != null);
  const growth = (from: number, to: number) => (from ? round((to - from) / from, 4) : 0);
  return {
    startMiB: round(all[0] ?? 0),
    baselineMiB: round(median(baseline)),
    finalMiB: round(median(final)),
    maxMiB: round(Math.max(...all)),
    growth: growth(median(baseline), median(final)),
    floorGrowth: growth(Math.min(...baseline), Math.min(...final)),
    trendMiBPerMinute: round(slope * 60_000, 2),
  };
}

interface GcProbe {
  t: number;
  rss: Array<number | null>;
  heapUsed: Array<number | null>;
}

/** RSS and heap of each server right after a full collection (requested through SIGUSR2). */
async function probeAfterGc(gateways: GatewayProcess[]): Promise<GcProbe> {
  for (const gw of gateways) collectGarbage(gw.pid);
  await sleep(1_000);
  const t = now() - t0;
  const rss = gateways.map((gw) => (rssMiB(gw.pid) === null ? null : round(rssMiB(gw.pid)!)));
  const metrics = await Promise.all(gateways.map((gw) => scrapeMetric(gw.url, [MEMORY_METRICS[0]!]).catch(() => null)));
  return { t, rss, heapUsed: metrics.map((m) => (m ? round(m[MEMORY_METRICS[0]!]! / 2 ** 20) : null)) };
}

/**
 * Three probes ending at the end of the warm-up and three ending at the end of the run (the
 * workload still running), `spacing` apart; each end is their median.
 */
async function gcProbes(gateways: GatewayProcess[], durationMs: number) {
  const spacing = Math.min(10_000, (durationMs * settings.warmupFraction) / 4);
  const at = async (ms: number) => {
    const wait = t0 + ms - now();
    if (wait > 0) await sleep(wait);
    return probeAfterGc(gateways);
  };
  const warmupEnd = durationMs * settings.warmupFraction;
  const baseline: GcProbe[] = [];
  for (const offset of [2, 1, 0]) baseline.push(await at(warmupEnd - offset * spacing - 1_000));
  const final: GcProbe[] = [];
  for (const offset of [2, 1, 0]) final.push(await at(durationMs - offset * spacing - 1_500));
  return { spacingMs: spacing, baseline, final };
}

// ─── main ───────────────────────────────────────────────────────────────────────────────────

async function main(): Promise<number> {
  const startedAtIso = new Date().toISOString();
  log(`duration ${settings.durationMs / 1000} s, ${settings.users} users × ${settings.workersPerUser} workers, database ${new URL(settings.databaseUrl).pathname.slice(1)}, redis ${settings.redisUrl}`);
  buildDist(repoDir);
  log('built dist/: the gateways run as node dist/main.js');
  await prepareDatabase();
  const gateways: GatewayProcess[] = [];
  // Ends a run that hangs: the workload is bounded, the checks take seconds.
  const watchdog = setTimeout(() => {
    log('the run took far longer than its duration: stopping the servers and failing');
    for (const gw of gateways) process.kill(gw.pid, 'SIGKILL');
    process.exit(2);
  }, settings.durationMs + 300_000);
  watchdog.unref();
  try {
    for (const name of ['a', 'b']) {
      try {
        gateways.push(
          await startGateway({
            name,
            repoDir,
            databaseUrl: settings.databaseUrl,
            redisUrl: settings.redisUrl,
            balanceCacheTtlMs: settings.balanceCacheTtlMs,
            shutdownGraceMs: settings.shutdownGraceMs,
          }),
        );
      } catch (error) {
        throw new Error(`${(error as Error).message}\nsessions on the database meanwhile:\n${await databaseSessions()}`);
      }
    }
    log(`gateways: ${gateways.map((gw) => `${gw.name} pid ${gw.pid} at ${gw.url} (up in ${round(gw.startupMs / 1000)} s)`).join(', ')}`);
    const traders = await setUpTraders(settings, gateways[0]!);

    // The workload, with RSS sampled alongside.
    const samples: RssSample[] = [];
    const run = startSoakRun(settings, [...gateways]);
    t0 = run.startedAt;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const sample: RssSample = { t: now() - t0, rss: gateways.map((gw) => rssMiB(gw.pid)) };
        const memory = await Promise.all(gateways.map((gw) => scrapeMetric(gw.url, MEMORY_METRICS).catch(() => null)));
        const mib = (name: string) => memory.map((m) => (m ? round(m[name]! / 2 ** 20) : null));
        sample.heapUsed = mib(MEMORY_METRICS[0]!);
        sample.heapTotal = mib(MEMORY_METRICS[1]!);
        sample.external = mib(MEMORY_METRICS[2]!);
        samples.push(sample);
        await sleep(settings.rssSampleMs);
      }
    })();
    const probing = gcProbes(gateways, settings.durationMs);
    const progressEvery = Math.max(10_000, Math.min(60_000, settings.durationMs / 10));
    const progress = setInterval(() => {
      const last = run.latencies.closeInterval();
      const rss = samples.at(-1)?.rss.map((value) => (value == null ? '-' : `${round(value)} MiB`)).join(' / ');
      log(`${last.untilS} s: ${last.perSecond} operations/s (p50 ${last.p50Ms} ms, p95 ${last.p95Ms} ms), ${run.failures.length} errors, ${run.staleReads.length} stale reads so far, RSS ${rss}`);
    }, progressEvery);
    await runWorkers(run, traders);
    const workloadMs = now() - t0;
    clearInterval(progress);
    run.latencies.closeLastInterval();
    sampling = false;
    await sampler;
    const probes = await probing;
    const { failures, staleReads, modelMismatches, latencies: { timeline } } = run;
    const { balancesChecked: balanceReadsChecked, balancesFromCache: balanceReadsFromCache, balancesUnchecked: balanceReadsUnchecked, sessionsBehind: sessionReadsBehind } = run.reads;

    // After the load: every balance read, on each instance, equals the model exactly.
    const finalReads = await compareFinalBalances(gateways, traders);
    const ledger = await verifyLedger(traders);
    const cache = await Promise.all(
      gateways.map((gw) =>
        scrapeMetric(gw.url, ['gateway_balance_cache_events_total{event="hit"}', 'gateway_balance_cache_events_total{event="miss"}', 'gateway_balance_cache_events_total{event="store_error"}']).catch(() => ({})),
      ),
    );
    const serverErrors = gateways.flatMap((gw) => gw.logLines.filter((line) => /"level":(50|60)/.test(line) || !line.startsWith('{')).map((line) => `${gw.name}: ${line.slice(0, 500)}`));
    const serverWarnings = new Map<string, number>();
    for (const gw of gateways) {
      for (const line of gw.logLines.filter((l) => /"level":40/.test(l))) {
        const message = /"msg":"([^"]*)"/.exec(line)?.[1] ?? 'warning';
        serverWarnings.set(message, (serverWarnings.get(message) ?? 0) + 1);
      }
    }
    const exitCodes: Array<number | null> = [];
    for (const gw of gateways) exitCodes.push(await gw.stop(settings.shutdownGraceMs));
    gateways.length = 0;

    // Figures and verdicts.
    const operations = Object.fromEntries(
      [...run.latencies.byKind.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([op, list]) => {
          const sorted = [...list].sort((a, b) => a - b);
          return [op, { count: list.length, p50Ms: round(percentile(sorted, 50)), p95Ms: round(percentile(sorted, 95)), p99Ms: round(percentile(sorted, 99)), maxMs: round(sorted.at(-1) ?? 0) }];
        }),
    );
    const totalOps = [...run.latencies.byKind.values()].reduce((sum, list) => sum + list.length, 0);
    const rss = ['a', 'b'].map((name, instance) => {
      const afterGc = (list: GcProbe[], pick: (p: GcProbe) => number | null) => median(list.map(pick).filter((v): v is number => v != null));
      const baselineMiB = afterGc(probes.baseline, (p) => p.rss[instance]!);
      const finalMiB = afterGc(probes.final, (p) => p.rss[instance]!);
      return {
        name,
        // The verdict: RSS right after a full collection, end of warm-up against end of run.
        afterGc: {
          baselineMiB,
          finalMiB,
          growth: baselineMiB ? round((finalMiB - baselineMiB) / baselineMiB, 4) : 0,
          heapUsedBaselineMiB: afterGc(probes.baseline, (p) => p.heapUsed[instance]!),
          heapUsedFinalMiB: afterGc(probes.final, (p) => p.heapUsed[instance]!),
        },
        // The continuous samples (every SOAK_RSS_SAMPLE_MS), sawtooth and all.
        sampled: {
          ...memoryGrowth(samples, instance, workloadMs, (s) => s.rss[instance]),
          heapUsed: memoryGrowth(samples, instance, workloadMs, (s) => s.heapUsed?.[instance]),
          heapTotal: memoryGrowth(samples, instance, workloadMs, (s) => s.heapTotal?.[instance]),
          external: memoryGrowth(samples, instance, workloadMs, (s) => s.external?.[instance]),
        },
      };
    });
    const mutationsAcknowledged = traders.reduce((sum, trader) => sum + trader.balances.byWorker.flat().filter((m) => m.ackedAt !== null).length + trader.expected.trades.size, 0);
    const checks = {
      noUnexpectedErrors: failures.length === 0 && serverErrors.length === 0,
      noStaleBalanceReads: staleReads.length === 0 && balanceReadsUnchecked === 0 && sessionReadsBehind === 0 && modelMismatches.length === 0,
      finalBalancesExact: finalReads.length === 0,
      ledgerMatchesAcknowledged: ledger.problems.length === 0,
      rssGrowthUnderLimit: rss.every((r) => r.afterGc.growth < settings.rssLimit),
      cleanShutdown: exitCodes.every((code) => code === 0),
    };
    const passed = Object.values(checks).every(Boolean);
    const result = {
      startedAt: startedAtIso,
      passed,
      checks,
      settings: { ...settings, databaseUrl: new URL(settings.databaseUrl).pathname.slice(1), concurrency: settings.users * settings.workersPerUser },
      machine: { cpus: os.cpus().length, loadAverage: os.loadavg().map((value) => round(value, 2)), node: process.version },
      workloadSeconds: round(workloadMs / 1000),
      operations: { total: totalOps, perSecond: round(totalOps / (workloadMs / 1000)), mutationsAcknowledged, byKind: operations, timeline },
      errors: { count: failures.length, samples: failures.slice(0, 20), serverErrors: serverErrors.slice(0, 20), serverWarnings: Object.fromEntries(serverWarnings) },
      balanceReads: {
        checked: balanceReadsChecked,
        unchecked: balanceReadsUnchecked,
        fromCache: balanceReadsFromCache,
        stale: staleReads.length,
        staleSamples: staleReads.slice(0, 20),
        sessionReadsBehind,
        modelMismatches: modelMismatches.slice(0, 20),
        finalReads,
      },
      ledger: { rowsChecked: ledger.rows, problems: ledger.problems.slice(0, 50) },
      cacheEvents: Object.fromEntries(['a', 'b'].map((name, instance) => [name, cache[instance]])),
      rss: { warmupFraction: settings.warmupFraction, limit: settings.rssLimit, instances: rss, gcProbes: probes, samples: samples.map((s) => ({ t: round(s.t / 1000), rss: s.rss.map((v) => (v == null ? null : round(v))), heapUsed: s.heapUsed, heapTotal: s.heapTotal, external: s.external })) },
      shutdownExitCodes: exitCodes,
    };
    fs.mkdirSync(path.dirname(settings.output), { recursive: true });
    fs.writeFileSync(settings.output, `${JSON.stringify(result, null, 2)}\n`);

    log('');
    log(`${passed ? 'PASSED' : 'FAILED'} after ${round(workloadMs / 1000)} s: ${totalOps} operations (${result.operations.perSecond}/s), ${mutationsAcknowledged} mutations acknowledged`);
    for (const [op, figures] of Object.entries(operations)) log(`  ${op.padEnd(11)} ${String(figures.count).padStart(7)}  p50 ${figures.p50Ms} ms  p95 ${figures.p95Ms} ms  p99 ${figures.p99Ms} ms  max ${figures.maxMs} ms`);
    log(`  per interval: ${timeline.map((t) => `${t.perSecond}/s p95 ${t.p95Ms} ms`).join(', ')}`);
    log(`  unexpected errors: ${failures.length} (client), ${serverErrors.length} (server log)${failures.length ? `; first: ${JSON.stringify(failures[0])}` : ''}`);
    log(`  balance reads: ${balanceReadsChecked} checked (${balanceReadsFromCache} from cache), ${staleReads.length} stale, ${balanceReadsUnchecked} uncheckable; session reads behind: ${sessionReadsBehind}`);
    log(`  ledger: ${ledger.rows} rows checked against the acknowledged operations, ${ledger.problems.length} problems; final balances: ${finalReads.length} differences`);
    for (const r of rss) {
      const g = r.afterGc;
      const m = r.sampled;
      log(`  RSS ${r.name} after a full GC: ${g.baselineMiB} MiB at the end of the warm-up, ${g.finalMiB} at the end (${round(g.growth * 100, 2)} %); heap used ${g.heapUsedBaselineMiB} → ${g.heapUsedFinalMiB} MiB`);
      log(`      sampled every ${settings.rssSampleMs / 1000} s: ${m.startMiB} MiB at start, max ${m.maxMiB}; window medians ${m.baselineMiB} → ${m.finalMiB} MiB (${round(m.growth * 100, 2)} %), trend ${m.trendMiBPerMinute} MiB/min`);
      for (const part of ['heapUsed', 'heapTotal', 'external'] as const) {
        const p = m[part];
        log(`      ${part.padEnd(9)} window medians ${p.baselineMiB} → ${p.finalMiB} MiB, floors ${round(p.floorGrowth * 100, 2)} %, trend ${p.trendMiBPerMinute} MiB/min`);
      }
    }
    log(`  shutdown: exit codes ${exitCodes.join(', ')}`);
    for (const [name, ok] of Object.entries(checks)) log(`  ${ok ? 'ok  ' : 'FAIL'} ${name}`);
    for (const problem of [...ledger.problems.slice(0, 10), ...finalReads.slice(0, 10)]) log(`  ! ${problem}`);
    for (const stale of staleReads.slice(0, 5)) log(`  ! stale: ${JSON.stringify(stale)}`);
    for (const line of serverErrors.slice(0, 5)) log(`  ! server: ${line}`);
    log(`  written to ${path.relative(repoDir, settings.output)}`);
    return passed ? 0 : 1;
  } finally {
    clearTimeout(watchdog);
    for (const gw of gateways) await gw.stop(settings.shutdownGraceMs).catch(() => null);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
