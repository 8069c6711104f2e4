import type { Response } from 'express';
import type { ErrorCode } from '../errors';

/**
 * Answers a request refused before GraphQL runs (a malformed body, draining, queue full, rate
 * limit, a throttled key lookup) with a GraphQL-shaped body:
 * `{ errors: [{ message, extensions: { code, … } }] }`; the one place such a body is built.
 * `retryAfterSeconds` also sets the Retry-After header.
 */
export function sendHttpError(
  res: Response,
  status: number,
  code: ErrorCode,
  message: string,
  extensions: { retryAfterSeconds?: number } & Record<string, unknown> = {},
): void {
  if (extensions.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(extensions.retryAfterSeconds));
  res.status(status).json({ errors: [{ message, extensions: { code, ...extensions } }] });
}
