import pino, { type DestinationStream, type Logger } from 'pino';

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

/** One JSON logger per process; values that carry secrets never reach the output. */
export function createLogger(options: { level?: string; enabled?: boolean; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      enabled: options.enabled ?? true,
      redact: { paths: SECRET_PATHS, remove: true },
    },
    options.destination,
  );
}
