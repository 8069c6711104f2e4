import type { AddressInfo } from 'node:net';
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { createApiKey } from '../../src/auth/api-keys';
import { countStatements } from '../../src/db/statement-counter';
import { createLogger } from '../../src/log';
import type { GatewayServer } from '../../src/server';
import { buildGateway } from '../../src/gateway';
import { openTestDatabase, secondConnection, type TestDatabase } from './test-database';
import { loadConfig, type Config } from '../../src/config';
import { createMetrics } from '../../src/observability/metrics';
import type { CacheStore } from '../../src/cache/cache-store';
import type { BalanceCache } from '../../src/modules/balances/balance-cache';

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: readonly GraphQLFormattedError[];
  headers: Headers;
}

export interface TestGateway {
  readonly url: string;
  readonly server: GatewayServer;
  readonly db: TestDatabase;
  readonly balanceCache: BalanceCache;
  readonly cacheStore: CacheStore;
  /** A fresh API key for `username` (the user is created when missing). */
  keyFor(username: string): Promise<string>;
  /** A new user no other test touches (`<prefix>_<n>`), with a key and their database id. */
  freshUser(prefix: string): Promise<{ username: string; key: string; id: number }>;
  /** The database id of a seeded or created user. */
  userId(username: string): Promise<number>;
  /** Sends an operation over HTTP (POST /graphql) as it would come from a client. */
  http<T = any>(query: string, variables?: Record<string, unknown>, key?: string): Promise<GraphQLResponse<T>>;
  /**
   * Runs an operation through Apollo's executeOperation and counts the SQL statements it sent,
   * including the API key lookup.
   */
  execute<T = any>(query: string, variables?: Record<string, unknown>, key?: string): Promise<GraphQLResponse<T> & { statements: number }>;
  close(): Promise<void>;
}

/** A real gateway on a private copy of the seeded database, listening on a free port. */
export interface TestGatewayOptions {
  env?: 'test' | 'development' | 'production';
  /** Share the balance cache through this Redis (like production instances do). */
  redisUrl?: string;
  balanceCacheTtlMs?: number;
  /** Run as a second instance on the same database as `gateway` (its own pool and cache). */
  sameDatabaseAs?: TestGateway;
  balanceCacheMaxEntries?: number;
  /** Overrides of the request limits (e.g. a tiny rate limit). */
  limits?: Partial<Config['limits']>;
  corsOrigins?: string[];
  slowOperationMs?: number;
  /** Receives the gateway's log lines (silent otherwise). */
  logLines?: string[];
  /** The bearer token /metrics requires (production serves /metrics only with one). */
  metricsToken?: string;
  /** Interposes on the real cache store, e.g. to hold a write back and force a race. */
  wrapCacheStore?: (store: CacheStore) => CacheStore;
  /** false: graphql-js interprets every operation (the compiled path's reference). */
  compiledExecution?: boolean;
}

let freshUsers = 0;

export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const db = options.sameDatabaseAs ? await secondConnection(options.sameDatabaseAs.db) : await openTestDatabase();
  const logLines = options.logLines;
  const log = logLines
    ? createLogger({ level: 'debug', destination: { write: (line: string) => void logLines.push(line) } })
    : createLogger({ enabled: false });
  const defaults = loadConfig({});
  const metrics = createMetrics();
  const config = {
    ...defaults,
    env: options.env ?? 'test',
    // The database this gateway serves names its cache and event namespace in Redis, so test
    // files running at once never see each other's keys or events (a second instance shares them).
    databaseUrl: db.location.url,
    dataDir: db.location.dataDir ?? defaults.dataDir,
    redisUrl: options.redisUrl,
    balanceCacheTtlMs: options.balanceCacheTtlMs ?? 3_000,
    balanceCacheMaxEntries: options.balanceCacheMaxEntries ?? 10_000,
    // Tests send bursts of concurrent requests with one key on purpose; limit tests set their own.
    limits: { ...defaults.limits, maxConcurrentPerClient: 1_000, ...options.limits },
    corsOrigins: options.corsOrigins ?? defaults.corsOrigins,
    slowOperationMs: options.slowOperationMs ?? defaults.slowOperationMs,
    metricsToken: options.metricsToken,
    compiledExecution: options.compiledExecution ?? defaults.compiledExecution,
  } as const;
  const gateway = await buildGateway(config, db, log, { metrics, wrapCacheStore: options.wrapCacheStore });
  const { server, balanceCache, cacheStore } = gateway;
  // Longer than fetch's idle keep-alive, so a reused connection is never closed under a request.
  server.httpServer.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}`;

  return {
    url,
    server,
    db,
    async keyFor(username) {
      const user = await db.prisma.user.upsert({ where: { username }, create: { username }, update: {} });
      return (await createApiKey(db.prisma, user.id, 'test')).key;
    },
    async freshUser(prefix) {
      const username = `${prefix}_${++freshUsers}`;
      const user = await db.prisma.user.create({ data: { username } });
      return { username, key: (await createApiKey(db.prisma, user.id, 'test')).key, id: user.id };
    },
    async userId(username) {
      return (await db.prisma.user.findUniqueOrThrow({ where: { username }, select: { id: true } })).id;
    },
    async http(query, variables, key) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: any; errors?: GraphQLFormattedError[] };
      return { status: response.status, ...body, headers: response.headers };
    },
    async execute(query, variables, key) {
      const { result, statements } = await countStatements(async () => {
        let contextValue;
        try {
          contextValue = await server.contextFor(key ? `Bearer ${key}` : undefined);
        } catch (error) {
          // What the HTTP layer answers when the context cannot be built (e.g. a revoked key).
          return { status: 401, errors: [(error as GraphQLError).toJSON()] };
        }
        const response = await server.apollo.executeOperation({ query, variables }, { contextValue });
        if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
        const { data, errors } = response.body.singleResult;
        return { status: response.http.status ?? 200, data: data as any, errors };
      });
      return { ...result, headers: new Headers(), statements };
    },
    balanceCache,
    cacheStore,
    async close() {
      await gateway.close();
      await db.close();
    },
  };
}
