import type { RequestHandler } from 'express';
import type { PrismaClient } from '../generated/prisma/client';
import { bearerToken, hashApiKey, isKeyShaped, viewerForKeyHash, type Viewer } from './api-keys';
import { RecentSet } from './recent-set';
import { sendHttpError } from '../http/http-error-body';

/** Who a request is, as far as its credentials tell. */
export type Authentication =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'viewer'; readonly viewer: Viewer }
  /** An unknown, revoked or malformed key: the context answers 401 UNAUTHENTICATED. */
  | { readonly kind: 'rejected' }
  /** The database could not be asked (the context answers SERVICE_UNAVAILABLE or TIMEOUT). */
  | { readonly kind: 'failed'; readonly error: unknown };

export interface KeyGuardOptions {
  /** Lookups of keys that turned out unknown, per address and minute, before further unverified keys are refused. */
  unknownKeyLookupsPerMinute: number;
  /** Lookups of keys not seen valid recently that may run at once (the rest wait briefly, then are refused). */
  maxConcurrentUnverifiedLookups?: number;
  /** How long a key found unknown is refused without a lookup. */
  unknownKeyMemoryMs?: number;
}

/** Why a key was not looked up: its address sent too many unknown keys, or too many wait. */
export class KeyLookupThrottled extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('Too many unknown API keys from this address; retry later');
  }
}

const MINUTE = 60_000;

/**
 * Authentication with a guard in front of the database: unknown keys must be cheap to refuse.
 * A key found unknown is remembered for a while (refused with no statement); keys not seen
 * valid recently are looked up at most a few at a time, and an address whose keys keep turning
 * out unknown is refused before any lookup once it has used its budget. A key seen valid is
 * always looked up again (revocation takes effect on the next request), without the guard.
 */
export function createAuthenticator(prisma: PrismaClient, options: KeyGuardOptions) {
  const unknownKeys = new RecentSet(options.unknownKeyMemoryMs ?? MINUTE, 10_000);
  const validKeys = new RecentSet(10 * MINUTE, 100_000);
  const failures = new Map<string, { count: number; windowEnds: number }>();
  const maxUnverified = options.maxConcurrentUnverifiedLookups ?? 2;
  let unverifiedRunning = 0;
  const unverifiedWaiting: Array<() => void> = [];

  const failuresOf = (address: string, now: number) => {
    const entry = failures.get(address);
    if (!entry || entry.windowEnds <= now) return undefined;
    return entry;
  };
  const noteFailure = (address: string) => {
    const now = Date.now();
    const entry = failuresOf(address, now) ?? { count: 0, windowEnds: now + MINUTE };
    entry.count += 1;
    failures.delete(address);
    failures.set(address, entry);
    // Bounded: the oldest addresses go first.
    if (failures.size > 10_000) failures.delete(failures.keys().next().value!);
  };

  /** Runs `lookup` when one of the few unverified-lookup slots is free (waits at most a second). */
  const inUnverifiedSlot = async <T>(lookup: () => Promise<T>): Promise<T> => {
    if (unverifiedRunning >= maxUnverified) {
      if (unverifiedWaiting.length >= 32) throw new KeyLookupThrottled(1);
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          unverifiedWaiting.splice(unverifiedWaiting.indexOf(wake), 1);
          reject(new KeyLookupThrottled(1));
        }, 1_000);
        unverifiedWaiting.push(wake);
      });
    }
    unverifiedRunning += 1;
    try {
      return await lookup();
    } finally {
      unverifiedRunning -= 1;
      unverifiedWaiting.shift()?.();
    }
  };

  /**
   * Who `authorization` belongs to. `address` is the client's address, for the guard.
   * Throws KeyLookupThrottled when the key was not looked up; database errors propagate.
   */
  async function authenticate(authorization: string | undefined, address: string): Promise<Authentication> {
    const token = bearerToken(authorization);
    if (token === undefined) return { kind: 'anonymous' };
    // A token that cannot be a key costs no statement: junk in the header is no load on the database.
    if (token === null || !isKeyShaped(token)) return { kind: 'rejected' };
    const hash = hashApiKey(token);
    if (unknownKeys.has(hash)) return { kind: 'rejected' };
    if (validKeys.has(hash)) return found(hash, await viewerForKeyHash(prisma, hash), address);
    const spent = failuresOf(address, Date.now());
    if (spent && spent.count >= options.unknownKeyLookupsPerMinute) {
      throw new KeyLookupThrottled(Math.max(1, Math.ceil((spent.windowEnds - Date.now()) / 1000)));
    }
    return found(hash, await inUnverifiedSlot(() => viewerForKeyHash(prisma, hash)), address);
  }

  const found = (hash: string, viewer: Viewer | null, address: string): Authentication => {
    if (viewer) {
      validKeys.add(hash);
      return { kind: 'viewer', viewer };
    }
    validKeys.delete(hash);
    unknownKeys.add(hash);
    noteFailure(address);
    return { kind: 'rejected' };
  };

  /**
   * Express middleware: sets `res.locals.authentication` and `res.locals.client` (the identity
   * that limits and queues count against: the user, or the address without a key).
   */
  const middleware: RequestHandler = (req, res, next) => {
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    authenticate(req.headers.authorization, address).then(
      (authentication) => {
        res.locals.authentication = authentication;
        res.locals.client = authentication.kind === 'viewer' ? `user:${authentication.viewer.id}` : `ip:${address}`;
        next();
      },
      (error: unknown) => {
        if (error instanceof KeyLookupThrottled) {
          sendHttpError(res, 429, 'RATE_LIMITED', error.message, { retryAfterSeconds: error.retryAfterSeconds });
          return;
        }
        // The context turns a database failure into SERVICE_UNAVAILABLE (503) as for any request.
        res.locals.authentication = { kind: 'failed', error } satisfies Authentication;
        res.locals.client = `ip:${address}`;
        next();
      },
    );
  };

  return { authenticate, middleware };
}
