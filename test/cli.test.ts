import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { viewerForApiKey } from '../src/auth/api-keys';
import { acquireDataDirLock } from '../src/db/data-dir-lock';
import { openDatabase } from '../src/db/database';
import WebSocket from 'ws';
import { createClient as createWsClient } from 'graphql-ws';

// The operator commands as an operator runs them: real processes on a fresh embedded data folder
// (DATABASE_URL unset, whatever the suite runs on). They are slow (a tsx start is 1-3 s, opening
// PGlite several more), so the tests share one folder and run in order: migrate, apikey, seed,
// the lock, then the server itself.

const ROOT = path.resolve(__dirname, '..');
const SLOW = 120_000;
const MIGRATIONS = readdirSync(path.join(ROOT, 'prisma', 'migrations'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

let dataDir: string;
const lockFile = () => path.join(dataDir, 'server.lock');
const started: ChildProcess[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'gateway-cli-'));
});
afterAll(async () => {
  // Anything a failed test left running: its whole process group (tsx runs the script in a child).
  for (const child of started) {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  await rm(dataDir, { recursive: true, force: true });
});

/** The environment of a fresh machine: embedded database in our folder, nothing else configured. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, ...extra };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'NODE_ENV', 'NODE_OPTIONS', 'PORT', 'HOST', 'LOG_LEVEL', 'LOG_FORMAT']) {
    if (!(name in extra)) delete env[name];
  }
  return env;
}

interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Running {
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  exited: Promise<Exited>;
}

function start(command: string, args: string[], env: NodeJS.ProcessEnv): Running {
  // Own process group, so a leftover can be killed with everything it started.
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  started.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exited>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, output: () => ({ stdout, stderr }), exited };
}

/** `npm run -s <script> -- <args>` to completion. */
const npmRun = (script: string, args: string[] = [], extraEnv: Record<string, string> = {}) =>
  start('npm', ['run', '-s', script, ...(args.length ? ['--', ...args] : [])], cleanEnv(extraEnv)).exited;

/**
 * What `npm start` runs (`node --import tsx src/main.ts`), without npm in between, so the signal
 * goes to the gateway's own process, as a process manager would send it.
 */
const startGateway = (extraEnv: Record<string, string>) =>
  start(process.execPath, ['--import', 'tsx', 'src/main.ts'], cleanEnv({ HOST: '127.0.0.1', ...extraEnv }));

async function waitForOutput(running: Running, pattern: RegExp, timeoutMs = 90_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = running.output().stdout.match(pattern);
    if (match) return match;
    if (running.child.exitCode !== null || Date.now() > deadline) {
      const { stdout, stderr } = running.output();
      throw new Error(`no ${pattern} in the output (exit code ${running.child.exitCode}):\n${stdout}\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1)!;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Reads the folder the commands wrote, after they exited (embedded PGlite belongs to one process). */
async function inDatabase<T>(work: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const db = await openDatabase({ dataDir });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

let aliceKey: string;

test(
  'db:migrate applies the migrations to a fresh folder, then has nothing to do',
  async () => {
    const first = await npmRun('db:migrate');
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(lastLine(first.stdout)).toBe(`Applied: ${MIGRATIONS.join(', ')}`);
    expect(existsSync(lockFile())).toBe(false);

    const second = await npmRun('db:migrate');
    expect(second).toMatchObject({ code: 0, stderr: '' });
    expect(second.stdout.trim()).toBe('Database is up to date');
  },
  SLOW,
);

test(
  'apikey creates the user and prints the key alone on its last line; only its hash is stored',
  async () => {
    const r = await npmRun('apikey', ['alice']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const key = lastLine(r.stdout);
    expect(key).toMatch(/^tg_[A-Za-z0-9_-]{43}$/);
    expect(r.stdout.split('\n').filter((line) => line.includes(key))).toEqual([key]);
    expect(r.stdout).toMatch(/for alice\. It is shown only once:\n/);
    aliceKey = key;

    await inDatabase(async (db) => {
      const user = await db.prisma.user.findUniqueOrThrow({ where: { username: 'alice' }, include: { apiKeys: true } });
      expect(user.apiKeys).toHaveLength(1);
      expect(user.apiKeys[0]).toMatchObject({ hash: sha256(key), name: 'cli', prefix: key.slice(0, 9), revokedAt: null });
      // The key authenticates, through the lookup the gateway itself uses.
      expect(await viewerForApiKey(db.prisma, key)).toEqual({ id: user.id, username: 'alice', apiKeyId: user.apiKeys[0]!.id });
    });
    expect(existsSync(lockFile())).toBe(false);
  },
  SLOW,
);

test(
  'apikey without a valid username exits 1 with the usage line',
  async () => {
    for (const args of [[], ['not a name!']]) {
      const r = await npmRun('apikey', args);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('Usage: npm run apikey -- <username> [key name]   (username: letters, digits, _ . -)\n');
    }
  },
  SLOW,
);

test(
  'seed inserts the demo data (keeping the existing user), then says there is nothing to do',
  async () => {
    const first = await npmRun('seed');
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const summary = JSON.parse(/^Seeded demo data: (.*)$/m.exec(first.stdout)![1]!) as Record<string, unknown>;
    expect(summary.skipped).toBe(false);
    expect(summary.items).toEqual(expect.any(Number));
    expect(summary.items as number).toBeGreaterThan(0);

    const second = await npmRun('seed');
    expect(second).toMatchObject({ code: 0, stderr: '' });
    expect(second.stdout).toBe('Demo data already present: nothing to do.\n');

    await inDatabase(async (db) => {
      expect(await db.prisma.item.count()).toBe(summary.items);
      // apikey made alice before the seed: the seed kept her, and her key.
      expect(await db.prisma.user.count({ where: { username: 'alice' } })).toBe(1);
      expect(await viewerForApiKey(db.prisma, aliceKey)).toMatchObject({ username: 'alice' });
    });
  },
  SLOW,
);

test(
  'while another process holds the data folder, apikey and db:migrate exit 1 and say why',
  async () => {
    // This test process is "the running server": its pid is alive, and it is not the command's.
    const release = acquireDataDirLock(dataDir);
    try {
      const message = `The embedded database in ${dataDir} is in use by a running server (pid ${process.pid}). Stop the server, or set DATABASE_URL to use PostgreSQL.`;
      const apikey = await npmRun('apikey', ['bob']);
      expect(apikey).toMatchObject({ code: 1, stdout: '', stderr: `${message}\n` });

      const migrate = await npmRun('db:migrate');
      expect(migrate).toMatchObject({ code: 1, stdout: '', stderr: `db:migrate failed: ${message}\n` });

      expect(readFileSync(lockFile(), 'utf8')).toBe(`${process.pid}\n`); // still ours
    } finally {
      release();
    }
    expect(existsSync(lockFile())).toBe(false);
    await inDatabase(async (db) => {
      expect(await db.prisma.user.count({ where: { username: 'bob' } })).toBe(1); // the seed's bob, and no key for him
      expect(await db.prisma.apiKey.count({ where: { user: { username: 'bob' } } })).toBe(0);
    });
  },
  SLOW,
);

test(
  'the gateway serves the key apikey printed; SIGTERM shuts it down with exit code 0 and frees the folder',
  async () => {
    const gateway = startGateway({ PORT: '0' });
    const [, url] = await waitForOutput(gateway, /GraphQL gateway ready at (http:\/\/\S+)\/graphql/);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    expect((await fetch(`${url}/health`)).status).toBe(200);
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${aliceKey}` },
      body: JSON.stringify({ query: '{ viewer { username } }' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { viewer: { username: 'alice' } } });

    // Retries and conflicts answer as on PostgreSQL: the embedded database's unique violations
    // must reach the gateway as Prisma's P2002 (one copy of PGlite loaded, whatever the loader).
    const gql = async (query: string, variables: Record<string, unknown> = {}) =>
      (await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${aliceKey}` },
        body: JSON.stringify({ query, variables }),
      }).then((answer) => answer.json())) as { data?: any; errors?: Array<{ message: string; extensions: { code: string } }> };
    const CREATE_ACCOUNT = 'mutation { createExchangeAccount(input: { exchange: "paper", label: "cli-embedded" }) { account { id } } }';
    const account = await gql(CREATE_ACCOUNT);
    expect(account.errors).toBeUndefined();
    const again = await gql(CREATE_ACCOUNT);
    expect(again.errors?.[0]?.extensions.code).toBe('CONFLICT');
    const DEPOSIT = 'mutation($a: ID!) { deposit(input: { accountId: $a, asset: "USDT", amount: "10", reference: "cli-retry-1" }) { entry { id amount } } }';
    const first = await gql(DEPOSIT, { a: account.data.createExchangeAccount.account.id });
    const retried = await gql(DEPOSIT, { a: account.data.createExchangeAccount.account.id });
    expect(first.errors).toBeUndefined();
    expect(retried).toEqual(first);
    const circuit = await gql('mutation { createCircuit(input: { name: "cli-embedded" }) { id } }');
    const ADD = 'mutation($c: ID!) { addCircuitMember(input: { circuitId: $c, username: "bob", role: MEMBER }) { role } }';
    expect((await gql(ADD, { c: circuit.data.createCircuit.id })).errors).toBeUndefined();
    const twice = await gql(ADD, { c: circuit.data.createCircuit.id });
    expect(twice.errors?.[0]?.extensions.code).toBe('CONFLICT');
    expect(JSON.stringify(twice)).not.toMatch(/prisma|23505/i);

    const holder = Number(readFileSync(lockFile(), 'utf8'));
    expect(holder).not.toBe(process.pid);
    expect(() => process.kill(holder, 0)).not.toThrow(); // held by the running gateway

    gateway.child.kill('SIGTERM');
    const exited = await gateway.exited;
    expect({ code: exited.code, signal: exited.signal }).toEqual({ code: 0, signal: null });
    expect(exited.stdout).toMatch(/"msg":"shutdown complete"/);
    expect(existsSync(lockFile())).toBe(false);
  },
  SLOW,
);

test(
  'npm start is one process: a SIGTERM reaches the gateway itself, not a relay that may kill it',
  () => {
    // tsx's CLI runs the script in a child and relays a signal; when the child does not confirm it
    // within 30 ms (a busy machine), tsx SIGKILLs it and exits 143, cutting the shutdown short.
    // With tsx as a loader there is no relay (startGateway above spawns the same command).
    const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toBe('node --import tsx src/main.ts');
  },
);

test(
  'SIGTERM with open subscriptions: every socket closes with 1001 at once, the process exits 0 within the grace period, nothing is logged as an error',
  async () => {
    const GRACE_MS = 10_000;
    const gateway = startGateway({ PORT: '0', SHUTDOWN_GRACE_MS: String(GRACE_MS) });
    const url = (await waitForOutput(gateway, /GraphQL gateway ready at (http:\/\/\S+)\/graphql/))[1]!;
    const gql = async (query: string, variables: Record<string, unknown> = {}) => {
      const body = (await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${aliceKey}` },
        body: JSON.stringify({ query, variables }),
      }).then((answer) => answer.json())) as { data?: any; errors?: unknown[] };
      expect(body.errors).toBeUndefined();
      return body.data;
    };
    const accountId = (await gql('mutation { createExchangeAccount(input: { exchange: "paper", label: "cli-subscriptions" }) { account { id } } }')).createExchangeAccount.account.id as string;

    // Three sockets, four subscriptions; a deposit shows each balancesChanged is live.
    const closes: Array<{ code: number; reason: string; at: number }> = [];
    const pushes: unknown[] = [];
    const clients = [0, 1, 2].map(() =>
      createWsClient({
        url: `${url.replace(/^http/, 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${aliceKey}` },
        lazy: false,
        retryAttempts: 0,
        onNonLazyError: () => undefined,
        // A CloseEvent's code and reason are getters (a spread would copy neither).
        on: { closed: (event) => void closes.push({ code: (event as { code: number }).code, reason: (event as { reason: string }).reason, at: Date.now() }) },
      }),
    );
    const sink = { next: (result: unknown) => void pushes.push(result), error: () => undefined, complete: () => undefined };
    for (const client of clients) client.subscribe({ query: 'subscription { balancesChanged { assets { asset total } } }' }, sink);
    clients[0]!.subscribe({ query: 'subscription { orderUpdated { id } }' }, sink);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await gql('mutation($a: ID!) { deposit(input: { accountId: $a, asset: "USDT", amount: "3" }) { __typename } }', { a: accountId });
    for (const deadline = Date.now() + 30_000; pushes.length < 3; ) {
      if (Date.now() > deadline) throw new Error(`only ${pushes.length} of 3 pushes arrived`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(closes).toEqual([]);

    const signalledAt = Date.now();
    gateway.child.kill('SIGTERM');
    const exited = await gateway.exited;
    const exitedAt = Date.now();
    for (const deadline = Date.now() + 5_000; closes.length < 3 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20));
    await Promise.all(clients.map((client) => client.dispose()));

    expect(closes.map(({ code, reason }) => ({ code, reason }))).toEqual(
      Array.from({ length: 3 }, () => ({ code: 1001, reason: 'Going away: the server is shutting down; reconnect' })),
    );
    // A clean close is answered at once; 2 s is where the server would cut sockets instead.
    for (const close of closes) expect(close.at - signalledAt).toBeLessThan(2_000);
    expect({ code: exited.code, signal: exited.signal }).toEqual({ code: 0, signal: null });
    expect(exitedAt - signalledAt).toBeLessThan(GRACE_MS);
    const logged = exited.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(logged.map((line) => line.msg)).toEqual(expect.arrayContaining(['shutting down: draining in-flight requests', 'shutdown complete']));
    expect(logged.filter((line) => line.level >= 40)).toEqual([]); // no warning, no error
    expect(exited.stderr).toBe('');
  },
  SLOW,
);

test(
  'a port already in use: exit 1 with one readable line, and the folder is freed',
  async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const exited = await startGateway({ PORT: String(port) }).exited;
      expect(exited.code).toBe(1);
      expect(exited.stderr).toBe(`Cannot listen: port ${port} on 127.0.0.1 is already in use. Stop the other process or set PORT.\n`);
      expect(existsSync(lockFile())).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  },
  SLOW,
);

test(
  'invalid configuration: exit 1 listing every problem, before touching the database',
  async () => {
    const exited = await startGateway({ PORT: 'x', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://admin:hunter2@db/prod' }).exited;
    expect(exited.code).toBe(1);
    expect(exited.stdout).toBe('');
    expect(exited.stderr).toBe(
      'Invalid configuration:\n' +
        "  PORT: expected an integer from 0 to 65535, got 'x'\n" +
        '  DATABASE_URL: expected a postgres:// or postgresql:// URL, got a mysql:// URL\n' +
        "  LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got 'loud'\n",
    );
    expect(existsSync(lockFile())).toBe(false);
  },
  SLOW,
);

/** A port on which nothing listens (bound, then released). */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

test(
  'DATABASE_URL at a closed port: exit 1 with one line naming the setting and the address, no stack, no password',
  async () => {
    const port = await closedPort();
    const exited = await startGateway({ PORT: '0', DATABASE_URL: `postgresql://postgres:hunter2@127.0.0.1:${port}/gateway` }).exited;
    expect(exited.code).toBe(1);
    expect(exited.stderr).toBe(
      `DATABASE_URL: cannot reach PostgreSQL at 127.0.0.1:${port}/gateway (ECONNREFUSED). Start PostgreSQL there or fix DATABASE_URL; unset it to run on the embedded database.\n`,
    );
  },
  SLOW,
);

test(
  'REDIS_URL at a closed port: the gateway starts with a clear warning, and /ready reports the cache unreachable (log for a person: LOG_FORMAT=pretty)',
  async () => {
    const port = await closedPort();
    const gateway = startGateway({ PORT: '0', REDIS_URL: `redis://127.0.0.1:${port}`, LOG_FORMAT: 'pretty' });
    try {
      const [, url] = await waitForOutput(gateway, /GraphQL gateway ready at (http:\/\/\S+)\/graphql/);
      expect(gateway.output().stdout).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: gateway ready$/m);
      expect(gateway.output().stdout).not.toMatch(/^\{"level"/m);
      expect(gateway.output().stderr).toContain(`Warning: REDIS_URL: Redis at 127.0.0.1:${port} is not answering`);
      const ready = await fetch(`${url}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', database: 'pglite', cache: { store: 'redis', reachable: false } });
    } finally {
      gateway.child.kill('SIGTERM');
      await gateway.exited;
    }
  },
  SLOW,
);

test(
  'npm run build, then production on the compiled JavaScript: node dist/main.js serves, logs JSON, exits 0 on SIGTERM',
  async () => {
    const build = await npmRun('build');
    expect(build.code).toBe(0);
    expect(build.stdout).toMatch(/built dist\/ in \d+ ms/);
    expect(existsSync(path.join(ROOT, 'dist', 'main.js'))).toBe(true);
    expect(existsSync(path.join(ROOT, 'dist', 'generated', 'graphiql', 'graphiql.js'))).toBe(true);

    // As `npm run start:prod` runs it: plain node, no TypeScript loader anywhere in the process.
    const gateway = start(process.execPath, [path.join('dist', 'main.js')], cleanEnv({ HOST: '127.0.0.1', PORT: '0', NODE_ENV: 'production' }));
    try {
      const [, url] = await waitForOutput(gateway, /"url":"(http:\/\/[^"]+)\/graphql"/);
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${aliceKey}` },
        body: JSON.stringify({ query: '{ viewer { username } }' }),
      });
      expect(await response.json()).toEqual({ data: { viewer: { username: 'alice' } } });
      const unknown = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${aliceKey}` },
        body: JSON.stringify({ query: '{ viewer { nope } }' }),
      }).then((answer) => answer.json() as Promise<{ errors: Array<{ message: string; extensions: Record<string, unknown> }> }>);
      expect(unknown.errors[0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(unknown.errors[0]!.message).not.toMatch(/Did you mean/); // production: no suggestions
    } finally {
      gateway.child.kill('SIGTERM');
    }
    const exited = await gateway.exited;
    expect({ code: exited.code, signal: exited.signal }).toEqual({ code: 0, signal: null });
    const lines = exited.stdout.trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow(); // one JSON object per line
    expect(lines.map((line) => JSON.parse(line).msg)).toContain('shutdown complete');
    expect(exited.stderr).toBe('');
  },
  SLOW,
);
