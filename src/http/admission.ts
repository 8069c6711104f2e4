import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { bearerToken } from '../auth/api-keys';

/**
 * Admission before a GraphQL request runs: refuses new requests with 503 once the process is
 * draining for shutdown, and caps each client's requests in flight, so one client (a key, or an
 * address without one) cannot hold every connection of the database pool.
 */
export function createAdmission(options: { maxConcurrentPerClient: number }) {
  let draining = false;
  /** Requests in flight per client; a client with none has no entry, so size 0 means idle. */
  const inFlight = new Map<string, number>();
  const idleWaiters = new Set<() => void>();

  const middleware: RequestHandler = (req, res, next) => {
    if (draining) {
      res.setHeader('connection', 'close');
      res.setHeader('retry-after', '1');
      res.status(503).json({ errors: [{ message: 'The server is shutting down; retry on another instance', extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
      return;
    }
    const token = bearerToken(req.headers.authorization);
    const client = token ? `key:${createHash('sha256').update(token).digest('hex').slice(0, 32)}` : `ip:${req.ip ?? 'unknown'}`;
    const running = inFlight.get(client) ?? 0;
    if (running >= options.maxConcurrentPerClient) {
      res.setHeader('retry-after', '1');
      res.status(429).json({
        errors: [
          {
            message: `Too many requests in flight: at most ${options.maxConcurrentPerClient} at once per client`,
            extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 1 },
          },
        ],
      });
      return;
    }
    inFlight.set(client, running + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (inFlight.get(client) ?? 1) - 1;
      if (left <= 0) inFlight.delete(client);
      else inFlight.set(client, left);
      if (inFlight.size === 0) for (const wake of idleWaiters) wake();
    };
    res.on('finish', release);
    res.on('close', release);
    next();
  };

  return {
    middleware,
    /** From now on, new requests get 503; requests already admitted run to the end. */
    startDraining: () => {
      draining = true;
    },
    get draining() {
      return draining;
    },
    /** Resolves once no admitted request is in flight, or after `maxWaitMs`; true if idle. */
    idle(maxWaitMs: number): Promise<boolean> {
      if (inFlight.size === 0) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const done = (idle: boolean) => {
          clearTimeout(timer);
          idleWaiters.delete(wake);
          resolve(idle);
        };
        const wake = () => done(true);
        const timer = setTimeout(() => done(false), maxWaitMs);
        idleWaiters.add(wake);
      });
    },
  };
}
