import type { AddressInfo } from 'node:net';
import type { Database } from '../../src/db/database';
import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/log';
import type { GatewayServer } from '../../src/server';
import { buildGateway } from '../../src/gateway';
import type { TestGateway } from './test-gateway';

/** A gateway served on a database the test opened itself. */
export interface GatewayOnDatabase {
  readonly url: string;
  readonly server: GatewayServer;
  /** What it logged, when `logLines` was given. */
  readonly logLines: string[];
  /** Stops the server, closes the cache store it made (not a shared one), then `db`. */
  close(): Promise<void>;
}

export interface GatewayOnDatabaseOptions {
  /** Default: the configuration of an empty environment. */
  config?: Config;
  /** Share this gateway's balance cache and store; otherwise it makes its own from `config`. */
  cacheOf?: TestGateway;
  /** Receives its log lines from `logLevel` up (silent otherwise). */
  logLines?: string[];
  logLevel?: string;
}

/**
 * A second gateway, configured otherwise than startTestGateway's: on another database (a
 * private copy, a URL through a proxy, the same database under another host name…), listening
 * on a free port. It owns `db` from now on.
 */
export async function startGatewayOn(db: Database, options: GatewayOnDatabaseOptions = {}): Promise<GatewayOnDatabase> {
  const config = options.config ?? loadConfig({});
  const logLines = options.logLines ?? [];
  const log = options.logLines
    ? createLogger({ level: options.logLevel ?? 'debug', destination: { write: (line: string) => void logLines.push(line) } })
    : createLogger({ enabled: false });
  const gateway = await buildGateway(config, db, log, { shareCacheOf: options.cacheOf });
  const { server } = gateway;
  await new Promise<void>((resolve) => server.httpServer.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}`,
    server,
    logLines,
    async close() {
      await gateway.close();
      await db.close();
    },
  };
}
