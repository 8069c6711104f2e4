import type { RequestHandler } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { sendHttpError } from './http-error-body';
import { ErrorCode } from '../errors';
import type { Authentication } from '../auth/authenticate';

/** True when an operation of the request sends a query text with a persisted-query hash (a registration). */
function registers(body: unknown): number {
  const operations = Array.isArray(body) ? body : [body];
  return operations.filter((operation) => {
    const { query, extensions } = (operation ?? {}) as { query?: unknown; extensions?: { persistedQuery?: unknown } };
    return typeof query === 'string' && extensions?.persistedQuery !== undefined && extensions.persistedQuery !== null;
  }).length;
}

/**
 * Registering automatic persisted queries fills the shared store, so it needs an API key, and
 * each user registers at most `perHour` queries an hour on each instance (with a store TTL of a
 * day, what one user can keep there is bounded). Looking a hash up stays open to everyone.
 */
export function persistedQueryGuard(options: { perHour: number }): RequestHandler {
  const budget = new RateLimiterMemory({ points: Math.max(1, options.perHour), duration: 3600, keyPrefix: 'apq' });
  return async (req, res, next) => {
    const count = registers(req.body);
    if (count === 0) return next();
    const authentication = res.locals.authentication as Authentication | undefined;
    if (authentication?.kind !== 'viewer') {
      sendHttpError(res, 401, ErrorCode.UNAUTHENTICATED, 'Registering a persisted query needs an API key: send Authorization: Bearer <api key>');
      return;
    }
    if (options.perHour === 0) {
      sendHttpError(res, 400, ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED, 'Registering persisted queries is turned off; send the query text without a hash');
      return;
    }
    try {
      await budget.consume(`user:${authentication.viewer.id}`, count);
      next();
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) return next(rejection);
      sendHttpError(res, 429, ErrorCode.RATE_LIMITED, `At most ${options.perHour} persisted queries may be registered per hour`, {
        retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
      });
    }
  };
}
