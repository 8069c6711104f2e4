import type { RequestHandler } from 'express';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { createClient } from '@keyv/redis';
import { sendHttpError } from './http-error-body';
import { ErrorCode } from '../errors';
import { clientOf } from './client-identity';
import type { Logger } from '../log';

export interface RateLimitOptions {
  /** Operations allowed per window, per API key (or per client address without a key). */
  points: number;
  windowMs: number;
  /** Shares the counters between instances; a local limiter stands in while Redis is down. */
  redisUrl?: string | undefined;
  /** Namespaces the counters in Redis (default `gateway-rl`). */
  keyPrefix?: string;
  log: Logger;
}

export interface RateLimiter {
  middleware: RequestHandler;
  /** Spends `points` of `who`'s budget outside HTTP (WebSocket subscriptions); seconds to wait when over it. */
  spend(who: string, points: number): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }>;
  close(): Promise<void>;
}

/**
 * Per-user rate limiting in front of GraphQL (per address without a key): a user's keys share
 * one budget, so minting keys buys no extra requests. Each operation of a batch counts. Over the limit: 429 with Retry-After and code RATE_LIMITED.
 */
export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const duration = Math.max(1, Math.round(options.windowMs / 1000));
  const local = new RateLimiterMemory({ points: options.points, duration, keyPrefix: 'gateway-rl' });
  let limiter: RateLimiterAbstract = local;
  let close = async () => undefined as void;
  if (options.redisUrl) {
    const client = createClient({ url: options.redisUrl, disableOfflineQueue: true, socket: { connectTimeout: 1_000 } });
    client.on('error', () => undefined); // reported through the limiter's insurance path below
    client.connect().catch((error: unknown) => options.log.warn({ err: error }, 'rate limiter: Redis unreachable; limiting per instance'));
    limiter = new RateLimiterRedis({
      storeClient: client,
      useRedisPackage: true,
      rejectIfRedisNotReady: true,
      points: options.points,
      duration,
      keyPrefix: options.keyPrefix ?? 'gateway-rl',
      insuranceLimiter: local,
    });
    close = async () => {
      await client.close().catch(() => undefined);
    };
  }

  // A Redis that accepts connections but never answers must not hold requests: past the
  // timeout this instance counts locally, like the insurance limiter does when Redis is down.
  const consume = (who: string, points: number) =>
    limiter === local
      ? local.consume(who, points)
      : new Promise<Awaited<ReturnType<RateLimiterAbstract['consume']>>>((resolve, reject) => {
          const timer = setTimeout(() => local.consume(who, points).then(resolve, reject), 250);
          limiter.consume(who, points).then(
            (state) => {
              clearTimeout(timer);
              resolve(state);
            },
            (error: unknown) => {
              clearTimeout(timer);
              reject(error);
            },
          );
        });

  const middleware: RequestHandler = async (req, res, next) => {
    const who = clientOf(req, res);
    const operations = Array.isArray(req.body) ? Math.max(1, req.body.length) : 1;
    try {
      const state = await consume(who, operations);
      res.setHeader('RateLimit-Limit', String(options.points));
      res.setHeader('RateLimit-Remaining', String(state.remainingPoints));
      next();
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) {
        next(rejection);
        return;
      }
      const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      sendHttpError(res, 429, ErrorCode.RATE_LIMITED, `Too many requests: at most ${options.points} operations per ${duration} s. Retry after ${retryAfter} s.`, {
        retryAfterSeconds: retryAfter,
      });
    }
  };
  const spend: RateLimiter['spend'] = (who, points) =>
    consume(who, points).then(
      () => ({ ok: true }) as const,
      (rejection: unknown) => {
        // Not a verdict (the limiter itself failed): let it through, as the insurance limiter would.
        if (!(rejection instanceof RateLimiterRes)) return { ok: true } as const;
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) } as const;
      },
    );
  return { middleware, spend, close };
}
