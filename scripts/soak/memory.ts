// The gateways' memory during the workload: sampled at a fixed pace (the collector's sawtooth and
// all), and probed right after a full garbage collection at the end of the warm-up and at the end,
// the two figures the RSS check compares.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { collectGarbage, rssMiB, scrapeMetric, type GatewayProcess } from './gateways';
import { round } from './report';

const HEAP_USED = 'gateway_nodejs_heap_size_used_bytes';
const HEAP_TOTAL = 'gateway_nodejs_heap_size_total_bytes';
const EXTERNAL = 'gateway_nodejs_external_memory_bytes';

/** One reading of each gateway (MiB); null where a gateway did not answer. */
export interface MemorySample {
  /** Milliseconds into the workload. */
  t: number;
  rss: Array<number | null>;
  /** From each server's /metrics: V8 heap used and committed, and memory outside the heap (buffers, Wasm). */
  heapUsed?: Array<number | null>;
  heapTotal?: Array<number | null>;
  external?: Array<number | null>;
}

/** Samples every `everyMs` from now until `stop()`, which resolves once the last sample is in. */
export function sampleMemory(gateways: readonly GatewayProcess[], workloadStart: number, everyMs: number) {
  const samples: MemorySample[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const sample: MemorySample = { t: performance.now() - workloadStart, rss: gateways.map((gw) => rssMiB(gw.pid)) };
      const metrics = await Promise.all(gateways.map((gw) => scrapeMetric(gw.url, [HEAP_USED, HEAP_TOTAL, EXTERNAL]).catch(() => null)));
      const mib = (name: string) => metrics.map((m) => (m ? round(m[name]! / 2 ** 20) : null));
      sample.heapUsed = mib(HEAP_USED);
      sample.heapTotal = mib(HEAP_TOTAL);
      sample.external = mib(EXTERNAL);
      samples.push(sample);
      await sleep(everyMs);
    }
  })();
  return {
    samples,
    async stop(): Promise<void> {
      sampling = false;
      await sampler;
    },
  };
}

export interface GcProbe {
  t: number;
  rss: Array<number | null>;
  heapUsed: Array<number | null>;
}

export interface GcProbes {
  spacingMs: number;
  baseline: GcProbe[];
  final: GcProbe[];
}

/** RSS and heap of each server right after a full collection (requested through SIGUSR2). */
async function probeAfterGc(gateways: readonly GatewayProcess[], workloadStart: number): Promise<GcProbe> {
  for (const gw of gateways) collectGarbage(gw.pid);
  await sleep(1_000);
  const t = performance.now() - workloadStart;
  const rss = gateways.map((gw) => {
    const mib = rssMiB(gw.pid);
    return mib === null ? null : round(mib);
  });
  const metrics = await Promise.all(gateways.map((gw) => scrapeMetric(gw.url, [HEAP_USED]).catch(() => null)));
  return { t, rss, heapUsed: metrics.map((m) => (m ? round(m[HEAP_USED]! / 2 ** 20) : null)) };
}

/**
 * Three probes ending at the end of the warm-up and three ending at the end of the run (the
 * workload still running), `spacing` apart; each end is their median.
 */
export async function probeAtWarmupAndEnd(gateways: readonly GatewayProcess[], workloadStart: number, durationMs: number, warmupFraction: number): Promise<GcProbes> {
  const spacing = Math.min(10_000, (durationMs * warmupFraction) / 4);
  const at = async (ms: number) => {
    const wait = workloadStart + ms - performance.now();
    if (wait > 0) await sleep(wait);
    return probeAfterGc(gateways, workloadStart);
  };
  const warmupEnd = durationMs * warmupFraction;
  const baseline: GcProbe[] = [];
  for (const offset of [2, 1, 0]) baseline.push(await at(warmupEnd - offset * spacing - 1_000));
  const final: GcProbe[] = [];
  for (const offset of [2, 1, 0]) final.push(await at(durationMs - offset * spacing - 1_500));
  return { spacingMs: spacing, baseline, final };
}
