import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogFormat } from './config';

export type { Logger };

/** Where a secret could sit in a logged object; pino removes these paths before writing. */
const SECRET_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'request.headers.authorization',
  '*.password',
  'key',
  '*.key',
  'token',
  '*.token',
  'databaseUrl',
  'redisUrl',
];

/**
 * One logger per process; values that carry secrets never reach the output. `json` is one object
 * per line (production, log shippers); `pretty` is for a person at a terminal (pino-pretty, run
 * in-process and synchronously so a crash's last lines are not lost in a worker's buffer).
 */
export function createLogger(
  options: { level?: string; enabled?: boolean; destination?: DestinationStream; format?: LogFormat } = {},
): Logger {
  const destination = options.format === 'pretty' ? prettyStream() : options.destination;
  return pino(
    {
      level: options.level ?? 'info',
      enabled: options.enabled ?? true,
      redact: { paths: SECRET_PATHS, remove: true },
    },
    destination,
  );
}

function prettyStream(): DestinationStream {
  // Loaded only when asked for, so production (JSON) never loads it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy, synchronous load
  const pinoPretty = require('pino-pretty') as typeof import('pino-pretty');
  return pinoPretty({ sync: true, colorize: process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
}
