import Negotiator from 'negotiator';
import type { ApolloServerPlugin } from '@apollo/server';

const APPLICATION_JSON = 'application/json';
/** The request errors the rule covers; a malformed HTTP request (no query…) stays 400. */
const DOCUMENT_ERRORS = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']);
const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';

/**
 * GraphQL over HTTP: a request error (the document does not parse or validate, or the
 * variables do not coerce) is answered 4xx with `application/graphql-response+json`, but SHOULD
 * be answered 200 to a client that only accepts `application/json`, which may not read bodies of
 * non-2xx responses. Apollo answers 400 either way; this corrects the `application/json` case,
 * choosing the media type exactly as Apollo does.
 */
export function graphqlResponseStatusPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response }) {
          if (response.body.kind !== 'single' || response.http.status !== 400) return;
          const { errors } = response.body.singleResult;
          const isRequestError =
            !('data' in response.body.singleResult) && !!errors?.length && errors.every((error) => DOCUMENT_ERRORS.has(String(error.extensions?.code)));
          const accept = request.http?.headers.get('accept');
          const mediaType = accept ? new Negotiator({ headers: { accept } }).mediaType([APPLICATION_JSON, GRAPHQL_RESPONSE_JSON]) : APPLICATION_JSON;
          if (isRequestError && mediaType === APPLICATION_JSON) response.http.status = 200;
        },
      };
    },
  };
}
