// The soak's figures (latencies, memory growth), its checks, and the report: printed, and written
// as JSON (SOAK_OUTPUT).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { LedgerCheck } from './database';
import { scrapeMetric, type GatewayProcess } from './gateways';
import type { GcProbe, GcProbes, MemorySample } from './memory';
import { databaseName, REPO_DIR } from './settings';
import type { Trader } from './traders';
import type { SoakRun } from './workload';

export const log = (line: string) => process.stdout.write(`[soak] ${line}\n`);
export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);

export interface IntervalFigures {
  untilS: number;
  operations: number;
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /**
   * The gateways' CPU per operation in the interval (both processes, user + system): what an
   * operation costs them, which, unlike throughput, another process on the machine barely moves.
   */
  gatewayCpuMsPerOperation: number;
}

/** Every operation's latency, by kind for the totals and since the last progress line for the timeline. */
export class Latencies {
  readonly byKind = new Map<string, number[]>();
  readonly timeline: IntervalFigures[] = [];
  private interval: number[] = [];
  private intervalStart: number;
  private intervalCpuMs: number;

  constructor(
    private readonly workloadStart: number,
    private readonly gatewayCpuMs: () => number = () => 0,
  ) {
    this.intervalStart = workloadStart;
    this.intervalCpuMs = gatewayCpuMs();
  }

  record(kind: string, ms: number): void {
    let list = this.byKind.get(kind);
    if (!list) this.byKind.set(kind, (list = []));
    list.push(ms);
    this.interval.push(ms);
  }

  /** Ends the current interval: its figures join the timeline. */
  closeInterval(): IntervalFigures {
    const sorted = this.interval.sort((a, b) => a - b);
    const seconds = (performance.now() - this.intervalStart) / 1000;
    const figures = {
      untilS: round((performance.now() - this.workloadStart) / 1000, 0),
      operations: sorted.length,
      perSecond: round(sorted.length / Math.max(0.001, seconds)),
      p50Ms: round(percentile(sorted, 50)),
      p95Ms: round(percentile(sorted, 95)),
      p99Ms: round(percentile(sorted, 99)),
      gatewayCpuMsPerOperation: round((this.gatewayCpuMs() - this.intervalCpuMs) / Math.max(1, sorted.length), 3),
    };
    this.timeline.push(figures);
    this.interval = [];
    this.intervalStart = performance.now();
    this.intervalCpuMs = this.gatewayCpuMs();
    return figures;
  }

  /** The last interval, unless the last progress line closed it with nothing after. */
  closeLastInterval(): void {
    if (this.interval.length) this.closeInterval();
  }
}

/** The progress line, once per interval: it closes the interval. */
export function logProgress(run: SoakRun, samples: MemorySample[]): void {
  const last = run.latencies.closeInterval();
  const rss = samples.at(-1)?.rss.map((value) => (value == null ? '-' : `${round(value)} MiB`)).join(' / ');
  log(`${last.untilS} s: ${last.perSecond} operations/s (p50 ${last.p50Ms} ms, p95 ${last.p95Ms} ms), ${run.failures.length} errors, ${run.staleReads.length} stale reads so far, RSS ${rss}`);
}

// ─── after the load: what the gateways say ──────────────────────────────────────────────────

const CACHE_EVENTS = ['gateway_balance_cache_events_total{event="hit"}', 'gateway_balance_cache_events_total{event="miss"}', 'gateway_balance_cache_events_total{event="store_error"}'];

/** Each gateway's balance cache hits, misses and store errors (empty where /metrics did not answer). */
export function readCacheEvents(gateways: readonly GatewayProcess[]): Promise<Array<Record<string, number>>> {
  return Promise.all(gateways.map((gw) => scrapeMetric(gw.url, CACHE_EVENTS).catch(() => ({}))));
}

export interface ServerLog {
  /** Error and fatal lines, and anything that is not a JSON log line (a crash's stack, say). */
  errors: string[];
  /** Warnings counted by message. */
  warnings: Map<string, number>;
}

export function readServerLogs(gateways: readonly GatewayProcess[]): ServerLog {
  const errors = gateways.flatMap((gw) => gw.logLines.filter((line) => /"level":(50|60)/.test(line) || !line.startsWith('{')).map((line) => `${gw.name}: ${line.slice(0, 500)}`));
  const warnings = new Map<string, number>();
  for (const gw of gateways) {
    for (const line of gw.logLines.filter((l) => /"level":40/.test(l))) {
      const message = /"msg":"([^"]*)"/.exec(line)?.[1] ?? 'warning';
      warnings.set(message, (warnings.get(message) ?? 0) + 1);
    }
  }
  return { errors, warnings };
}

// ─── figures ────────────────────────────────────────────────────────────────────────────────

function operationFigures(latencies: Latencies) {
  return Object.fromEntries(
    [...latencies.byKind.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, list]) => {
        const sorted = [...list].sort((a, b) => a - b);
        return [kind, { count: list.length, p50Ms: round(percentile(sorted, 50)), p95Ms: round(percentile(sorted, 95)), p99Ms: round(percentile(sorted, 99)), maxMs: round(sorted.at(-1) ?? 0) }];
      }),
  );
}

/**
 * Growth from the end of the warm-up to the end of the run. The heap follows a garbage-collection
 * sawtooth (minutes long under this load), so one sample is no measure: each end is the median
 * of the samples in the tenth of the run before it; the trend (least squares over everything
 * after the warm-up) and the floors (lowest sample of each window, i.e. right after a full
 * collection) tell a leak from the sawtooth.
 */
function memoryGrowth(samples: MemorySample[], durationMs: number, warmupFraction: number, pick: (s: MemorySample) => number | null | undefined) {
  const warmupEnd = durationMs * warmupFraction;
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

/** Each gateway's memory: the after-GC probes (the verdict) and the continuous samples. */
function memoryFigures(names: string[], samples: MemorySample[], probes: GcProbes, workloadMs: number, warmupFraction: number) {
  const afterGc = (list: GcProbe[], pick: (p: GcProbe) => number | null) => median(list.map(pick).filter((v): v is number => v != null));
  const growth = (pick: (s: MemorySample) => number | null | undefined) => memoryGrowth(samples, workloadMs, warmupFraction, pick);
  return names.map((name, instance) => {
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
        ...growth((s) => s.rss[instance]),
        heapUsed: growth((s) => s.heapUsed?.[instance]),
        heapTotal: growth((s) => s.heapTotal?.[instance]),
        external: growth((s) => s.external?.[instance]),
      },
    };
  });
}

// ─── the report ─────────────────────────────────────────────────────────────────────────────

/** Everything a run ends with, gathered by scripts/soak.ts. */
export interface SoakOutcome {
  /** ISO time the soak started (before the build). */
  startedAt: string;
  run: SoakRun;
  traders: Trader[];
  workloadMs: number;
  gatewayNames: string[];
  samples: MemorySample[];
  probes: GcProbes;
  /** Differences between each user's final balances and the model. */
  finalReads: string[];
  ledger: LedgerCheck;
  cacheEvents: Array<Record<string, number>>;
  serverLog: ServerLog;
  exitCodes: Array<number | null>;
}

export type SoakReport = ReturnType<typeof buildReport>;

/**
 * Throughput of the first interval against the last full one (a shorter tail after the last
 * progress line is left out): held when the last is within 15 % of the first, i.e. the cost of
 * an operation did not grow with the data the run wrote.
 */
function throughputOverTime(timeline: IntervalFigures[]) {
  const lengths = timeline.map((t, i) => t.untilS - (i === 0 ? 0 : timeline[i - 1]!.untilS));
  const full = timeline.filter((_, i) => lengths[i]! >= 0.8 * (lengths[0] ?? 0));
  const first = full[0]?.perSecond ?? 0;
  const last = full[full.length - 1]?.perSecond ?? 0;
  const ratio = first > 0 ? round(last / first, 3) : 0;
  const firstCpu = full[0]?.gatewayCpuMsPerOperation ?? 0;
  const lastCpu = full[full.length - 1]?.gatewayCpuMsPerOperation ?? 0;
  return {
    firstPerSecond: first,
    lastPerSecond: last,
    lastOverFirst: ratio,
    held: full.length < 2 || ratio >= 0.85,
    firstGatewayCpuMsPerOperation: firstCpu,
    lastGatewayCpuMsPerOperation: lastCpu,
    cpuPerOperationLastOverFirst: firstCpu > 0 ? round(lastCpu / firstCpu, 3) : 0,
  };
}

export function buildReport(outcome: SoakOutcome) {
  const { run, workloadMs, samples, probes, finalReads, ledger, serverLog, exitCodes } = outcome;
  const { settings, failures, staleReads, modelMismatches, reads } = run;
  const byKind = operationFigures(run.latencies);
  const total = [...run.latencies.byKind.values()].reduce((sum, list) => sum + list.length, 0);
  // Trades change no balance, so the balance model does not hold them.
  const mutationsAcknowledged = outcome.traders.reduce((sum, trader) => sum + trader.balances.byWorker.flat().filter((m) => m.ackedAt !== null).length + trader.expected.trades.size, 0);
  const rss = memoryFigures(outcome.gatewayNames, samples, probes, workloadMs, settings.warmupFraction);
  const throughput = throughputOverTime(run.latencies.timeline);
  const checks = {
    noUnexpectedErrors: failures.length === 0 && serverLog.errors.length === 0,
    noStaleBalanceReads: staleReads.length === 0 && reads.balancesUnchecked === 0 && reads.sessionsBehind === 0 && modelMismatches.length === 0,
    finalBalancesExact: finalReads.length === 0,
    ledgerMatchesAcknowledged: ledger.problems.length === 0,
    runningBalancesReconciled: ledger.runningBalances.differences.length === 0,
    throughputHeld: throughput.held,
    rssGrowthUnderLimit: rss.every((r) => r.afterGc.growth < settings.rssLimit),
    cleanShutdown: exitCodes.every((code) => code === 0),
  };
  return {
    startedAt: outcome.startedAt,
    passed: Object.values(checks).every(Boolean),
    checks,
    settings: { ...settings, databaseUrl: databaseName(settings), concurrency: settings.users * settings.workersPerUser },
    machine: { cpus: os.cpus().length, loadAverage: os.loadavg().map((value) => round(value, 2)), node: process.version },
    workloadSeconds: round(workloadMs / 1000),
    operations: { total, perSecond: round(total / (workloadMs / 1000)), mutationsAcknowledged, byKind, timeline: run.latencies.timeline },
    errors: { count: failures.length, samples: failures.slice(0, 20), serverErrors: serverLog.errors.slice(0, 20), serverWarnings: Object.fromEntries(serverLog.warnings) },
    balanceReads: {
      checked: reads.balancesChecked,
      unchecked: reads.balancesUnchecked,
      fromCache: reads.balancesFromCache,
      stale: staleReads.length,
      staleSamples: staleReads.slice(0, 20),
      sessionReadsBehind: reads.sessionsBehind,
      modelMismatches: modelMismatches.slice(0, 20),
      finalReads,
    },
    throughput,
    ledger: {
      rowsChecked: ledger.rows,
      problems: ledger.problems.slice(0, 50),
      runningBalances: { rows: ledger.runningBalances.rows, differences: ledger.runningBalances.differences.slice(0, 50) },
    },
    cacheEvents: Object.fromEntries(outcome.gatewayNames.map((name, instance) => [name, outcome.cacheEvents[instance]])),
    rss: {
      warmupFraction: settings.warmupFraction,
      limit: settings.rssLimit,
      instances: rss,
      gcProbes: probes,
      samples: samples.map((s) => ({ t: round(s.t / 1000), rss: s.rss.map((v) => (v == null ? null : round(v))), heapUsed: s.heapUsed, heapTotal: s.heapTotal, external: s.external })),
    },
    shutdownExitCodes: exitCodes,
  };
}

export function writeReport(report: SoakReport, output: string): void {
  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.writeFileSync(output, `${JSON.stringify(report, null, 2)}\n`);
}

/** The summary on stdout; the JSON keeps only samples of long lists, so counts come from the outcome. */
export function printReport(report: SoakReport, outcome: SoakOutcome): void {
  const { run, ledger, finalReads, serverLog } = outcome;
  const { operations, balanceReads, settings } = report;
  log('');
  log(`${report.passed ? 'PASSED' : 'FAILED'} after ${report.workloadSeconds} s: ${operations.total} operations (${operations.perSecond}/s), ${operations.mutationsAcknowledged} mutations acknowledged`);
  for (const [kind, figures] of Object.entries(operations.byKind)) log(`  ${kind.padEnd(11)} ${String(figures.count).padStart(7)}  p50 ${figures.p50Ms} ms  p95 ${figures.p95Ms} ms  p99 ${figures.p99Ms} ms  max ${figures.maxMs} ms`);
  log(`  throughput: first interval ${report.throughput.firstPerSecond}/s, last full interval ${report.throughput.lastPerSecond}/s (${report.throughput.lastOverFirst}×, held ≥ 0.85×: ${report.throughput.held}); gateway CPU per operation ${report.throughput.firstGatewayCpuMsPerOperation} → ${report.throughput.lastGatewayCpuMsPerOperation} ms (${report.throughput.cpuPerOperationLastOverFirst}×)`);
  log(`  running balances: ${ledger.runningBalances.rows} rows reconciled against the ledger, ${ledger.runningBalances.differences.length} differences`);
  log(`  per interval: ${operations.timeline.map((t) => `${t.perSecond}/s p95 ${t.p95Ms} ms cpu ${t.gatewayCpuMsPerOperation} ms/op`).join(', ')}`);
  log(`  unexpected errors: ${run.failures.length} (client), ${serverLog.errors.length} (server log)${run.failures.length ? `; first: ${JSON.stringify(run.failures[0])}` : ''}`);
  log(`  balance reads: ${balanceReads.checked} checked (${balanceReads.fromCache} from cache), ${balanceReads.stale} stale, ${balanceReads.unchecked} uncheckable; session reads behind: ${balanceReads.sessionReadsBehind}`);
  log(`  ledger: ${ledger.rows} rows checked against the acknowledged operations, ${ledger.problems.length} problems; final balances: ${finalReads.length} differences`);
  for (const r of report.rss.instances) {
    const g = r.afterGc;
    const m = r.sampled;
    log(`  RSS ${r.name} after a full GC: ${g.baselineMiB} MiB at the end of the warm-up, ${g.finalMiB} at the end (${round(g.growth * 100, 2)} %); heap used ${g.heapUsedBaselineMiB} → ${g.heapUsedFinalMiB} MiB`);
    log(`      sampled every ${settings.rssSampleMs / 1000} s: ${m.startMiB} MiB at start, max ${m.maxMiB}; window medians ${m.baselineMiB} → ${m.finalMiB} MiB (${round(m.growth * 100, 2)} %), trend ${m.trendMiBPerMinute} MiB/min`);
    for (const part of ['heapUsed', 'heapTotal', 'external'] as const) {
      const p = m[part];
      log(`      ${part.padEnd(9)} window medians ${p.baselineMiB} → ${p.finalMiB} MiB, floors ${round(p.floorGrowth * 100, 2)} %, trend ${p.trendMiBPerMinute} MiB/min`);
    }
  }
  log(`  shutdown: exit codes ${report.shutdownExitCodes.join(', ')}`);
  for (const [name, ok] of Object.entries(report.checks)) log(`  ${ok ? 'ok  ' : 'FAIL'} ${name}`);
  for (const problem of [...ledger.problems.slice(0, 10), ...finalReads.slice(0, 10)]) log(`  ! ${problem}`);
  for (const stale of run.staleReads.slice(0, 5)) log(`  ! stale: ${JSON.stringify(stale)}`);
  for (const line of serverLog.errors.slice(0, 5)) log(`  ! server: ${line}`);
  log(`  written to ${path.relative(REPO_DIR, settings.output)}`);
}
