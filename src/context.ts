import { GraphQLError } from 'graphql';
import type { PrismaClient } from './generated/prisma/client';
import { bearerToken, viewerForApiKey, type Viewer } from './auth/api-keys';
import type { Authentication } from './auth/authenticate';
import { ErrorCode, unauthenticated } from './errors';
import { classifyDatabaseError, databaseFailureError } from './db/availability';
import { createCircuitLoaders } from './modules/circuits/circuits.loaders';
import { createItemLoaders } from './modules/items/items.loaders';
import { createUserLoaders } from './modules/users/users.loaders';
import { createTradingLoaders } from './modules/trading/trading.loaders';
import { createExchangeLoaders } from './modules/exchange/exchange.loaders';
import type { BalanceSummaryCache } from './cache/balance-cache';
import type { BalanceSummaryData } from './modules/balances/balance-summary';
import type { RequestInfo } from './observability/request-observer';

/** What every resolver receives: who is asking, and loaders that live for this request only. */
export interface Context {
  /** The authenticated viewer; reading it without credentials throws UNAUTHENTICATED. */
  readonly viewer: Viewer;
  readonly viewerOrNull: Viewer | null;
  readonly prisma: PrismaClient;
  readonly loaders: Loaders;
  readonly balanceCache: BalanceSummaryCache<BalanceSummaryData>;
  readonly settings: TradingSettings;
  /** The HTTP request's id and statement tally (absent for in-process executeOperation). */
  readonly requestInfo?: RequestInfo;
}

/** Product rules that come from configuration. */
export interface TradingSettings {
  readonly sessionStaleAfterMs: number;
  readonly exchangeFeeRate: string;
  /** Live API keys one user may hold (createApiKey refuses more). */
  readonly maxApiKeysPerUser: number;
}

export type Loaders = ReturnType<typeof createLoaders>;

/** The long-lived parts a context is built from (made once in main.ts). */
export interface ContextDeps {
  readonly prisma: PrismaClient;
  readonly balanceCache: BalanceSummaryCache<BalanceSummaryData>;
  readonly settings: TradingSettings;
}

/**
 * Fresh loaders for every request: a loader that outlived its request would serve one
 * viewer's rows to another.
 */
function createLoaders(prisma: PrismaClient, viewerId: () => number) {
  return {
    ...createUserLoaders(prisma, viewerId),
    ...createItemLoaders(prisma, viewerId),
    ...createCircuitLoaders(prisma, viewerId),
    ...createTradingLoaders(prisma, viewerId),
    ...createExchangeLoaders(prisma, viewerId),
  };
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
    readonly balanceCache: BalanceSummaryCache<BalanceSummaryData>,
    readonly settings: TradingSettings,
    readonly requestInfo?: RequestInfo,
  ) {
    this.loaders = createLoaders(prisma, () => this.viewer.id);
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
  return new RequestContext(viewer, deps.prisma, deps.balanceCache, deps.settings, requestInfo);
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
