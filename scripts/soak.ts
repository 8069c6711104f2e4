/**
 * `npm run soak`: two gateway processes (`node dist/main.js`, NODE_ENV=production) on one
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
 * Settings: scripts/soak/settings.ts (SOAK_DURATION_MS, SOAK_DATABASE_URL, SOAK_REDIS_URL, …).
 * The parts: soak/workload.ts (the workers), soak/model.ts (what they expect), soak/traders.ts
 * (the users), soak/database.ts (set-up and the ledger check), soak/memory.ts, soak/report.ts.
 */
import { performance } from 'node:perf_hooks';
import { buildDist } from './build';
import { checkLedger, databaseSessions, prepareDatabase } from './soak/database';
import { startGateway, type GatewayProcess } from './soak/gateways';
import { probeAtWarmupAndEnd, sampleMemory } from './soak/memory';
import { buildReport, log, logProgress, printReport, readCacheEvents, readServerLogs, round, writeReport, type SoakOutcome } from './soak/report';
import { databaseName, readSoakSettings, REPO_DIR, type SoakSettings } from './soak/settings';
import { compareFinalBalances, setUpTraders } from './soak/traders';
import { runWorkers, startSoakRun } from './soak/workload';

const settings = readSoakSettings();

async function startGateways(running: GatewayProcess[]): Promise<void> {
  for (const name of ['a', 'b']) {
    try {
      running.push(
        await startGateway({
          name,
          repoDir: REPO_DIR,
          databaseUrl: settings.databaseUrl,
          redisUrl: settings.redisUrl,
          balanceCacheTtlMs: settings.balanceCacheTtlMs,
          shutdownGraceMs: settings.shutdownGraceMs,
        }),
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\nsessions on the database meanwhile:\n${await databaseSessions(settings.databaseUrl)}`);
    }
  }
  log(`gateways: ${running.map((gw) => `${gw.name} pid ${gw.pid} at ${gw.url} (up in ${round(gw.startupMs / 1000)} s)`).join(', ')}`);
}

/** A progress line every tenth of the run, between 10 s and a minute apart. */
const progressEvery = (s: SoakSettings) => Math.max(10_000, Math.min(60_000, s.durationMs / 10));

async function main(): Promise<number> {
  const startedAt = new Date().toISOString();
  log(`duration ${settings.durationMs / 1000} s, ${settings.users} users × ${settings.workersPerUser} workers, database ${databaseName(settings)}, redis ${settings.redisUrl}`);
  buildDist(REPO_DIR);
  log('built dist/: the gateways run as node dist/main.js');
  await prepareDatabase(settings);
  // The gateways still to stop: emptied once they are, so that `finally` stops only the rest.
  const running: GatewayProcess[] = [];
  // Ends a run that hangs: the workload is bounded, the checks take seconds.
  const watchdog = setTimeout(() => {
    log('the run took far longer than its duration: stopping the servers and failing');
    for (const gw of running) process.kill(gw.pid, 'SIGKILL');
    process.exit(2);
  }, settings.durationMs + 300_000);
  watchdog.unref();
  try {
    await startGateways(running);
    const gateways = [...running];
    const traders = await setUpTraders(settings, gateways[0]!);

    // The workload, with memory sampled and probed alongside.
    const run = startSoakRun(settings, gateways);
    const memory = sampleMemory(gateways, run.startedAt, settings.rssSampleMs);
    const probing = probeAtWarmupAndEnd(gateways, run.startedAt, settings.durationMs, settings.warmupFraction);
    const progress = setInterval(() => logProgress(run, memory.samples), progressEvery(settings));
    await runWorkers(run, traders);
    const workloadMs = performance.now() - run.startedAt;
    clearInterval(progress);
    run.latencies.closeLastInterval();
    await memory.stop();
    const probes = await probing;

    // After the load: every balance read, on each instance, equals the model exactly.
    const finalReads = await compareFinalBalances(gateways, traders);
    const ledger = await checkLedger(settings.databaseUrl, traders);
    const cacheEvents = await readCacheEvents(gateways);
    const serverLog = readServerLogs(gateways);
    const exitCodes: Array<number | null> = [];
    for (const gw of gateways) exitCodes.push(await gw.stop(settings.shutdownGraceMs));
    running.length = 0;

    const outcome: SoakOutcome = {
      startedAt,
      run,
      traders,
      workloadMs,
      gatewayNames: gateways.map((gw) => gw.name),
      samples: memory.samples,
      probes,
      finalReads,
      ledger,
      cacheEvents,
      serverLog,
      exitCodes,
    };
    const report = buildReport(outcome);
    writeReport(report, settings.output);
    printReport(report, outcome);
    return report.passed ? 0 : 1;
  } finally {
    clearTimeout(watchdog);
    for (const gw of running) await gw.stop(settings.shutdownGraceMs).catch(() => null);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
