// The soak's gateway processes: the real server as production runs it, `node dist/main.js`
// (scripts/soak.ts builds it first), spawned as node itself so that the child's pid is the process
// that serves (/proc/<pid>/status is the server's own memory).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { DIST_ENTRY } from '../build';

/** The token the soak's gateways require for /metrics (production serves it to operators only). */
const OPERATOR_METRICS_TOKEN = 'soak-metrics-token';

export interface GatewayProcess {
  readonly name: string;
  readonly pid: number;
  readonly url: string;
  /** Milliseconds from spawn to the first 200 on /health. */
  readonly startupMs: number;
  /** Lines the server logged (LOG_LEVEL=warn: warnings and errors), newest last, at most 2 000. */
  readonly logLines: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last output, for error messages. */
  tail(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs` more): the exit code, or null when killed. */
  stop(graceMs: number): Promise<number | null>;
}

export interface GatewayOptions {
  name: string;
  repoDir: string;
  databaseUrl: string;
  redisUrl: string;
  balanceCacheTtlMs: number;
  shutdownGraceMs: number;
}

export async function sparePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

export async function startGateway(options: GatewayOptions): Promise<GatewayProcess> {
  const port = await sparePort();
  // gc-on-signal: a full collection on SIGUSR2, so RSS can be read at comparable points.
  const gcHook = path.join(__dirname, 'gc-on-signal.cjs');
  const child: ChildProcess = spawn(process.execPath, ['--expose-gc', '--require', gcHook, DIST_ENTRY], {
    cwd: options.repoDir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: options.redisUrl,
      // The workload sends many operations per key, several at once: no limit may refuse them.
      RATE_LIMIT_POINTS: '10000000',
      // Production serves /metrics only with a token.
      METRICS_TOKEN: OPERATOR_METRICS_TOKEN,
      MAX_CONCURRENT_PER_CLIENT: '10000',
      BALANCE_CACHE_TTL_MS: String(options.balanceCacheTtlMs),
      EXCHANGE_FEE_RATE: '0.001',
      SHUTDOWN_GRACE_MS: String(options.shutdownGraceMs),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logLines: string[] = [];
  let tail = '';
  let partial = '';
  const keep = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    tail = (tail + text).slice(-8_000);
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) logLines.push(line);
    if (logLines.length > 2_000) logLines.splice(0, logLines.length - 2_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  const startedAt = Date.now();
  const deadline = startedAt + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.name} exited with code ${child.exitCode} before answering /health:\n${tail}`);
    const up = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) }).then((response) => response.status === 200, () => false);
    if (up) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.name}: no 200 on /health within 180 s:\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // The pid must be the serving node process itself, not a wrapper around it.
  const commandLine = fs.readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
  if (!commandLine.some((part) => part.endsWith(DIST_ENTRY))) {
    child.kill('SIGKILL');
    throw new Error(`${options.name}: pid ${child.pid} is not the server (${commandLine.join(' ')})`);
  }
  return {
    name: options.name,
    pid: child.pid!,
    url,
    startupMs: Date.now() - startedAt,
    logLines,
    exited,
    tail: () => tail,
    async stop(graceMs) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs + 5_000);
      child.kill('SIGTERM');
      const { code } = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Asks the server for a full garbage collection (see gc-on-signal.cjs). */
export function collectGarbage(pid: number): void {
  try {
    process.kill(pid, 'SIGUSR2');
  } catch {
    // gone
  }
}

/** Resident set size of a process in MiB (VmRSS of /proc/<pid>/status); null once it is gone. */
/** CPU time (user + system) a process has used, in ms; null once it is gone. */
export function cpuMs(pid: number): number | null {
  try {
    // Fields 14 and 15 of /proc/<pid>/stat, after the parenthesised command name.
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
/** USER_HZ: 100 on Linux. */
const CLOCK_TICKS = 100;

export function rssMiB(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** One gauge or counter of the gateway's /metrics, summed over its label sets (0 when absent). */
export async function scrapeMetric(url: string, names: string[]): Promise<Record<string, number>> {
  const text = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${OPERATOR_METRICS_TOKEN}` }, signal: AbortSignal.timeout(5_000) }).then((response) => response.text());
  const values: Record<string, number> = {};
  for (const name of names) values[name] = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const key = names.find((name) => name === match[1] || `${match[1]}${match[2] ?? ''}` === name);
    if (key) values[key] = (values[key] ?? 0) + Number(match[3]);
  }
  return values;
}
