import type { RequestHandler } from 'express';
import type { PrismaClient } from '../generated/prisma/client';
import { bearerToken, hashApiKey, isKeyShaped, viewerForKeyHash, type Viewer } from './api-keys';
import { RecentSet } from './recent-set';
import { TrustedKeys } from './trusted-keys';
import type { EventBus } from '../events/event-bus';
import { sendHttpError } from '../http/http-error-body';
import { ErrorCode } from '../errors';
import { clientAddress, setClient } from '../http/client-identity';
import { runCounting } from '../db/statement-counter';
import type { RequestInfo } from '../observability/request-observer';

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
  /** How long a key found valid is trusted without a lookup (a revocation ends it at once). */
  trustedKeyTtlMs?: number;
}

/**
 * A key that was not looked up: its address sent too many unknown keys, or too many lookups
 * wait. A plain value, not an Error: refusing a flood must not pay for a stack trace each time.
 */
export interface Throttled {
  readonly kind: 'throttled';
  readonly retryAfterSeconds: number;
}
const throttled = (retryAfterSeconds: number): Throttled => ({ kind: 'throttled', retryAfterSeconds });

const MINUTE = 60_000;
const TRUSTED_KEY_TTL_MS = 5_000;
/** One turn of the event loop: what is already readable (a revocation from Redis) is read first. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const THROTTLED_ANSWER_DELAY_MS = 250;
const MAX_HELD = 2_000;

/**
 * Authentication with a guard in front of the database: unknown keys must be cheap to refuse.
 * A key found unknown is remembered for a while (refused with no statement); keys not seen
 * valid recently are looked up at most a few at a time, and an address whose keys keep turning
 * out unknown is refused before any lookup once it has used its budget. A key found valid is
 * trusted for a few seconds without a statement (TrustedKeys): revokeApiKey publishes the
 * revocation on `events`, which every instance hears before its next request with that key (Redis
 * hands the message to every subscription before the revoking request is answered, and a trusted
 * key is only used after one turn of the event loop, once what has arrived is read). Several
 * instances therefore need Redis, as the balance cache does. Otherwise a seen key is looked up
 * again, without the guard.
 */
export function createAuthenticator(prisma: PrismaClient, events: EventBus, options: KeyGuardOptions) {
  const trusted = new TrustedKeys(options.trustedKeyTtlMs ?? TRUSTED_KEY_TTL_MS, 100_000);
  events.listenToAll(({ event }) => {
    if (event.kind === 'apiKeyRevoked') trusted.forgetUser(event.userId);
  });
  const unknownKeys = new RecentSet(options.unknownKeyMemoryMs ?? MINUTE, 10_000);
  const validKeys = new RecentSet(10 * MINUTE, 100_000);
  const failures = new Map<string, { count: number; windowEnds: number }>();
  const maxUnverified = options.maxConcurrentUnverifiedLookups ?? 2;
  let unverifiedRunning = 0;
  const unverifiedWaiting: Array<() => void> = [];

  /** The address's spent budget this minute: lookups of keys that were not known valid, less those that were. */
  const spentBy = (address: string, now: number) => {
    const entry = failures.get(address);
    if (!entry || entry.windowEnds <= now) return undefined;
    return entry;
  };
  /** Charges one unverified lookup to the address before it runs, so lookups in flight count too. */
  const charge = (address: string) => {
    const now = Date.now();
    const entry = spentBy(address, now) ?? { count: 0, windowEnds: now + MINUTE };
    entry.count += 1;
    failures.delete(address);
    failures.set(address, entry);
    // Bounded: the oldest addresses go first.
    if (failures.size > 10_000) failures.delete(failures.keys().next().value!);
  };
  const refund = (address: string) => {
    const entry = spentBy(address, Date.now());
    if (entry) entry.count = Math.max(0, entry.count - 1);
  };

  /** Runs `lookup` when one of the few unverified-lookup slots is free (waits at most a second). */
  const inUnverifiedSlot = async <T>(lookup: () => Promise<T>): Promise<T | Throttled> => {
    if (unverifiedRunning >= maxUnverified) {
      if (unverifiedWaiting.length >= 32) return throttled(1);
      const woken = await new Promise<boolean>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(() => {
          unverifiedWaiting.splice(unverifiedWaiting.indexOf(wake), 1);
          resolve(false);
        }, 1_000);
        unverifiedWaiting.push(wake);
      });
      if (!woken) return throttled(1);
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
   * `throttled` when the key was not looked up; database errors propagate.
   */
  async function authenticate(authorization: string | undefined, address: string): Promise<Authentication | Throttled> {
    const token = bearerToken(authorization);
    if (token === undefined) return { kind: 'anonymous' };
    // A token that cannot be a key costs no statement: junk in the header is no load on the database.
    if (token === null || !isKeyShaped(token)) return { kind: 'rejected' };
    const hash = hashApiKey(token);
    if (unknownKeys.has(hash)) return { kind: 'rejected' };
    let stretch = events.receivingSince();
    if (stretch !== null && trusted.get(hash, stretch) !== undefined) {
      // A revocation published on another instance may be waiting in the Redis socket.
      if (events.kind === 'redis') {
        await nextTurn();
        stretch = events.receivingSince();
      }
      const viewer = stretch === null ? undefined : trusted.get(hash, stretch);
      if (viewer) return { kind: 'viewer', viewer };
    }
    const startedAt = trusted.lookupStarts();
    const remember = (authentication: Authentication): Authentication => {
      if (authentication.kind === 'viewer' && stretch !== null) trusted.remember(hash, authentication.viewer, stretch, startedAt);
      return authentication;
    };
    if (validKeys.has(hash)) return remember(found(hash, await viewerForKeyHash(prisma, hash)));
    const spent = spentBy(address, Date.now());
    if (spent && spent.count >= options.unknownKeyLookupsPerMinute) {
      return throttled(Math.max(1, Math.ceil((spent.windowEnds - Date.now()) / 1000)));
    }
    charge(address);
    let viewer: Viewer | null | Throttled;
    try {
      viewer = await inUnverifiedSlot(() => viewerForKeyHash(prisma, hash));
    } catch (error) {
      refund(address); // the database failed, not the key
      throw error;
    }
    if (viewer && 'kind' in viewer) {
      refund(address); // not looked up
      return viewer;
    }
    if (viewer) refund(address);
    return remember(found(hash, viewer));
  }

  const found = (hash: string, viewer: Viewer | null): Authentication => {
    if (viewer) {
      validKeys.add(hash);
      return { kind: 'viewer', viewer };
    }
    validKeys.delete(hash);
    unknownKeys.add(hash);
    return { kind: 'rejected' };
  };

  /**
   * A throttled refusal is answered after a short wait (a timer, no work), so a client guessing
   * keys gets at most one answer per connection every THROTTLED_ANSWER_DELAY_MS: its rate, and the
   * CPU its refusals cost, are bounded by its connections. At most MAX_HELD answers wait.
   */
  let held = 0;
  const refuseSlowly = (answer: () => void) => {
    if (held >= MAX_HELD) return answer();
    held += 1;
    setTimeout(() => {
      held -= 1;
      answer();
    }, THROTTLED_ANSWER_DELAY_MS).unref();
  };

  /**
   * Express middleware: sets `res.locals.authentication` and `res.locals.client` (the identity
   * that limits and queues count against: the user, or the address without a key).
   */
  const middleware: RequestHandler = (req, res, next) => {
    const address = clientAddress(req);
    // Runs before the body is parsed (a refused flood costs no parsing), so the request's
    // statement tally is entered here explicitly: the key lookup counts as the request's.
    const stats = (res.locals.requestInfo as RequestInfo | undefined)?.stats;
    const run = () => authenticate(req.headers.authorization, address);
    (stats ? runCounting(stats, run) : run()).then(
      (authentication) => {
        if (authentication.kind === 'throttled') {
          refuseSlowly(() => sendHttpError(res, 429, ErrorCode.RATE_LIMITED, 'Too many unknown API keys from this address; retry later', { retryAfterSeconds: authentication.retryAfterSeconds }));
          return;
        }
        res.locals.authentication = authentication;
        setClient(res, authentication.kind === 'viewer' ? authentication.viewer.id : null, address);
        next();
      },
      (error: unknown) => {
        // The context turns a database failure into SERVICE_UNAVAILABLE (503) as for any request.
        res.locals.authentication = { kind: 'failed', error } satisfies Authentication;
        setClient(res, null, address);
        next();
      },
    );
  };

  return { authenticate, middleware };
}
