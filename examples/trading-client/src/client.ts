import { createHash } from 'node:crypto';
import type { TypedDocumentString } from './gql/graphql';
import persistedDocuments from './gql/persisted-documents.json';

/** How an operation reached the gateway: by its hash alone (`hit`), or with its text after a `miss`. */
export type PersistedOutcome = 'hit' | 'miss';

export interface GatewayClientOptions {
  /** The GraphQL endpoint, e.g. http://localhost:4000/graphql. */
  url: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey: string;
  /** Told how each operation was sent (for logging). */
  onPersisted?: (operationName: string, outcome: PersistedOutcome) => void;
}

/** The gateway answered with errors (or not with GraphQL at all). */
export class GatewayError extends Error {
  override name = 'GatewayError';
  constructor(
    message: string,
    readonly status: number,
    readonly codes: readonly string[] = [],
  ) {
    super(message);
  }
}

interface GraphQLBody<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** Operation texts by SHA-256 hash, exactly as codegen hashed them (its minified, normalized print). */
const documentsByHash: Record<string, string | undefined> = persistedDocuments;

/**
 * A typed GraphQL client on fetch alone, speaking Apollo's automatic persisted queries (APQ):
 * each operation is first sent as its SHA-256 hash only; when the gateway does not know the hash
 * yet (PERSISTED_QUERY_NOT_FOUND) it is sent again with its text, which registers it, so later
 * requests from any client carry the hash alone. Hashes come from codegen's client preset
 * (`persistedDocuments`), so nothing is hashed at run time.
 */
export function createGatewayClient(options: GatewayClientOptions) {
  async function post<T>(body: object): Promise<{ status: number; body: GraphQLBody<T> }> {
    let response: Response;
    try {
      response = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${options.apiKey}` },
        body: JSON.stringify(body),
      });
    } catch (error) {
      const reason = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new GatewayError(`Cannot reach the gateway at ${options.url} (${reason}). Is it running (npm start)?`, 0);
    }
    const text = await response.text();
    try {
      return { status: response.status, body: JSON.parse(text) as GraphQLBody<T> };
    } catch {
      throw new GatewayError(`HTTP ${response.status} from ${options.url}, not GraphQL: ${text.slice(0, 200)}`, response.status);
    }
  }

  /** Runs `document` with `variables` (none for operations without variables) and returns its typed data. */
  return async function request<TResult, TVariables>(
    document: TypedDocumentString<TResult, TVariables>,
    ...[variables]: TVariables extends Record<string, never> ? [] : [TVariables]
  ): Promise<TResult> {
    const hash: unknown = document.__meta__?.['hash'];
    const query = typeof hash === 'string' ? documentsByHash[hash] : undefined;
    if (typeof hash !== 'string' || query === undefined || sha256(query) !== hash) {
      throw new Error('The generated operations are out of date: run npm run example:codegen');
    }
    // The document may start with its fragments: the operation is the one definition with a keyword.
    const operationName = /(?:^|\s|\})(?:query|mutation|subscription)\s+(\w+)/.exec(query)?.[1] ?? 'anonymous';
    const persistedQuery = { version: 1, sha256Hash: hash };

    let outcome: PersistedOutcome = 'hit';
    let response = await post<TResult>({ operationName, variables, extensions: { persistedQuery } });
    if (response.body.errors?.some((error) => error.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND')) {
      outcome = 'miss';
      response = await post<TResult>({ operationName, variables, query, extensions: { persistedQuery } });
    }
    options.onPersisted?.(operationName, outcome);

    const { data, errors } = response.body;
    if (errors?.length || data == null) {
      const codes = (errors ?? []).map((error) => error.extensions?.code ?? 'UNKNOWN');
      const messages = (errors ?? []).map((error) => `${error.message} (${error.extensions?.code ?? 'no code'})`);
      throw new GatewayError(`${operationName} failed: ${messages.join('; ') || `HTTP ${response.status}, no data`}`, response.status, codes);
    }
    return data;
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
