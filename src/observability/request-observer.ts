import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { ApolloServerPlugin } from '@apollo/server';
import { runCounting, type StatementStats } from '../db/statement-counter';
import type { Logger } from '../log';
import type { GatewayMetrics } from './metrics';

/** What the HTTP layer knows of one GraphQL request; the Apollo plugin adds the operation. */
export interface RequestInfo {
  readonly id: string;
  /** The request's statement tally; absent when statements are not counted. */
  readonly stats?: StatementStats;
  operationName?: string;
  failed?: boolean;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Wraps a GraphQL request: gives it a request id (the caller's `X-Request-Id` when sane), and
 * when the response is sent logs one JSON line (id, operation,
 * status, duration, statements; a warning when slower than `slowOperationMs`) and records the
 * metrics. Never logs variables or headers: they may carry secrets.
 */
export function requestObserver(options: { log: Logger; metrics?: GatewayMetrics; slowOperationMs: number; countStatements: boolean }): RequestHandler {
  return (req, res, next) => {
    const header = req.headers['x-request-id'];
    const id = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    const info: RequestInfo = options.countStatements ? { id, stats: { statements: 0 } } : { id };
    res.locals.requestInfo = info;
    res.setHeader('x-request-id', id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const named = info.operationName ?? (req.body as { operationName?: unknown } | undefined)?.operationName;
      const operation = typeof named === 'string' && OPERATION_NAME.test(named) ? named : 'anonymous';
      const outcome = info.failed || res.statusCode >= 400 ? 'error' : 'ok';
      const statements = info.stats?.statements;
      options.metrics?.observeRequest({ operation, outcome, durationMs, statements });
      const line = { requestId: id, operation, status: res.statusCode, durationMs: Math.round(durationMs * 10) / 10, ...(statements === undefined ? {} : { statements }) };
      if (durationMs > options.slowOperationMs) options.log.warn(line, 'slow GraphQL operation');
      else options.log.info(line, 'GraphQL request');
    });
    next();
  };
}

/**
 * Runs the rest of the request inside its statement tally (placed after body parsing). Only
 * installed when statements are counted: the tally's AsyncLocalStorage puts a hook on every
 * promise of the process once it is first entered.
 */
export const countRequestStatements: RequestHandler = (_req, res, next) => {
  const stats = (res.locals.requestInfo as RequestInfo | undefined)?.stats;
  if (!stats) return next();
  runCounting(stats, () => next());
};

/** Tells the request's RequestInfo which operation ran and whether it produced errors. */
export function operationInfoPlugin(infoOf: (context: unknown) => RequestInfo | undefined): ApolloServerPlugin {
  return {
    async requestDidStart({ contextValue }) {
      const info = infoOf(contextValue);
      return {
        async didResolveOperation({ operationName }) {
          if (info && operationName) info.operationName = operationName;
        },
        async willSendResponse({ response }) {
          if (info && response.body.kind === 'single' && response.body.singleResult.errors?.length) info.failed = true;
        },
      };
    },
  };
}
