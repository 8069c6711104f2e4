import { GraphQLError } from 'graphql';

/** The error codes a client can rely on, in `errors[].extensions.code` (the README lists them). */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  /** A spend the account cannot cover; extensions `asset`, `required` and `available` (decimal strings). */
  INSUFFICIENT_FUNDS: 'INSUFFICIENT_FUNDS',
  /** The HTTP request itself is malformed (not JSON, too large, too many operations in a batch). */
  BAD_REQUEST: 'BAD_REQUEST',
  /** Over a rate limit or a queue bound; Retry-After says when to come back. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The user holds MAX_SUBSCRIPTIONS_PER_USER subscriptions (over all instances with Redis); complete one first. */
  TOO_MANY_SUBSCRIPTIONS: 'TOO_MANY_SUBSCRIPTIONS',
  /** Registering automatic persisted queries is turned off. */
  PERSISTED_QUERY_NOT_SUPPORTED: 'PERSISTED_QUERY_NOT_SUPPORTED',
  /** Over a query limit (depth, cost, aliases, fragments); graphql-js uses the code for its own rules too. */
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  /** The database (or another dependency) cannot answer now; retrying later may work. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** The operation ran past its time limit and was cancelled. */
  TIMEOUT: 'TIMEOUT',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

function gqlError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

/** Invalid arguments; `field` names the offending input path (e.g. `input.amount`). */
export const badUserInput = (message: string, field?: string) =>
  gqlError(ErrorCode.BAD_USER_INPUT, message, field ? { field } : {});
export const unauthenticated = (message = 'Authentication required: send Authorization: Bearer <api key>') =>
  gqlError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message: string) => gqlError(ErrorCode.FORBIDDEN, message);
export const notFound = (what: string) => gqlError(ErrorCode.NOT_FOUND, `${what} not found`);
export const conflict = (message: string) => gqlError(ErrorCode.CONFLICT, message);
/** The account's free balance of `asset` is below what the operation needs; amounts as decimal strings. */
export const insufficientFunds = (asset: string, required: string, available: string) =>
  gqlError(ErrorCode.INSUFFICIENT_FUNDS, `Insufficient ${asset}: needs ${required}, free ${available}`, { asset, required, available });

/** True for errors this module made (they are safe to show to clients as they are). */
export function hasKnownCode(error: unknown): error is GraphQLError {
  const code = (error as GraphQLError | undefined)?.extensions?.code;
  return error instanceof GraphQLError && typeof code === 'string' && code in ErrorCode;
}
