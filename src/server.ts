import http from 'node:http';
import express, { type RequestHandler } from 'express';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Config } from './config';
import type { Database } from './db/database';
import { createContext, type Context } from './context';
import { resolvers } from './modules';
import { executableSchema } from './graphql/executable-schema';
import { requireViewerOnRootFields } from './auth/require-viewer';
import { createErrorFormatter } from './http/error-format';
import { createHttpErrorHandler } from './http/http-errors';
import helmet from 'helmet';
import cors from 'cors';
import { costLimitPlugin, queryShapeRules } from './http/query-limits';
import { inputSanityPlugin } from './http/input-sanity';
import { requestLimits } from './http/request-limits';
import { graphqlResponseStatusPlugin } from './http/graphql-response-status';
import { countRequestStatements, operationInfoPlugin, requestObserver, type RequestInfo } from './observability/request-observer';
import type { GatewayMetrics } from './observability/metrics';
import { storeAnswers, type CacheStore } from './cache/cache-store';
import { persistedQueryCache } from './cache/persisted-queries';
import { createRateLimiter } from './http/rate-limit';
import { cacheNamespaceFor } from './cache/create-versioned-cache';
import { createAdmission } from './http/admission';
import { createAuthenticator, type Authentication } from './auth/authenticate';
import { bearerToken } from './auth/api-keys';
import { sameSecret } from './auth/same-secret';
import { persistedQueryGuard } from './http/persisted-query-guard';
import { DEMO_QUERY, GRAPHIQL_PATH, graphiqlRouter } from './http/graphiql';
import { landingPagePlugin } from './http/landing-page';
import type { Logger } from './log';
import type { BalanceCache } from './modules/balances/balance-cache';
import type { EventBus } from './events/event-bus';
import { attachSubscriptionServer, type SubscriptionServer } from './http/subscription-server';
import { createSubscriptionSlots } from './http/subscription-slots';
import type { GraphQLSchema } from 'graphql';
import { compiledExecutionGateway } from './graphql/compiled-execution';
import { noStorePlugin } from './http/no-store';
import { apolloHandler, directGraphqlRoute } from './http/graphql-route';

/** How long `/ready` waits for the database's answer before it says 503. */
const READINESS_TIMEOUT_MS = 1_000;

/** The long-lived parts a server is built from (gateway.ts makes them). */
export interface ServerDeps {
  readonly config: Pick<Config, 'env' | 'sessionStaleAfterMs' | 'exchangeFeeRate' | 'limits' | 'corsOrigins' | 'redisUrl' | 'slowOperationMs' | 'shutdownGraceMs' | 'graphiqlEnabled' | 'metricsToken' | 'databaseUrl' | 'dataDir' | 'cacheNamespace' | 'compiledExecution' | 'countStatements'>;
  readonly db: Database;
  readonly balanceCache: BalanceCache;
  /** Where automatic persisted queries are kept (the same store as the balance cache). */
  readonly cacheStore: CacheStore;
  readonly log: Logger;
  /** What mutations publish to and subscriptions listen on (Redis pub/sub with REDIS_URL). */
  readonly events: EventBus;
  /** Served at /metrics when given. */
  readonly metrics?: GatewayMetrics;
  /** The demo user's key npm start issued in development (GraphiQL's Authorization header starts with it). */
  readonly developmentKey?: string;
}

export interface GatewayServer {
  readonly apollo: ApolloServer<Context>;
  readonly app: express.Express;
  readonly httpServer: http.Server;
  /** Builds the context a request with this Authorization header gets (for executeOperation). */
  contextFor(authorization?: string, requestInfo?: RequestInfo): Promise<Context>;
  /** The WebSocket subscriptions' figures (open sockets and subscriptions, slow consumers dropped). */
  subscriptionStats(): ReturnType<SubscriptionServer['stats']>;
  /** Starts Apollo; the caller decides whether and where to listen. */
  start(): Promise<void>;
  /**
   * Refuses new requests with 503 and new sockets, closes open sockets with 1001 (Going away),
   * lets in-flight requests finish, then stops Apollo.
   */
  stop(): Promise<void>;
}

/** Builds the Apollo server and its HTTP app. It reads no environment and does not listen. */
export function createServer(deps: ServerDeps): GatewayServer {
  const production = deps.config.env === 'production';
  const graphiqlEnabled = deps.config.graphiqlEnabled ?? !production;
  const { limits } = deps.config;
  const app = express();
  const admission = createAdmission({
    maxConcurrentPerClient: limits.maxConcurrentPerClient,
    maxQueuedPerClient: limits.maxQueuedPerClient,
    queueTimeoutMs: limits.admissionQueueTimeoutMs,
    maxConcurrent: limits.maxConcurrentRequests,
  });
  const authenticator = createAuthenticator(deps.db.prisma, deps.events, { unknownKeyLookupsPerMinute: limits.unknownKeyLookupsPerMinute });
  const rateLimiter = createRateLimiter({
    points: limits.rateLimitPoints,
    windowMs: limits.rateLimitWindowMs,
    redisUrl: deps.config.redisUrl,
    // Budgets are per user id, meaningful within one database: deployments sharing a Redis keep apart.
    keyPrefix: `${cacheNamespaceFor(deps.config)}:rl`,
    log: deps.log,
  });
  // POST /graphql with JSON goes straight to its handlers once started (http/graphql-route.ts).
  let direct: ReturnType<typeof directGraphqlRoute> | undefined;
  const httpServer = http.createServer((req, res) => (direct?.accepts(req) ? direct.serve(req, res) : app(req, res)));
  // Apollo's executable schema, for the WebSocket server (one schema, one set of resolvers).
  let schema: GraphQLSchema | undefined;
  let subscriptions: SubscriptionServer | undefined;
  const schemaToRun = executableSchema(requireViewerOnRootFields(resolvers));
  const apollo = new ApolloServer<Context>({
    // Operations run compiled (graphql-jit) through Apollo's gateway seam, or on graphql-js.
    ...(deps.config.compiledExecution ? { gateway: compiledExecutionGateway(schemaToRun) } : { schema: schemaToRun }),
    introspection: !production,
    includeStacktraceInErrorResponses: !production,
    // In production, "Did you mean …?" suggestions would reveal the schema that introspection hides.
    hideSchemaDetailsFromClientErrors: production,
    validationRules: queryShapeRules(limits),
    allowBatchedHttpRequests: limits.maxBatchSize > 0,
    // Automatic persisted queries, shared by every instance when the cache store is Redis.
    persistedQueries: { cache: persistedQueryCache(deps.cacheStore) },
    // Credentials travel in the Authorization header, never in cookies, so a cross-site
    // "simple" request carries no authority: CSRF prevention would only block plain GETs.
    csrfPrevention: false,
    // main.ts owns signal handling (drain, close the pool, exit); two handlers would race.
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter({ production, log: deps.log }),
    plugins: [
      { serverWillStart: async (service) => void (schema = service.schema) },
      // Its willResolveField hook ran on every field, for cache hints the schema does not have;
      // the `no-store` it answered with is kept by noStorePlugin.
      ApolloServerPluginCacheControlDisabled(),
      noStorePlugin(),
      costLimitPlugin(limits.maxCost),
      inputSanityPlugin(),
      graphqlResponseStatusPlugin(),
      operationInfoPlugin((context) => (context as Context).requestInfo),
      // Closes the listener once stop() has let admitted requests finish (see stop below); what is
      // still open a second later is cut.
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: Math.min(1_000, Math.max(0, deps.config.shutdownGraceMs - 2_000)) }),
      production ? ApolloServerPluginLandingPageDisabled() : landingPagePlugin({ graphqlPath: '/graphql', graphiqlPath: graphiqlEnabled ? GRAPHIQL_PATH : undefined }),
    ],
  });
  const contextDeps = {
    prisma: deps.db.prisma,
    balanceCache: deps.balanceCache,
    settings: { sessionStaleAfterMs: deps.config.sessionStaleAfterMs, exchangeFeeRate: deps.config.exchangeFeeRate, maxApiKeysPerUser: limits.maxApiKeysPerUser },
    events: deps.events,
  };
  const contextFor = (authorization?: string, requestInfo?: RequestInfo) => createContext(contextDeps, authorization, requestInfo);

  app.disable('x-powered-by');
  // Security headers; the development landing page (Apollo Sandbox) sets its own CSP.
  const securityHeaders = helmet({ contentSecurityPolicy: production, crossOriginEmbedderPolicy: false });
  const corsHeaders = cors({
    origin: deps.config.corsOrigins.includes('*') ? true : [...deps.config.corsOrigins],
    // Apollo Client sends its name and version; x-request-id ties a browser's request to our logs.
    allowedHeaders: ['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name', 'x-request-id', 'apollographql-client-name', 'apollographql-client-version'],
    exposedHeaders: ['retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'x-request-id'],
    maxAge: 600,
  });
  app.use(securityHeaders, corsHeaders);
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // The gateway-wide figures are for operators: behind METRICS_TOKEN, and off in production without one.
  const metricsToken = deps.config.metricsToken;
  if (deps.metrics && (metricsToken || !production)) {
    const { registry } = deps.metrics;
    app.get('/metrics', async (req, res) => {
      if (metricsToken && !sameSecret(bearerToken(req.headers.authorization) ?? '', metricsToken)) {
        res.setHeader('www-authenticate', 'Bearer realm="metrics"');
        res.status(401).type('text/plain').send('/metrics needs Authorization: Bearer <METRICS_TOKEN>\n');
        return;
      }
      res.setHeader('content-type', registry.contentType);
      res.send(await registry.metrics());
    });
  }
  // GraphiQL, bundled from npm and served by the gateway itself (works offline), with its own CSP.
  // Like the Sandbox: not in production unless GRAPHIQL_ENABLED=true (and production has no
  // introspection, so there it runs operations without docs or completion).
  if (graphiqlEnabled) {
    app.use(
      graphiqlRouter({
        graphqlPath: '/graphql',
        demoQuery: DEMO_QUERY,
        // Development on the embedded database: the key npm start issued, ready to run.
        ...(deps.developmentKey ? { defaultHeaders: JSON.stringify({ Authorization: `Bearer ${deps.developmentKey}` }, null, 2) } : {}),
      }),
    );
  }
  // Ready means the database answers; the cache is optional (reported, never a reason for 503).
  const cacheState = async () => ({ store: deps.cacheStore.kind, reachable: await storeAnswers(deps.cacheStore) });
  // One ping at a time, however often the probe comes: under a network partition a ping waits for
  // its answer, and a probe every few hundred milliseconds must not fill the pool with them.
  let ping: Promise<boolean> | undefined;
  const databaseAnswers = (): Promise<boolean> =>
    (ping ??= deps.db.ping().then(
      () => true,
      () => false,
    ).finally(() => (ping = undefined)));
  app.get('/ready', async (_req, res) => {
    if (admission.draining) {
      res.status(503).json({ status: 'draining', database: deps.db.kind });
      return;
    }
    const cache = cacheState();
    // Not ready when the database does not answer within a second: a load balancer should hear
    // "no" then, not wait for a partitioned connection to time out.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), READINESS_TIMEOUT_MS)));
    const answers = await Promise.race([databaseAnswers(), late]);
    clearTimeout(timer);
    if (answers) res.json({ status: 'ready', database: deps.db.kind, cache: await cache });
    else res.status(503).json({ status: 'unavailable', database: deps.db.kind, cache: await cache });
  });

  return {
    apollo,
    app,
    httpServer,
    contextFor,
    subscriptionStats: () => subscriptions?.stats() ?? { sockets: 0, subscriptions: 0, slowConsumersDropped: 0 },
    async start() {
      await apollo.start();
      subscriptions = attachSubscriptionServer({
        httpServer,
        path: '/graphql',
        schema: () => schema!,
        authenticate: authenticator.authenticate,
        spend: rateLimiter.spend,
        slots: createSubscriptionSlots({ max: limits.maxSubscriptionsPerUser, redisUrl: deps.config.redisUrl, namespace: cacheNamespaceFor(deps.config), log: deps.log }),
        contextFor: (viewer, bounds) => createContext(contextDeps, { kind: 'viewer', viewer }, undefined, bounds),
        limits,
        production,
        formatError: createErrorFormatter({ production, log: deps.log }),
        log: deps.log,
      });
      // Authentication ran before admission (auth/authenticate.ts); the context reuses its answer.
      const graphql = apolloHandler(apollo, async (res) => createContext(contextDeps, res.locals.authentication as Authentication, res.locals.requestInfo as RequestInfo | undefined));
      const routes = production ? ['/graphql'] : ['/', '/graphql'];
      const handlers: RequestHandler[] = [
        requestObserver({ log: deps.log, metrics: deps.metrics, slowOperationMs: deps.config.slowOperationMs, countStatements: deps.config.countStatements }),
        admission.drainGate,
        authenticator.middleware,
        express.json({ limit: limits.maxBodyBytes }),
        requestLimits(limits),
        ...(deps.config.countStatements ? [countRequestStatements] : []),
        persistedQueryGuard({ perHour: limits.persistedQueryRegistrationsPerHour }),
        rateLimiter.middleware,
        admission.queue,
        graphql as unknown as RequestHandler,
      ];
      const onError = createHttpErrorHandler({ log: deps.log });
      app.all(routes, ...handlers);
      app.use(onError);
      direct = directGraphqlRoute({ paths: routes, handlers: [securityHeaders, corsHeaders, ...handlers], onError });
    },
    async stop() {
      admission.startDraining();
      // Sockets first, cleanly (1001), while requests drain; a socket that does not answer is cut.
      await subscriptions?.close(Math.min(2_000, Math.max(0, deps.config.shutdownGraceMs - 3_000)));
      // Keep listening while admitted requests finish, so a request that still reaches this
      // instance gets a clear 503 (and Connection: close) rather than a refused connection. The
      // wait leaves three seconds of the grace period for closing the listener, pool and cache.
      await admission.idle(Math.max(0, deps.config.shutdownGraceMs - 3_000));
      await apollo.stop();
      await rateLimiter.close();
    },
  };
}
