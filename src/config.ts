import path from 'node:path';

/** The gateway's settings: read from the environment once, validated, frozen. */
export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  /** PostgreSQL server; when absent the gateway runs on embedded PGlite in `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly databasePoolMax: number;
  /** A statement running longer is cancelled by PostgreSQL (its connection is freed). */
  readonly databaseStatementTimeoutMs: number;
  /** How long a request waits for a connection before it fails with SERVICE_UNAVAILABLE. */
  readonly databaseConnectTimeoutMs: number;
  readonly databasePreparedStatements: number;
  readonly dataDir: string;
  /** Seed demo data into an empty embedded database on first start. */
  readonly seedDemoData: boolean;
  readonly shutdownGraceMs: number;
  /** pino level of the log on stdout. */
  readonly logLevel: LogLevel;
  /** `json` or `pretty` (LOG_FORMAT); unset: pretty in development on a terminal, JSON otherwise. */
  readonly logFormat: LogFormat | undefined;
  /** Redis shared by every instance for the balance cache; in-process memory when absent. */
  readonly redisUrl: string | undefined;
  readonly balanceCacheTtlMs: number;
  /** Overrides the cache namespace derived from the database's address (see cache/create-versioned-cache.ts). */
  readonly cacheNamespace: string | undefined;
  readonly balanceCacheMaxEntries: number;
  /** A cache call slower than this is treated as a cache outage. */
  readonly cacheTimeoutMs: number;
  /** A RUNNING trading session without a heartbeat for this long shows as stale. */
  readonly sessionStaleAfterMs: number;
  readonly limits: {
    readonly maxDepth: number;
    readonly maxAliases: number;
    readonly maxRootFields: number;
    readonly maxCost: number;
    readonly maxQueryLength: number;
    readonly maxBodyBytes: number;
    readonly maxBatchSize: number;
    readonly rateLimitPoints: number;
    readonly maxConcurrentPerClient: number;
    /** Requests of one client waiting for a turn once it has maxConcurrentPerClient running. */
    readonly maxQueuedPerClient: number;
    /** How long a queued request waits for its turn before 503. */
    readonly admissionQueueTimeoutMs: number;
    /** Requests running at once over all clients. */
    readonly maxConcurrentRequests: number;
    readonly rateLimitWindowMs: number;
    /** Unknown API keys one address may have looked up per minute before its unverified keys are refused. */
    readonly unknownKeyLookupsPerMinute: number;
    /** Live (unrevoked) API keys one user may hold. */
    readonly maxApiKeysPerUser: number;
    /** Persisted queries one user may register per hour (anonymous clients register none). */
    readonly persistedQueryRegistrationsPerHour: number;
    /** Subscriptions one user may hold open at once on one instance (over all their sockets). */
    readonly maxSubscriptionsPerUser: number;
    /** Events one subscription may have waiting to be sent; past it, its socket is dropped (4008). */
    readonly maxQueuedEventsPerSubscription: number;
    /** Bytes a socket may have unsent (a client that does not read); past it, it is dropped (4008). */
    readonly maxSocketBufferedBytes: number;
  };
  /** Bearer token that /metrics requires; unset: /metrics is open in development, off in production. */
  readonly metricsToken: string | undefined;
  /** A GraphQL request slower than this is logged as a warning. */
  readonly slowOperationMs: number;
  /** Benchmark only: loaders query once per key (no batching), to measure what DataLoader saves. */
  readonly benchNaiveLoaders: boolean;
  /** Browser origins allowed to call the API (CORS); `*` allows any. */
  readonly corsOrigins: readonly string[];
  /** The paper exchange's commission on fills, as a fraction of the notional (0.001 = 0.1 %). */
  readonly exchangeFeeRate: string;
  /** Serve GraphiQL at /graphiql (GRAPHIQL_ENABLED); unset: everywhere but production, like the Sandbox. */
  readonly graphiqlEnabled: boolean | undefined;
  /** Run operations compiled by graphql-jit (COMPILED_EXECUTION); false: graphql-js interprets every one. */
  readonly compiledExecution: boolean;
  /** Count each request's SQL statements for the log line and /metrics (COUNT_STATEMENTS). */
  readonly countStatements: boolean;
}

type Env = Record<string, string | undefined>;

/** The paper exchange's commission when EXCHANGE_FEE_RATE is unset; the demo data books it too. */
export const DEFAULT_EXCHANGE_FEE_RATE = '0.001';

export const LOG_FORMATS = ['json', 'pretty'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Thrown with every problem found, one per line, so an operator fixes them all at once. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Statement texts kept prepared per PostgreSQL connection unless DATABASE_PREPARED_STATEMENTS says otherwise. */
export const DEFAULT_PREPARED_STATEMENTS = 200;

/** Reads and validates the configuration; the only reader of `process.env` in the product. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = new Reader(env, problems);
  const nodeEnv = read.oneOf('NODE_ENV', ['development', 'production', 'test'], 'development');
  const config: Config = {
    env: nodeEnv,
    port: read.integer('PORT', 4000, 0, 65535),
    host: read.string('HOST', '0.0.0.0'),
    databaseUrl: read.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    databasePoolMax: read.integer('DATABASE_POOL_MAX', 10, 1, 1000),
    databaseStatementTimeoutMs: read.integer('DATABASE_STATEMENT_TIMEOUT_MS', 5_000, 100, 3_600_000),
    databaseConnectTimeoutMs: read.integer('DATABASE_CONNECT_TIMEOUT_MS', 2_000, 100, 600_000),
    databasePreparedStatements: read.integer('DATABASE_PREPARED_STATEMENTS', DEFAULT_PREPARED_STATEMENTS, 0, 10_000),
    dataDir: path.resolve(read.string('DATA_DIR', './.data')),
    seedDemoData: read.boolean('SEED_DEMO_DATA', true),
    shutdownGraceMs: read.integer('SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    logFormat: read.optionalOneOf('LOG_FORMAT', LOG_FORMATS),
    redisUrl: read.url('REDIS_URL', ['redis:', 'rediss:']),
    balanceCacheTtlMs: read.integer('BALANCE_CACHE_TTL_MS', 3_000, 1, 86_400_000),
    cacheNamespace: read.string('CACHE_NAMESPACE', '') || undefined,
    balanceCacheMaxEntries: read.integer('BALANCE_CACHE_MAX_ENTRIES', 10_000, 1, 10_000_000),
    cacheTimeoutMs: read.integer('CACHE_TIMEOUT_MS', 250, 1, 60_000),
    sessionStaleAfterMs: read.integer('SESSION_STALE_AFTER_MS', 120_000, 1_000, 86_400_000),
    exchangeFeeRate: read.decimal('EXCHANGE_FEE_RATE', DEFAULT_EXCHANGE_FEE_RATE, 0, 0.1),
    limits: Object.freeze({
      maxDepth: read.integer('MAX_QUERY_DEPTH', 15, 1, 100),
      maxAliases: read.integer('MAX_ALIASES', 30, 0, 1000),
      maxRootFields: read.integer('MAX_ROOT_FIELDS', 20, 1, 1000),
      maxCost: read.integer('MAX_QUERY_COST', 100_000, 1, 100_000_000),
      maxQueryLength: read.integer('MAX_QUERY_LENGTH', 20_000, 100, 10_000_000),
      maxBodyBytes: read.integer('MAX_BODY_BYTES', 102_400, 1_024, 100_000_000),
      maxBatchSize: read.integer('MAX_BATCH_SIZE', 10, 0, 1000),
      rateLimitPoints: read.integer('RATE_LIMIT_POINTS', 600, 1, 10_000_000),
      maxConcurrentPerClient: read.integer('MAX_CONCURRENT_PER_CLIENT', 4, 1, 10_000),
      maxQueuedPerClient: read.integer('MAX_QUEUED_PER_CLIENT', 64, 0, 100_000),
      admissionQueueTimeoutMs: read.integer('ADMISSION_QUEUE_TIMEOUT_MS', 10_000, 1, 600_000),
      maxConcurrentRequests: read.integer('MAX_CONCURRENT_REQUESTS', 256, 1, 100_000),
      rateLimitWindowMs: read.integer('RATE_LIMIT_WINDOW_MS', 60_000, 1_000, 86_400_000),
      unknownKeyLookupsPerMinute: read.integer('UNKNOWN_KEY_LOOKUPS_PER_MINUTE', 20, 1, 1_000_000),
      maxApiKeysPerUser: read.integer('MAX_API_KEYS_PER_USER', 20, 1, 10_000),
      persistedQueryRegistrationsPerHour: read.integer('PERSISTED_QUERY_REGISTRATIONS_PER_HOUR', 200, 0, 1_000_000),
      maxSubscriptionsPerUser: read.integer('MAX_SUBSCRIPTIONS_PER_USER', 50, 1, 100_000),
      maxQueuedEventsPerSubscription: read.integer('MAX_QUEUED_EVENTS_PER_SUBSCRIPTION', 100, 1, 100_000),
      maxSocketBufferedBytes: read.integer('MAX_SOCKET_BUFFERED_BYTES', 1_048_576, 1_024, 1_073_741_824),
    }),
    metricsToken: read.string('METRICS_TOKEN', '') || undefined,
    slowOperationMs: read.integer('SLOW_OPERATION_MS', 1_000, 1, 3_600_000),
    benchNaiveLoaders: read.boolean('BENCH_NAIVE_LOADERS', false),
    corsOrigins: read.list('CORS_ORIGINS', nodeEnv === 'production' ? [] : ['*']),
    graphiqlEnabled: read.optionalBoolean('GRAPHIQL_ENABLED'),
    compiledExecution: read.boolean('COMPILED_EXECUTION', true),
    countStatements: read.boolean('COUNT_STATEMENTS', nodeEnv !== 'production'),
  };
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return Object.freeze(config);
}

class Reader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  private raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value) || parsed < min || parsed > max) {
      this.problems.push(`${name}: expected an integer from ${min} to ${max}, got '${value}'`);
      return fallback;
    }
    return parsed;
  }

  decimal(name: string, fallback: string, min: number, max: number): string {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^\d+(\.\d+)?$/.test(value) || Number(value) < min || Number(value) > max) {
      this.problems.push(`${name}: expected a decimal from ${min} to ${max}, got '${value}'`);
      return fallback;
    }
    return value;
  }

  list(name: string, fallback: string[]): string[] {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const items = value.split(',').map((item) => item.trim()).filter(Boolean);
    for (const item of items) {
      if (item !== '*' && !/^https?:\/\/[^/\s]+$/.test(item)) {
        this.problems.push(`${name}: expected origins like https://app.example.com (comma-separated) or *, got '${item}'`);
      }
    }
    return items;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name}: expected true or false, got '${value}'`);
    return fallback;
  }

  /** Like boolean(), but undefined when the variable is not set (the caller decides the default). */
  optionalBoolean(name: string): boolean | undefined {
    return this.raw(name) === undefined ? undefined : this.boolean(name, false);
  }

  /** Like oneOf(), but undefined when the variable is not set (the caller decides the default). */
  optionalOneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    return this.raw(name) === undefined ? undefined : this.oneOf(name, allowed, allowed[0] as T);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name}: expected one of ${allowed.join(', ')}, got '${value}'`);
    return fallback;
  }

  /** A URL with one of `protocols` (e.g. `postgres:`). Messages never echo the value: it may hold a password. */
  url(name: string, protocols: readonly string[]): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const expected = `${name}: expected a ${protocols.map((protocol) => `${protocol}//`).join(' or ')} URL`;
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      // not a URL at all
    }
    // Name the scheme only when it is one (followed by '//'): in 'user:secret@host' it would be a user name.
    if (url && value.slice(url.protocol.length).startsWith('//')) {
      if (protocols.includes(url.protocol)) return value;
      this.problems.push(`${expected}, got a ${url.protocol}// URL`);
    } else {
      this.problems.push(`${expected} (the value is not shown: it may hold a password)`);
    }
    return undefined;
  }
}
