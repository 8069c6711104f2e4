import type { Request, Response } from 'express';

/**
 * Who limits and queues count a request against: the user (whichever of their keys is used,
 * so minting keys buys nothing), or the address when no valid key came with it.
 */
export function clientIdentity(viewerId: number | null, address: string): string {
  return viewerId === null ? `ip:${address}` : `user:${viewerId}`;
}

/** The request's client address (Express's `req.ip` honours the trust-proxy setting). */
export const clientAddress = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** The identity authentication recorded for this request (its address if it did not run). */
export function clientOf(req: Request, res: Response): string {
  const client: unknown = res.locals.client;
  return typeof client === 'string' ? client : clientIdentity(null, clientAddress(req));
}

/** Records the identity for the middleware after authentication (rate limit, admission). */
export function setClient(res: Response, viewerId: number | null, address: string): void {
  res.locals.client = clientIdentity(viewerId, address);
}
