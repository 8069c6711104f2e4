import type http from 'node:http';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';

/**
 * What the GraphQL endpoint's handlers may use of a request and a response: Node's own objects
 * plus `req.body`, `req.ip` and `res.locals`, so the same handlers serve the Express app and the
 * direct route below. (Express's helpers, `res.json` and the like, are not there.)
 */
export type NodeRequest = http.IncomingMessage & { body?: unknown; ip?: string };
export type NodeResponse = http.ServerResponse & { locals: Record<string, unknown> };

/** A request URL's path and its query string (with its `?`, or empty). */
export function pathAndSearch(url: string | undefined): [path: string, search: string] {
  const value = url ?? '';
  const query = value.indexOf('?');
  return query < 0 ? [value, ''] : [value.slice(0, query), value.slice(query)];
}

/**
 * Apollo's HTTP entry point as a handler (what the Express integration does, without `res.send`
 * and its ETag hashing of every body): the request's method, headers, query string and parsed
 * body in; status, headers and body out, streamed for incremental delivery.
 */
export function apolloHandler<C extends BaseContext>(apollo: ApolloServer<C>, context: (res: NodeResponse) => Promise<C>) {
  return async (req: NodeRequest, res: NodeResponse): Promise<void> => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: pathAndSearch(req.url)[1], body: req.body },
      context: () => context(res),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.setHeader('content-length', Buffer.byteLength(response.body.string));
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}

/**
 * POST /graphql with a JSON body, served straight from Node's request event: the same handlers
 * as the Express route (security headers, CORS, observation, authentication, body limits, rate
 * limits, admission, Apollo) called in order, without Express's router and its request and
 * response objects. Everything else, and every request before `start`, goes to the Express app.
 * The benchmark's bare Apollo Server answers `{ __typename }` about twice as fast this way.
 */
export function directGraphqlRoute(options: {
  paths: readonly string[];
  handlers: ReadonlyArray<RequestHandler>;
  onError: ErrorRequestHandler;
}): { accepts(req: http.IncomingMessage): boolean; serve(req: http.IncomingMessage, res: http.ServerResponse): void } {
  const paths = new Set(options.paths);
  return {
    accepts(req) {
      if (req.method !== 'POST') return false;
      // Other content types get Express's (and Apollo's) answers for them.
      return paths.has(pathAndSearch(req.url)[0]) && (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json');
    },
    serve(rawReq, rawRes) {
      const req = rawReq as NodeRequest;
      const res = rawRes as NodeResponse;
      req.ip = req.socket.remoteAddress;
      res.locals = {};
      let index = 0;
      const fail = (error: unknown) => {
        // Like Express: an error after the response began can only cut the connection.
        if (res.headersSent) return void req.socket.destroy();
        options.onError(error, req as unknown as Request, res as unknown as Response, () => req.socket.destroy());
      };
      const next = (error?: unknown): void => {
        if (error !== undefined && error !== null) return fail(error);
        const handler = options.handlers[index++];
        if (!handler) return fail(Object.assign(new Error('no handler answered'), { status: 404, expose: false }));
        try {
          const running: unknown = handler(req as unknown as Request, res as unknown as Response, next);
          if (running instanceof Promise) running.catch((failure: unknown) => next(failure ?? new Error('handler rejected')));
        } catch (failure) {
          next(failure);
        }
      };
      next();
    },
  };
}
