import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { GatewayError } from './client';
import type { BalancesChangedSubscription } from './gql/graphql';
import { balancesChangedSubscription } from './operations';

type Summary = BalancesChangedSubscription['balancesChanged'];

/**
 * The viewer's balance summary as the gateway pushes it over WebSocket (graphql-ws, on the same
 * URL as HTTP with ws:// or wss://): the current one first, once the subscription is live, then
 * one after each change. `next()` waits for the next push.
 */
export async function watchBalances(httpUrl: string, apiKey: string, timeoutMs = 10_000) {
  const url = httpUrl.replace(/^http/, 'ws');
  const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${apiKey}` }, retryAttempts: 0, lazy: true });
  const pushes: Summary[] = [];
  const waiters: Array<() => void> = [];
  let failure: Error | undefined;
  const wake = () => waiters.splice(0).forEach((resolve) => resolve());
  const stop = client.subscribe<BalancesChangedSubscription>(
    { query: balancesChangedSubscription.toString() },
    {
      next: ({ data, errors }) => {
        if (errors?.length || !data) failure = new GatewayError(`BalancesChanged failed: ${errors?.map((e) => e.message).join('; ') ?? 'no data'}`, 0);
        else pushes.push(data.balancesChanged);
        wake();
      },
      error: (error) => {
        const reason = (error as { code?: number; reason?: string }).code ? `closed ${(error as { code: number }).code} ${(error as { reason?: string }).reason ?? ''}` : String(error);
        failure = new GatewayError(`BalancesChanged subscription ended: ${reason.trim()}`, 0);
        wake();
      },
      complete: wake,
    },
  );

  return {
    /** The next push (the initial summary first). */
    async next(): Promise<Summary> {
      const deadline = Date.now() + timeoutMs;
      while (pushes.length === 0) {
        if (failure) throw failure;
        if (Date.now() > deadline) throw new GatewayError(`No balancesChanged push within ${timeoutMs} ms`, 0);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      return pushes.shift()!;
    },
    async close(): Promise<void> {
      stop();
      await client.dispose();
    },
  };
}
