// Subscriptions, measured on two real gateway processes (one PostgreSQL, one Redis):
//   1. latency from a deposit's acknowledgement by instance A to the balancesChanged push on B,
//      over N sequential deposits (p50 / p95 / max);
//   2. memory of B holding 1 000 idle subscriptions (one socket each): RSS from /proc and the
//      V8 heap from /metrics, each read right after a full collection (SIGUSR2, as the soak does).
// Usage: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/gw_subs_bench REDIS_URL=redis://127.0.0.1:6379 \
//        npx tsx scripts/subscriptions-bench.ts [deposits=200] [subscriptions=1000]
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { openDatabase } from '../src/db/database';
import { createApiKey } from '../src/auth/api-keys';
import { sparePort } from './soak/gateways';

const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
if (!databaseUrl || !redisUrl) throw new Error('set DATABASE_URL (a database this script may create and use) and REDIS_URL');
const deposits = Number(process.argv[2] ?? 200);
const idleSubscriptions = Number(process.argv[3] ?? 1_000);
const repoDir = path.join(__dirname, '..');

async function ensureDatabase(url: string) {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
}

interface Gateway {
  url: string;
  child: ChildProcess;
}

async function startGateway(): Promise<Gateway> {
  const port = await sparePort();
  const child = spawn(process.execPath, ['--expose-gc', '--require', path.join(__dirname, 'soak', 'gc-on-signal.cjs'), '--import', 'tsx', 'src/main.ts'], {
    cwd: repoDir,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      RATE_LIMIT_POINTS: '1000000',
      MAX_SUBSCRIPTIONS_PER_USER: String(idleSubscriptions + 10),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if (attempt > 300) throw new Error('gateway did not start');
    try {
      if ((await fetch(`${url}/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, child };
}

async function post(url: string, key: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const wsClient = (gateway: Gateway, key: string): Client =>
  createClient({ url: `${gateway.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${key}` }, retryAttempts: 0, lazy: false });

/** RSS (/proc) and heap used (/metrics) of the gateway, right after a full collection. */
async function memoryOf(gateway: Gateway) {
  gateway.child.kill('SIGUSR2');
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const status = readFileSync(`/proc/${gateway.child.pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
  const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
  const heapBytes = Number(/^gateway_nodejs_heap_size_used_bytes (\S+)$/m.exec(metrics)![1]);
  return { rssMiB: rssKiB / 1024, heapMiB: heapBytes / 1024 / 1024 };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function main() {
  await ensureDatabase(databaseUrl!);
  const a = await startGateway(); // migrates first
  const b = await startGateway();
  const db = await openDatabase({ url: databaseUrl, poolMax: 2 });
  const username = `subs_bench_${Date.now().toString(36)}`;
  const user = await db.prisma.user.create({ data: { username } });
  const key = (await createApiKey(db.prisma, user.id, 'bench')).key;
  await db.close();
  const accountId = (await post(a.url, key, `mutation { createExchangeAccount(input: { exchange: "paper", label: "bench" }) { account { id } } }`)).createExchangeAccount.account.id;

  // 1. Latency A → B.
  const subscriber = wsClient(b, key);
  let onPush: ((at: number) => void) | undefined;
  subscriber.subscribe({ query: `subscription { balancesChanged { assets { asset total } } }` }, {
    next: () => onPush?.(performance.now()),
    error: (error) => console.error('subscription error', error),
    complete: () => undefined,
  });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const latencies: number[] = [];
  const sinceSend: number[] = [];
  for (let n = 0; n < deposits; n++) {
    const pushed = new Promise<number>((resolve) => (onPush = resolve));
    const sent = performance.now();
    await post(a.url, key, `mutation($input: DepositInput!) { deposit(input: $input) { entry { id } } }`, { input: { accountId, asset: 'USDT', amount: '1' } });
    const acknowledged = performance.now();
    const at = await pushed;
    latencies.push(at - acknowledged);
    sinceSend.push(at - sent);
  }
  await subscriber.dispose();
  latencies.sort((x, y) => x - y);
  sinceSend.sort((x, y) => x - y);

  // 2. Memory of idle subscriptions on B.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const before = await memoryOf(b);
  const idle: Client[] = [];
  let subscribed = 0;
  for (let n = 0; n < idleSubscriptions; n++) {
    const client = wsClient(b, key);
    idle.push(client);
    client.subscribe({ query: `subscription { orderUpdated { id status } }` }, { next: () => undefined, error: (error) => console.error(error), complete: () => undefined });
    client.on('connected', () => void subscribed++);
    if (n % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  while (subscribed < idleSubscriptions) await new Promise((resolve) => setTimeout(resolve, 50));
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const after = await memoryOf(b);
  await Promise.all(idle.map((client) => client.dispose()));

  const round = (x: number) => Math.round(x * 10) / 10;
  const report = {
    deposits,
    ackToPushMs: { p50: round(percentile(latencies, 50)), p95: round(percentile(latencies, 95)), max: round(latencies.at(-1)!), min: round(latencies[0]!) },
    sendToPushMs: { p50: round(percentile(sinceSend, 50)), p95: round(percentile(sinceSend, 95)) },
    idleSubscriptions,
    memoryBefore: { rssMiB: round(before.rssMiB), heapMiB: round(before.heapMiB) },
    memoryAfter: { rssMiB: round(after.rssMiB), heapMiB: round(after.heapMiB) },
    perSubscriptionKiB: { rss: round(((after.rssMiB - before.rssMiB) * 1024) / idleSubscriptions), heap: round(((after.heapMiB - before.heapMiB) * 1024) / idleSubscriptions) },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  for (const gateway of [a, b]) gateway.child.kill('SIGTERM');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
