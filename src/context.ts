import { GraphQLError } from 'graphql';
import type { PrismaClient } from './generated/prisma/client';
import { bearerToken, viewerForApiKey, type Viewer } from './auth/api-keys';
import type { Authentication } from './auth/authenticate';
import { ErrorCode, unauthenticated } from './errors';
import { classifyDatabaseError, databaseFailureError } from './db/availability';
import { createLoaders, type Loaders } from './modules';
import type { BalanceCache } from './modules/balances/balance-cache';
import type { RequestInfo } from './observability/request-observer';
import type { EventBus } from './events/event-bus';

/**
 * What every service receives: who is asking and the long-lived parts. Services take it
 * whole, with ids already decoded from their global form by the resolver.
 */
export interface ServiceDeps {
  /** The authenticated viewer; reading it without credentials throws UNAUTHENTICATED. */
  readonly viewer: Viewer;
  readonly prisma: PrismaClient;
  readonly balanceCache: BalanceCache;
  readonly settings: TradingSettings;
}

/** What every resolver receives: the service deps, and loaders that live for this request only. */
export interface Context extends ServiceDeps {
  readonly viewerOrNull: Viewer | null;
  readonly loaders: Loaders;
  /** The HTTP request's id and statement tally (absent for in-process executeOperation). */
  readonly requestInfo?: RequestInfo;
  /** Where mutations publish what they changed (after commit) and subscriptions listen. */
  readonly events: EventBus;
  /** A WebSocket subscription's bounds (absent over HTTP and in-process: the defaults apply). */
  readonly subscriber?: SubscriberBounds;
}

/** How far a subscription may fall behind, and what happens when it does (the socket layer sets it). */
export interface SubscriberBounds {
  readonly maxQueuedEvents: number;
  /** Called once when a subscription falls more than `maxQueuedEvents` behind. */
  onOverflow(): void;
}

/** Product rules that come from configuration. */
export interface TradingSettings {
  readonly sessionStaleAfterMs: number;
  readonly exchangeFeeRate: string;
  /** Live API keys one user may hold (createApiKey refuses more). */
  readonly maxApiKeysPerUser: number;
}

export type { Loaders };

/** The long-lived parts a context is built from (made once in main.ts). */
export interface ContextDeps {
  readonly prisma: PrismaClient;
  readonly balanceCache: BalanceCache;
  readonly settings: TradingSettings;
  readonly events: EventBus;
}

/**
 * A request's context. `viewer` is a getter on the prototype: Apollo copies the context object
 * (own properties) onto an object with the same prototype, so it survives the copy and is only
 * evaluated when a resolver asks for it.
 */
class RequestContext implements Context {
  readonly loaders: Loaders;

  constructor(
    readonly viewerOrNull: Viewer | null,
    readonly prisma: PrismaClient,
    readonly balanceCache: BalanceCache,
    readonly settings: TradingSettings,
    readonly events: EventBus,
    readonly requestInfo?: RequestInfo,
    readonly subscriber?: SubscriberBounds,
  ) {
    // Fresh for every request: a loader that outlived its request would serve one viewer's rows to another.
    this.loaders = createLoaders({ prisma, viewerId: () => this.viewer.id });
  }

  get viewer(): Viewer {
    if (!this.viewerOrNull) throw unauthenticated();
    return this.viewerOrNull;
  }
}

/**
 * Builds a request's context from its Authorization header. No header: anonymous (only
 * introspection and `__typename` work). A header with an unknown or revoked key: rejected.
 * Over HTTP the header was already checked (see auth/authenticate.ts): pass what it found.
 */
export async function createContext(
  deps: ContextDeps,
  authorization: string | undefined | Authentication,
  requestInfo?: RequestInfo,
  subscriber?: SubscriberBounds,
): Promise<Context> {
  const authentication = typeof authorization === 'object' ? authorization : await lookUp(deps.prisma, authorization);
  if (authentication.kind === 'failed') {
    // Without the database no key can be checked: say so (503), not "internal error".
    const failure = classifyDatabaseError(authentication.error);
    throw failure ? databaseFailureError(failure) : authentication.error;
  }
  if (authentication.kind === 'rejected') {
    throw new GraphQLError('Invalid or revoked API key', {
      extensions: {
        code: ErrorCode.UNAUTHENTICATED,
        http: { status: 401, headers: new Map([['www-authenticate', 'Bearer error="invalid_token"']]) },
      },
    });
  }
  const viewer = authentication.kind === 'viewer' ? authentication.viewer : null;
  return new RequestContext(viewer, deps.prisma, deps.balanceCache, deps.settings, deps.events, requestInfo, subscriber);
}

/** The unguarded lookup for in-process callers (executeOperation in tests and scripts). */
async function lookUp(prisma: PrismaClient, authorization: string | undefined): Promise<Authentication> {
  const token = bearerToken(authorization);
  if (token === undefined) return { kind: 'anonymous' };
  try {
    const viewer = token === null ? null : await viewerForApiKey(prisma, token);
    return viewer ? { kind: 'viewer', viewer } : { kind: 'rejected' };
  } catch (error) {
    return { kind: 'failed', error };
  }
}
