import type { ServerResponse } from 'node:http';
import type { ErrorCode } from '../errors';

/**
 * Answers a request refused before GraphQL runs (a malformed body, draining, queue full, rate
 * limit, a throttled key lookup) with a GraphQL-shaped body:
 * `{ errors: [{ message, extensions: { code, … } }] }`; the one place such a body is built.
 * `retryAfterSeconds` also sets the Retry-After header.
 */
export function sendHttpError(
  res: ServerResponse,
  status: number,
  code: ErrorCode,
  message: string,
  extensions: { retryAfterSeconds?: number } & Record<string, unknown> = {},
): void {
  if (extensions.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(extensions.retryAfterSeconds));
  // Node's own calls: the Express app and the direct GraphQL route (http/graphql-route.ts) both send these.
  const body = JSON.stringify({ errors: [{ message, extensions: { code, ...extensions } }] });
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}
