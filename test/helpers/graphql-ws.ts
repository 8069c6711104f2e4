import type { Client, FormattedExecutionResult } from 'graphql-ws';
import type { TestGateway } from './test-gateway';

// What the WebSocket tests share: the gateway's graphql-ws address, a subscription's results as
// they arrive, and a wait for a condition (the server's subscription count, say).

export const wsUrl = (gw: TestGateway) => `${gw.url.replace(/^http/, 'ws')}/graphql`;

/** A subscription's results as they arrive, with a way to wait for the n-th. */
export function subscribe(client: Client, query: string, variables?: Record<string, unknown>) {
  const results: FormattedExecutionResult<any, any>[] = [];
  const waiters: Array<() => void> = [];
  let completed = false;
  let failure: unknown;
  const stop = client.subscribe(
    { query, variables },
    {
      next: (result) => {
        results.push(result);
        waiters.splice(0).forEach((wake) => wake());
      },
      error: (error) => {
        failure = error;
        waiters.splice(0).forEach((wake) => wake());
      },
      complete: () => {
        completed = true;
        waiters.splice(0).forEach((wake) => wake());
      },
    },
  );
  return {
    results,
    stop,
    get completed() {
      return completed;
    },
    get failure() {
      return failure;
    },
    async waitFor(count: number, timeoutMs = 10_000): Promise<FormattedExecutionResult<any, any>[]> {
      const deadline = Date.now() + timeoutMs;
      while (results.length < count && failure === undefined && !completed) {
        if (Date.now() > deadline) throw new Error(`waited for ${count} results, got ${results.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      return results;
    },
  };
}

export const waitUntil = async (condition: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
