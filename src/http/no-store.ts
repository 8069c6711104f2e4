import type { ApolloServerPlugin } from '@apollo/server';

/**
 * Marks every GraphQL response `Cache-Control: no-store`, as Apollo's cache-control plugin did
 * before it was turned off: answers carry one viewer's data, and a GET must not be cached on the way.
 */
export function noStorePlugin(): ApolloServerPlugin {
  const listener = {
    async willSendResponse({ response }: { response: { http: { headers: Map<string, string> } } }) {
      response.http.headers.set('cache-control', 'no-store');
    },
  };
  return { requestDidStart: async () => listener };
}
