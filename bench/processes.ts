// Child processes of the benchmark: the real gateway as production runs it (`node dist/main.js`,
// built by bench/run.ts first), the raw-SQL server and the peers (`node --import tsx`), each
// spawned as node itself so that the child's pid is the process that serves (its RSS is the server's).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DIST_ENTRY } from '../scripts/build';
import { settings } from './settings';

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly pid: number;
  readonly url: string;
  /** Milliseconds from spawn to the first 200 on /health. */
  readonly startupMs: number;
  /** The last lines the child wrote (for error messages). */
  output(): string;
  stop(): Promise<void>;
}

export interface GatewayOptions {
  databaseUrl: string;
  port: number;
  naive: boolean;
}

/** The token the benchmark's gateways require for /metrics (production serves it to operators only). */
export const OPERATOR_METRICS_TOKEN = 'bench-metrics-token';

/** The gateway as production runs it, with limits opened up for a load test. */
export function gatewayEnv(options: GatewayOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PORT: String(options.port),
    HOST: '127.0.0.1',
    DATABASE_URL: options.databaseUrl,
    // One key sends every request of the benchmark: no rate limit may interfere.
    RATE_LIMIT_POINTS: '10000000',
    RATE_LIMIT_WINDOW_MS: '1000',
    // Production serves /metrics only with a token.
    METRICS_TOKEN: OPERATOR_METRICS_TOKEN,
    // …and no cap on its requests in flight (the load runs 8 connections with one key).
    MAX_CONCURRENT_PER_CLIENT: '10000',
    // The naive mode queues hundreds of per-key statements per request on the pool: a request
    // waits for a connection instead of failing after the default 2 s, so it can be measured.
    DATABASE_CONNECT_TIMEOUT_MS: '60000',
    // items(first: 100) { events(first: 100) … circuits(first: 100) { owner } } costs more than the default allows.
    MAX_QUERY_COST: '100000000',
    // Hits must stay hits for the whole run; misses are made with invalidateBalanceCache.
    BALANCE_CACHE_TTL_MS: '86400000',
    SHUTDOWN_GRACE_MS: '5000',
  };
  if (settings.redisUrl) env.REDIS_URL = settings.redisUrl;
  if (options.naive) env.BENCH_NAIVE_LOADERS = '1';
  return env;
}

async function waitForHealth(url: string, readyPath: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode} before answering ${readyPath}:\n${output()}`);
    try {
      const response = await fetch(`${url}${readyPath}`, { signal: AbortSignal.timeout(1000) });
      if (response.status === 200) {
        await response.arrayBuffer();
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no 200 on ${url}${readyPath} within ${timeoutMs} ms:\n${output()}`);
}

/** Spawns `node <nodeArgs>` and waits for its first 200 on `readyPath` (/health). */
export async function startChild(name: string, nodeArgs: string[], env: NodeJS.ProcessEnv, port: number, readyPath = '/health'): Promise<Child> {
  const started = performance.now();
  const child = spawn(process.execPath, nodeArgs, {
    cwd: settings.repoDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const output = () => tail;
  try {
    await waitForHealth(url, readyPath, child, output, 60_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${name}: ${(error as Error).message}`);
  }
  const startupMs = performance.now() - started;
  return {
    name,
    process: child,
    pid: child.pid!,
    url,
    startupMs,
    output,
    stop: () => stopChild(child),
  };
}

/** SIGTERM (the gateway drains and exits), SIGKILL if it is still there after 10 s. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** The gateway as production runs it: the compiled dist/main.js (bench/run.ts builds it first). */
export const startGateway = (name: string, options: GatewayOptions) =>
  startChild(name, [DIST_ENTRY], gatewayEnv(options), options.port);

export const startRawServer = (databaseUrl: string, port: number) =>
  startChild(
    'raw',
    ['--import', 'tsx', path.join('bench', 'raw-server.ts')],
    { PATH: process.env.PATH, HOME: process.env.HOME, RAW_DATABASE_URL: databaseUrl, PORT: String(port) },
    port,
  );

/** PostGraphile over the peer views (bench/peers, installed by peer-install.ts first). */
export const startPostgraphile = (databaseUrl: string, port: number) =>
  startChild(
    'postgraphile',
    ['--import', 'tsx', path.join('bench', 'peers', 'postgraphile-server.ts')],
    { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', PEER_DATABASE_URL: databaseUrl, PORT: String(port) },
    port,
  );

/** Apollo Server 5 (startStandaloneServer) with a one-field schema, for `{ __typename }`; it has no /health. */
export const startBareApollo = (port: number) =>
  startChild(
    'bareApollo',
    ['--import', 'tsx', path.join('bench', 'bare-apollo-server.ts')],
    { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', PORT: String(port) },
    port,
    `/graphql?query=${encodeURIComponent('{ __typename }')}`,
  );

/** Resident set size of a process in MB (VmRSS of /proc/<pid>/status). */
export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) / 1024;
}
