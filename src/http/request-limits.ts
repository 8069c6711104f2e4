import type { RequestHandler } from 'express';
import { ErrorCode } from '../errors';
import { sendHttpError } from './http-error-body';

export interface RequestLimits {
  /** Characters in one operation's `query` text. */
  maxQueryLength: number;
  /** Operations in one batched request; 0 refuses batches. */
  maxBatchSize: number;
}

const reject = (res: Parameters<RequestHandler>[1], status: number, message: string, limit: string, max: number) =>
  sendHttpError(res, status, ErrorCode.BAD_REQUEST, message, { limit, max });

/** Checks what can be checked before parsing: batch size and query length (400 BAD_REQUEST). */
export function requestLimits(limits: RequestLimits): RequestHandler {
  return (req, res, next) => {
    const body: unknown = req.body;
    if (Array.isArray(body)) {
      if (limits.maxBatchSize === 0) return reject(res, 400, 'Batched requests are not accepted.', 'batchSize', 0);
      if (body.length > limits.maxBatchSize) {
        return reject(res, 400, `A batch holds at most ${limits.maxBatchSize} operations; this one has ${body.length}.`, 'batchSize', limits.maxBatchSize);
      }
    }
    const operations: unknown[] = Array.isArray(body) ? body : [req.method === 'GET' ? req.query : body];
    for (const operation of operations) {
      const query = (operation as { query?: unknown } | null)?.query;
      if (typeof query === 'string' && query.length > limits.maxQueryLength) {
        return reject(res, 400, `The query is ${query.length} characters long; the limit is ${limits.maxQueryLength}.`, 'queryLength', limits.maxQueryLength);
      }
    }
    next();
  };
}
