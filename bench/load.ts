// Latency and throughput at fixed concurrency: autocannon against one server with one request
// body. Every response time is kept (not only autocannon's histogram percentiles, which have no
// p95), so rounds of the same cell can be merged exactly.
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { cpuBetween, cpuNow, type CpuSpent } from './cpu';
import { requestBody, type BenchOperation } from './operations';

export interface LoadSample {
  /** Response times of the 2xx responses, ms. */
  latencies: number[];
  /** Seconds measured. */
  seconds: number;
  requests: number;
  /** CPU seconds of the server and of PostgreSQL during the sample (when its pid was given). */
  cpu?: CpuSpent;
}

export interface LoadStats {
  p50Ms: number;
  p95Ms: number;
  rps: number;
  requests: number;
  /** Milliseconds of the server's CPU (user + system, all its threads) per request. */
  serverCpuMs?: number;
  /** Milliseconds of PostgreSQL's CPU (all its processes) per request. */
  postgresCpuMs?: number;
}

/**
 * Sends `amount` requests over `connections` keep-alive connections (each connection sends its
 * next request when the previous answer arrives) and waits for every answer: no request is cut
 * off at the end, which would bias a slow cell's throughput and latency. The clock runs from the
 * start to the last answer.
 */
export async function load(
  baseUrl: string,
  apiKey: string,
  operation: BenchOperation,
  options: { connections: number; amount: number; serverPid?: number },
): Promise<LoadSample> {
  const latencies: number[] = [];
  const cpuBefore = options.serverPid === undefined ? undefined : cpuNow(options.serverPid);
  let lastAnswer = 0;
  let firstFailure = '';
  const started = performance.now();
  const result = await autocannon({
    url: `${baseUrl}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: requestBody(operation),
    connections: options.connections,
    amount: Math.max(options.amount, options.connections),
    timeout: 120,
    // autocannon reports once per sample interval after the last answer: keep that wait short.
    sampleInt: 50,
    // An answer with GraphQL errors would be fast and wrong: count it as a failure.
    verifyBody: (body) => {
      const text = String(body ?? '');
      const ok = !text.startsWith('{"errors"') && !text.includes('"errors":[');
      if (!ok && !firstFailure) firstFailure = text.slice(0, 600);
      return ok;
    },
    setupClient: (client) => {
      client.on('response', (statusCode: number, _bytes: number, responseTime: number) => {
        if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
        lastAnswer = performance.now();
      });
    },
  });
  const failures = result.errors + result.timeouts + result.non2xx + result.mismatches;
  if (failures > 0) {
    throw new Error(
      `${operation.name} at ${baseUrl}: ${result.errors} errors, ${result.timeouts} timeouts, ` +
        `${result.non2xx} non-2xx, ${result.mismatches} answers with GraphQL errors; first: ${firstFailure}`,
    );
  }
  const cpu = cpuBefore && cpuBetween(cpuBefore, cpuNow(options.serverPid!));
  return { latencies, seconds: (lastAnswer - started) / 1000, requests: latencies.length, ...(cpu ? { cpu } : {}) };
}

/**
 * Warms a cell up for at least `seconds` (batches of doubling size, the first one request
 * per connection) and returns how many requests a measurement of `durationS` should send:
 * the warm-up's throughput times the duration, at least two requests per connection.
 */
export async function warmUp(
  baseUrl: string,
  apiKey: string,
  operation: BenchOperation,
  options: { connections: number; seconds: number; durationS: number },
): Promise<{ amount: number; rps: number }> {
  let amount = options.connections;
  let spent = 0;
  let sample: LoadSample;
  do {
    sample = await load(baseUrl, apiKey, operation, { connections: options.connections, amount });
    spent += sample.seconds;
    amount *= 2;
  } while (spent < options.seconds);
  const rps = sample.requests / sample.seconds;
  const perConnection = Math.max(2, Math.ceil((rps * options.durationS) / options.connections));
  return { amount: perConnection * options.connections, rps };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  // Nearest rank.
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Merges the rounds of one cell (operation × mode). */
export function summarise(samples: readonly LoadSample[]): LoadStats {
  const latencies = samples.flatMap((sample) => sample.latencies).sort((a, b) => a - b);
  const seconds = samples.reduce((sum, sample) => sum + sample.seconds, 0);
  const requests = samples.reduce((sum, sample) => sum + sample.requests, 0);
  const cpuOf = (part: keyof CpuSpent) =>
    samples.every((sample) => sample.cpu) ? round((1000 * samples.reduce((sum, sample) => sum + sample.cpu![part], 0)) / requests, 3) : undefined;
  const serverCpuMs = cpuOf('server');
  const postgresCpuMs = cpuOf('postgres');
  return {
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    rps: round(requests / seconds, 1),
    requests,
    ...(serverCpuMs === undefined ? {} : { serverCpuMs, postgresCpuMs }),
  };
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
