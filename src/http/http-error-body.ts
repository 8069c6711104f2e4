import type { Response } from 'express';

/**
 * Answers a request refused before GraphQL runs (draining, queue full, rate limit, a throttled
 * key lookup) with a GraphQL-shaped body: `{ errors: [{ message, extensions: { code, … } }] }`.
 * `retryAfterSeconds` also sets the Retry-After header.
 */
export function sendHttpError(
  res: Response,
  status: number,
  code: string,
  message: string,
  extensions: { retryAfterSeconds?: number } & Record<string, unknown> = {},
): void {
  if (extensions.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(extensions.retryAfterSeconds));
  res.status(status).json({ errors: [{ message, extensions: { code, ...extensions } }] });
}
