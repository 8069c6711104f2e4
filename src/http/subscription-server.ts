import type http from 'node:http';
import type { Duplex } from 'node:stream';
import {
  createSourceEventStream,
  execute,
  getOperationAST,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { WebSocketServer, type WebSocket } from 'ws';
import { CloseCode as ProtocolCloseCode, handleProtocols, makeServer, type Context as WsContext } from 'graphql-ws';
import { ErrorCode } from '../errors';
import type { Authentication, Throttled } from '../auth/authenticate';
import type { Viewer } from '../auth/api-keys';
import type { Logger } from '../log';
import { costLimitError, queryShapeRules, type QueryLimits } from './query-limits';
import { checkOperationInput } from './input-sanity';
import { clientIdentity } from './client-identity';
import type { SubscriptionSlots } from './subscription-slots';

/** Close codes (4401, 4403 and 4408 are graphql-ws's own; the others are this gateway's). */
export const CloseCode = {
  GoingAway: 1001,
  TryAgainLater: 1013,
  /** No API key in connection_init. */
  Unauthorized: 4401,
  /** An unknown, revoked or malformed key. */
  Forbidden: 4403,
  /** The client did not read its pushes: more than the bound waited for it. */
  SlowConsumer: 4008,
  /** Over the rate limit, or too many unknown keys from the address. */
  TooManyRequests: 4029,
} as const;

export interface SubscriptionServerOptions<C extends object> {
  httpServer: http.Server;
  path: string;
  /** Apollo's executable schema (available once it has started). */
  schema: () => GraphQLSchema;
  /** The HTTP path's authenticator (same guard and caches). */
  authenticate(authorization: string | undefined, address: string): Promise<Authentication | Throttled>;
  /** The HTTP path's rate limiter: each subscribe spends a point, as an HTTP operation does. */
  spend(who: string, points: number): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }>;
  /** A context for `viewer`: once for the subscription, then a fresh one per event. */
  contextFor(viewer: Viewer, bounds: { maxQueuedEvents: number; onOverflow(): void }): Promise<C>;
  /** The per-user bound on open subscriptions (across instances with Redis). */
  slots: SubscriptionSlots;
  limits: QueryLimits & { maxQueryLength: number; maxBodyBytes: number; maxSubscriptionsPerUser: number; maxQueuedEventsPerSubscription: number; maxSocketBufferedBytes: number };
  production: boolean;
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  log: Logger;
}

export interface SubscriptionServer {
  /** Open sockets, subscriptions, and sockets dropped as slow consumers so far. */
  stats(): { sockets: number; subscriptions: number; slowConsumersDropped: number };
  /** Refuses new sockets (503), closes open ones with 1001 and waits for them (cut after `waitMs`). */
  close(waitMs: number): Promise<void>;
}

interface Connection {
  viewer: Viewer;
  authorization: string;
  address: string;
  socket: WebSocket;
  active: Set<string>;
  /** Names this socket's subscriptions among the instance's (graphql-ws ids are the client's, per socket). */
  serial: number;
}

const error = (message: string, code: ErrorCode, extensions: Record<string, unknown> = {}) => new GraphQLError(message, { extensions: { ...extensions, code } });

/** The key from connection_init: `authorization: "Bearer <key>"` (any case of the name) or `apiKey`. */
function authorizationIn(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (!params) return undefined;
  const header = params.authorization ?? params.Authorization;
  if (typeof header === 'string') return header;
  if (typeof params.apiKey === 'string') return `Bearer ${params.apiKey}`;
  return undefined;
}

/**
 * GraphQL subscriptions over WebSocket (graphql-ws) on the HTTP server's port and path. A socket
 * authenticates once, in connection_init, through the HTTP path's authenticator (its caches and
 * its guard against key guessing); each subscribe is checked again (a revoked key ends the
 * socket), rate limited, counted against the user's limit, and validated with the HTTP path's
 * rules (depth, aliases, root fields, cost, input sanity; no introspection in production). Only
 * subscriptions run here: queries and mutations go over HTTP, through admission and its queue.
 * Every event is executed with a fresh context (new loaders), so a push reads the rows after
 * the commit that caused it, as the subscriber may see them.
 */
export function attachSubscriptionServer<C extends object>(options: SubscriptionServerOptions<C>): SubscriptionServer {
  const { limits } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxBodyBytes });
  const connections = new WeakMap<WsContext, Connection>();
  const { slots } = options;
  let sockets = 0;
  const contextMakers = new WeakMap<object, () => Promise<C>>();
  let subscriptions = 0;
  let slowConsumersDropped = 0;
  let draining = false;
  const rules = [...specifiedRules, ...queryShapeRules(limits), ...(options.production ? [NoSchemaIntrospectionCustomRule] : [])];

  const close = (socket: WebSocket, code: number, reason: string) => {
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(code, reason);
  };
  // Not terminated: the close frame waits behind what is buffered (a client that resumes reading
  // learns why), and ws cuts the socket if no answer comes within its close timeout. Nothing more is sent.
  const dropSlowConsumer = (socket: WebSocket) => {
    if (socket.readyState !== socket.OPEN) return;
    slowConsumersDropped += 1;
    close(socket, CloseCode.SlowConsumer, 'Slow consumer: pushes were not read; reconnect and re-query');
  };
  const release = (connection: Connection, id: string) => {
    if (!connection.active.delete(id)) return;
    subscriptions -= 1;
    slots.release(connection.viewer.id, `${connection.serial}:${id}`);
  };
  const format = (errors: readonly GraphQLError[]) => errors.map((e) => options.formatError(e.toJSON(), e));

  const serverOptions: Parameters<typeof makeServer>[0] = {
    schema: () => options.schema(),
    async onConnect(ctx) {
      const { socket, request } = ctx.extra as { socket: WebSocket; request: http.IncomingMessage };
      const address = request.socket.remoteAddress ?? 'unknown';
      const authorization = authorizationIn(ctx.connectionParams);
      if (!authorization) {
        close(socket, CloseCode.Unauthorized, 'Unauthorized: send {"authorization":"Bearer <api key>"} in connection_init');
        return false;
      }
      let authentication: Authentication | Throttled;
      try {
        authentication = await options.authenticate(authorization, address);
      } catch (failure) {
        options.log.warn({ err: failure }, 'subscriptions: the API key could not be checked');
        close(socket, CloseCode.TryAgainLater, 'The API key could not be checked now; retry later');
        return false;
      }
      if (authentication.kind === 'throttled') {
        close(socket, CloseCode.TooManyRequests, `Too many unknown API keys from this address; retry in ${authentication.retryAfterSeconds} s`);
        return false;
      }
      if (authentication.kind !== 'viewer') {
        close(socket, CloseCode.Forbidden, authentication.kind === 'failed' ? 'The API key could not be checked now; retry later' : 'Forbidden: invalid or revoked API key');
        return false;
      }
      connections.set(ctx, { viewer: authentication.viewer, authorization, address, socket, active: new Set(), serial: ++sockets });
      return true;
    },
    async onSubscribe(ctx, id, payload) {
      const connection = connections.get(ctx)!;
      const { socket } = connection;
      // Revocation takes effect at the next subscribe (open subscriptions end with the socket).
      const again = await options.authenticate(connection.authorization, connection.address).catch(() => ({ kind: 'failed' }) as const);
      if (again.kind !== 'viewer' || again.viewer.id !== connection.viewer.id) {
        if (again.kind === 'rejected') close(socket, CloseCode.Forbidden, 'Forbidden: invalid or revoked API key');
        return [error('The API key could not be checked now; retry later', ErrorCode.SERVICE_UNAVAILABLE)];
      }
      if (payload.query.length > limits.maxQueryLength) {
        return [error(`The query is ${payload.query.length} characters long; the limit is ${limits.maxQueryLength}.`, ErrorCode.BAD_REQUEST, { limit: 'queryLength', max: limits.maxQueryLength })];
      }
      const spent = await options.spend(clientIdentity(connection.viewer.id, connection.address), 1);
      if (!spent.ok) {
        return [error(`Too many requests: retry after ${spent.retryAfterSeconds} s.`, ErrorCode.RATE_LIMITED, { retryAfterSeconds: spent.retryAfterSeconds })];
      }
      const schema = options.schema();
      let document;
      try {
        document = parse(payload.query, { maxTokens: 5_000 });
      } catch (failure) {
        return [error((failure as Error).message, 'GRAPHQL_PARSE_FAILED' as ErrorCode)];
      }
      const invalid = validate(schema, document, rules);
      if (invalid.length > 0) {
        return invalid.map((e) => (e.extensions.code ? e : new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: ErrorCode.GRAPHQL_VALIDATION_FAILED } })));
      }
      const operation = getOperationAST(document, payload.operationName);
      if (!operation) return [error('Unable to identify the operation: name one with operationName.', ErrorCode.BAD_REQUEST)];
      if (operation.operation !== 'subscription') {
        return [error('Only subscriptions run over WebSocket; send queries and mutations to POST /graphql.', ErrorCode.BAD_REQUEST)];
      }
      const variables = payload.variables ?? {};
      const overCost = costLimitError(limits.maxCost, schema, document, operation, variables);
      if (overCost) return [overCost];
      try {
        checkOperationInput(document, variables);
      } catch (failure) {
        if (failure instanceof GraphQLError) return [failure];
        throw failure;
      }
      // Last, so a refused document takes no slot. Whatever happens once it is held, graphql-ws
      // ends with onComplete (or the socket with onClose), which gives it back.
      if (!(await slots.acquire(connection.viewer.id, `${connection.serial}:${id}`))) {
        return [
          error(`At most ${limits.maxSubscriptionsPerUser} subscriptions per user are open at once; complete one first.`, ErrorCode.TOO_MANY_SUBSCRIPTIONS, {
            limit: 'subscriptionsPerUser',
            max: limits.maxSubscriptionsPerUser,
          }),
        ];
      }
      connection.active.add(id);
      subscriptions += 1;
      // The socket closed while the slot was taken: onClose has run, so give it back here.
      if (socket.readyState !== socket.OPEN) release(connection, id);
      const bounds = { maxQueuedEvents: limits.maxQueuedEventsPerSubscription, onOverflow: () => dropSlowConsumer(socket) };
      const contextValue = await options.contextFor(connection.viewer, bounds);
      contextMakers.set(contextValue, () => options.contextFor(connection.viewer, bounds));
      return { schema, document, operationName: payload.operationName, variableValues: variables, contextValue } satisfies ExecutionArgs;
    },
    // graphql-js's subscribe, but each event runs with a fresh context (fresh loaders).
    subscribe: (args: ExecutionArgs) => subscribePerEvent(args, contextMakers.get(args.contextValue as object)!),
    onNext(ctx, _id, _payload, _args, result) {
      const connection = connections.get(ctx);
      if (connection && connection.socket.bufferedAmount > limits.maxSocketBufferedBytes) dropSlowConsumer(connection.socket);
      return result.errors ? { ...result, errors: format(result.errors) } : undefined;
    },
    onError: (_ctx, _id, _payload, errors) => format(errors),
    onComplete(ctx, id) {
      const connection = connections.get(ctx);
      if (connection) release(connection, id);
    },
    onClose(ctx) {
      const connection = connections.get(ctx);
      if (connection) for (const id of [...connection.active]) release(connection, id);
    },
  };
  serveOver(wss, makeServer(serverOptions), options.log);

  options.httpServer.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== options.path || draining) {
      socket.end(path !== options.path ? 'HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n' : 'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });

  return {
    stats: () => ({ sockets: wss.clients.size, subscriptions, slowConsumersDropped }),
    async close(waitMs) {
      draining = true;
      const open = [...wss.clients];
      const closed = open.map((ws) => new Promise<void>((resolve) => (ws.readyState === ws.CLOSED ? resolve() : ws.once('close', () => resolve()))));
      for (const ws of open) close(ws, CloseCode.GoingAway, 'Going away: the server is shutting down; reconnect');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(closed), new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
      clearTimeout(timer);
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await slots.close();
    },
  };
}

/** How often a socket is pinged; one that has not answered the previous ping by then is cut. */
const KEEP_ALIVE_MS = 12_000;

/**
 * graphql-ws's protocol over `ws` sockets: what `useServer` of 'graphql-ws/use/ws' does (that
 * entry point exists only in the package's exports, which this project's node10 resolution and
 * tsx's tsconfig handling do not agree on), with the same keep-alive and error handling.
 */
function serveOver(wss: WebSocketServer, server: ReturnType<typeof makeServer>, log: Logger): void {
  wss.options.handleProtocols = handleProtocols;
  wss.on('connection', (socket: WebSocket, request: http.IncomingMessage) => {
    const fail = (error: unknown) => {
      log.error({ err: error }, 'subscriptions: internal error on a socket');
      if (socket.readyState === socket.OPEN) socket.close(ProtocolCloseCode.InternalServerError, 'Internal server error');
    };
    socket.once('error', fail);
    let alive = true;
    socket.on('pong', () => (alive = true));
    const keepAlive = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
    }, KEEP_ALIVE_MS);
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (data) => {
            handle(String(data)).catch(fail);
          }),
      },
      { socket, request },
    );
    socket.once('close', (code, reason) => {
      clearInterval(keepAlive);
      void closed(code, String(reason));
    });
  });
}

/**
 * Like graphql-js's `subscribe`: the source stream from the root field's `subscribe`, each event
 * executed into a result. Unlike it, each event gets a new context from `freshContext`, and the
 * result carries the event's `extensions.sequence`. The returned iterator's `return()` ends the
 * source at once (an async generator would wait for the next event).
 */
async function subscribePerEvent(args: ExecutionArgs, freshContext: () => Promise<object>): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source as ExecutionResult;
  const events = source as AsyncIterableIterator<{ sequence?: number | null }>;
  const run = async (event: { sequence?: number | null }): Promise<ExecutionResult> => {
    const result = (await execute({ ...args, rootValue: event, contextValue: await freshContext() })) as ExecutionResult;
    return typeof event.sequence === 'number' ? { ...result, extensions: { ...result.extensions, sequence: event.sequence } } : result;
  };
  const results: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      const step = await events.next();
      return step.done ? { value: undefined, done: true } : { value: await run(step.value), done: false };
    },
    async return() {
      await events.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return results;
}
