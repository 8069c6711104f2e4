import { loadConfig, ConfigError } from './config';
import { openDatabase } from './db/database';
import { seedDemoData } from './db/seed';
import { createServer } from './server';
import { createLogger } from './log';
import { createBalanceCache } from './cache/create-balance-cache';

/** Starts the gateway: the only place that reads configuration, listens and handles signals. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger({ level: process.env.LOG_LEVEL });
  const db = await openDatabase({
    url: config.databaseUrl,
    poolMax: config.databasePoolMax,
    dataDir: config.dataDir,
    log: (message) => log.info(message),
  });
  const applied = await db.migrate();
  if (applied.length) log.info({ applied }, 'applied migrations');
  if (db.kind === 'pglite' && config.seedDemoData) {
    const summary = await seedDemoData(db.prisma, { log: (message) => log.info(message) });
    if (!summary.skipped) log.info({ summary }, 'seeded demo data');
  }

  const { cache: balanceCache, store: cacheStore } = createBalanceCache(config, log);
  const server = createServer({ config, db, balanceCache, log });
  await server.start();
  await new Promise<void>((resolve) => server.httpServer.listen(config.port, config.host, resolve));
  const address = server.httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://localhost:${port}`;
  log.info({ url: `${url}/graphql`, database: db.kind, cache: cacheStore.kind }, 'gateway ready');
  if (config.env !== 'production') {
    process.stdout.write(
      `\n  GraphQL gateway ready at ${url}/graphql (Apollo Sandbox: ${url}/)\n` +
        `  Database: ${db.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL'}\n` +
        `  Get an API key: npm run apikey -- demo   (then send Authorization: Bearer <key>)\n\n`,
    );
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: draining in-flight requests');
    const timer = setTimeout(() => {
      log.error('shutdown grace period elapsed; exiting');
      process.exit(1);
    }, config.shutdownGraceMs);
    timer.unref();
    try {
      await server.stop();
      await db.close();
      await cacheStore.close();
      log.info('shutdown complete');
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || (error instanceof Error && /in use by a running server/.test(error.message))) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
