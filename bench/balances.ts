// `balances` for the heavy user (the 1M-entry ledger), cache miss against cache hit, in sequence
// over HTTP (what used to be bench/balances-latency.ts, now against the running servers): each
// pair is `invalidateBalanceCache`, then a read (a miss, timed), then a read (a hit, timed), so
// both see the same machine state. Misses cannot be load-tested at concurrency: concurrent misses
// of one user share one computation by design, so a "miss" at 8 connections is mostly waiting.
import { dataOf } from './http';
import { INVALIDATE, type BenchOperation } from './operations';
import { percentile, round } from './load';

export interface BalanceStats {
  missP50Ms: number;
  missP95Ms: number;
  hitP50Ms: number;
  hitP95Ms: number;
  /** Sequential reads per second of misses (one connection, one at a time). */
  missSequentialRps: number;
  pairs: number;
}

export interface Target {
  mode: string;
  url: string;
}

const invalidate = { name: 'invalidateBalanceCache', operationName: 'InvalidateBalances', query: INVALIDATE, variables: {} };

function fromCache(data: unknown): boolean {
  return (data as { balances: { fromCache: boolean } }).balances.fromCache;
}

export async function measureBalances(
  targets: readonly Target[],
  apiKey: string,
  operation: BenchOperation,
  pairs: number,
  progress: (line: string) => void,
): Promise<Map<string, BalanceStats>> {
  const misses = new Map<string, number[]>(targets.map((target) => [target.mode, []]));
  const hits = new Map<string, number[]>(targets.map((target) => [target.mode, []]));
  const warmup = 3;
  for (let i = -warmup; i < pairs; i++) {
    // Rotate the order of the modes from pair to pair.
    for (let k = 0; k < targets.length; k++) {
      const target = targets[(((i + warmup) % targets.length) + k) % targets.length]!;
      await dataOf(target.url, apiKey, invalidate);
      const miss = await dataOf(target.url, apiKey, operation);
      const hit = await dataOf(target.url, apiKey, operation);
      if (fromCache(miss.data) || !fromCache(hit.data)) {
        throw new Error(`${target.mode}: expected a miss then a hit, got fromCache ${fromCache(miss.data)} then ${fromCache(hit.data)}`);
      }
      if (i >= 0) {
        misses.get(target.mode)!.push(miss.ms);
        hits.get(target.mode)!.push(hit.ms);
      }
    }
    if (i >= 0 && (i + 1) % Math.max(1, Math.floor(pairs / 4)) === 0) progress(`  balances: ${i + 1}/${pairs} miss/hit pairs per mode`);
  }
  const stats = new Map<string, BalanceStats>();
  for (const { mode } of targets) {
    const missTimes = misses.get(mode)!.sort((a, b) => a - b);
    const hitTimes = hits.get(mode)!.sort((a, b) => a - b);
    const mean = missTimes.reduce((sum, ms) => sum + ms, 0) / missTimes.length;
    stats.set(mode, {
      missP50Ms: round(percentile(missTimes, 50)),
      missP95Ms: round(percentile(missTimes, 95)),
      hitP50Ms: round(percentile(hitTimes, 50)),
      hitP95Ms: round(percentile(hitTimes, 95)),
      missSequentialRps: round(1000 / mean, 1),
      pairs,
    });
  }
  return stats;
}
