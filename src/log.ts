import pino, { type Logger } from 'pino';

export type { Logger };

/** One JSON logger per process; headers that carry secrets never reach the output. */
export function createLogger(options: { level?: string; enabled?: boolean } = {}): Logger {
  return pino({
    level: options.level ?? 'info',
    enabled: options.enabled ?? true,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', 'authorization', '*.password'], remove: true },
  });
}
