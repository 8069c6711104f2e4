import type http from 'node:http';
import { loadConfig, ConfigError, type Config } from './config';
import { openDatabase, type Database } from './db/database';
import { seedDemoData } from './demo/seed';
import { issueDevelopmentKey } from './auth/development-key';
import { buildGateway } from './gateway';
import { createLogger, type Logger } from './log';
import { configureLoaders } from './graphql/batch';
import { createMetrics } from './observability/metrics';
import { classifyDatabaseError } from './db/availability';
import { storeAnswers } from './cache/cache-store';

/** A start-up failure an operator can fix from its message alone (printed without a stack). */
class StartupError extends Error {
  override name = 'StartupError';
}

/** What `main` opened, closed newest first; a step that fails is logged and the others still run. */
class Resources {
  private readonly closers: { name: string; close: () => Promise<void> }[] = [];

  constructor(private readonly log: Logger) {}

  add(name: string, close: () => Promise<void>): void {
    this.closers.unshift({ name, close });
  }

  /** Closes everything (once); false when a step failed. */
  async closeAll(): Promise<boolean> {
    let ok = true;
    for (const { name, close } of this.closers.splice(0)) {
      try {
        await close();
      } catch (error) {
        ok = false;
        this.log.error({ err: error }, `closing the ${name} failed`);
      }
    }
    return ok;
  }
}

/**
 * Starts the gateway: the only place that reads configuration, listens and handles signals.
 * Resolves with the exit code once a SIGTERM or SIGINT has shut it down: stop accepting
 * requests, let in-flight ones finish, close the cache and the database (which releases the
 * embedded data folder). A signal during start-up takes effect after the current step (a
 * migration or the seed is not cut in half). A second signal, or a shutdown that outlasts
 * SHUTDOWN_GRACE_MS, exits 1 at once.
 */
async function main(): Promise<number> {
  const config = loadConfig();
  const logFormat = config.logFormat ?? (config.env === 'development' && process.stdout.isTTY ? 'pretty' : 'json');
  const log = createLogger({ level: config.logLevel, format: logFormat });
  const metrics = createMetrics();
  configureLoaders({ onBatch: (size) => metrics.observeLoaderBatch(size) });
  if (config.benchNaiveLoaders) {
    configureLoaders({ batch: false });
    log.warn('BENCH_NAIVE_LOADERS: loaders do not batch (benchmark mode; never in production)');
  }
  const resources = new Resources(log);

  let started = false;
  let signalled = false;
  let finish!: (exitCode: number) => void;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  const shutdown = () => {
    // Not unref'd: if a close step hangs, this ends the process with a message, not silently.
    setTimeout(() => {
      log.error('shutdown grace period elapsed; exiting');
      process.exit(1);
    }, config.shutdownGraceMs);
    void resources.closeAll().then((ok) => {
      log.info(ok ? 'shutdown complete' : 'shutdown finished with errors');
      finish(ok ? 0 : 1);
    });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      log.error({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    signalled = true;
    log.info({ signal }, started ? 'shutting down: draining in-flight requests' : 'shutting down after the current start-up step');
    // Synchronously: unless server.ts passes `stopOnTerminationSignals: false`, Apollo has its own
    // SIGTERM/SIGINT handler (registered after this one), and a second apolloServer.stop() call
    // never resolves, so ours must be the first.
    if (started) shutdown();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  let db: Database;
  let url = '';
  let developmentKey: string | undefined;
  try {
    db = await withNamedDatabaseFailure(config, () => openDatabase({
      url: config.databaseUrl,
      poolMax: config.databasePoolMax,
      statementTimeoutMs: config.databaseStatementTimeoutMs,
      connectTimeoutMs: config.databaseConnectTimeoutMs,
      preparedStatements: config.databasePreparedStatements,
      dataDir: config.dataDir,
      log: (message) => log.info(message),
    }));
    resources.add('database', () => db.close());
    if (!signalled) {
      const applied = await withNamedDatabaseFailure(config, () => db.migrate());
      if (applied.length) log.info({ applied }, 'applied migrations');
    }
    if (!signalled && db.kind === 'pglite' && config.seedDemoData) {
      const summary = await seedDemoData(db.prisma, { log: (message) => log.info(message) });
      if (!summary.skipped) log.info({ summary }, 'seeded demo data');
    }
    // Development on the embedded database: a key for the demo user, printed below and filled in
    // GraphiQL, so the first query needs no second terminal and no restart. Never in production.
    developmentKey =
      !signalled && config.env === 'development' && db.kind === 'pglite' && config.seedDemoData ? await issueDevelopmentKey(db.prisma) : undefined;
    if (!signalled) {
      const gateway = await buildGateway(config, db, log, { metrics, developmentKey });
      resources.add('gateway', () => gateway.close());
      const { cacheStore, server } = gateway;
      // The cache is optional (balances come from the database without it), but a configured
      // Redis that does not answer is worth saying at once, not at the first request.
      if (cacheStore.kind === 'redis' && !(await storeAnswers(cacheStore))) {
        const redis = addressOf(config.redisUrl!);
        const warning = `REDIS_URL: Redis at ${redis} is not answering; the gateway starts without the shared cache (balances come from the database, and it retries Redis every second). Start Redis there or fix REDIS_URL.`;
        log.warn({ redis }, 'Redis unreachable at start-up');
        process.stderr.write(`Warning: ${warning}\n`);
      }
      url = await listen(server.httpServer, config);
      log.info({ url: `${url}/graphql`, database: db.kind, cache: cacheStore.kind }, 'gateway ready');
    }
  } catch (error) {
    await resources.closeAll();
    throw error;
  }

  started = true;
  if (signalled) shutdown();
  else if (config.env !== 'production') {
    process.stdout.write(
      `\n  GraphQL gateway ready at ${url}/graphql (Apollo Sandbox: ${url}/)\n` +
        (config.graphiqlEnabled === false ? '' : `  GraphiQL, served offline by the gateway: ${url}/graphiql\n`) +
        `  Database: ${db.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL'}\n` +
        (developmentKey
          ? `  API key of the demo user (issued for this run; GraphiQL has it filled in): ${developmentKey}\n` +
            `  Try: curl -s ${url}/graphql -H 'authorization: Bearer ${developmentKey}' -H 'content-type: application/json' -d '{"query":"{ viewer { username } }"}'\n\n`
          : `  Get an API key: npm run apikey -- demo   (then send Authorization: Bearer <key>)\n\n`),
    );
  }
  return finished;
}

/** host:port/path of a URL, never its user or password. */
function addressOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || (parsed.protocol.startsWith('redis') ? '6379' : '5432')}${parsed.pathname.length > 1 ? parsed.pathname : ''}`;
  } catch {
    return '(unparseable URL)';
  }
}

/** Runs a start-up step against the database; a database that cannot be reached is named, without a stack. */
async function withNamedDatabaseFailure<T>(config: Config, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (!config.databaseUrl || !classifyDatabaseError(error)) throw error;
    const reason = firstCode(error);
    throw new StartupError(
      `DATABASE_URL: cannot reach PostgreSQL at ${addressOf(config.databaseUrl)}${reason ? ` (${reason})` : ''}. Start PostgreSQL there or fix DATABASE_URL; unset it to run on the embedded database.`,
    );
  }
}

/** The first error code along an error's causes (ECONNREFUSED, 3D000…), for a one-line message. */
function firstCode(error: unknown): string | undefined {
  for (let current = error as { code?: unknown; cause?: unknown; errors?: unknown[] } | undefined, depth = 0; current && depth < 6; depth++) {
    if (typeof current.code === 'string') return current.code;
    current = (current.cause ?? current.errors?.[0]) as typeof current;
  }
  return undefined;
}

/** Listens on the configured port and host; resolves with the base URL, rejects readably when it cannot. */
function listen(server: http.Server, config: Pick<Config, 'port' | 'host'>): Promise<string> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const where = `port ${config.port} on ${config.host}`;
      if (error.code === 'EADDRINUSE') reject(new StartupError(`Cannot listen: ${where} is already in use. Stop the other process or set PORT.`));
      else if (error.code === 'EACCES') reject(new StartupError(`Cannot listen: no permission to use ${where}. Set PORT above 1023.`));
      else if (error.code === 'EADDRNOTAVAIL') reject(new StartupError(`Cannot listen: ${config.host} is not an address of this machine. Check HOST.`));
      else reject(error);
    };
    server.once('error', onError);
    server.listen(config.port, config.host, () => {
      server.off('error', onError);
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const host = ['0.0.0.0', '::', ''].includes(config.host) ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
      resolve(`http://${host}:${port}`);
    });
  });
}

// Explicit exit codes: embedded PGlite leaves process.exitCode set to 99 while it is open.
main().then(
  (exitCode) => process.exit(exitCode),
  (error: unknown) => {
    const operatorError =
      error instanceof ConfigError ||
      error instanceof StartupError ||
      (error instanceof Error && /in use by a running server/.test(error.message));
    if (operatorError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
