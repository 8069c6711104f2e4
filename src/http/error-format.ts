import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ErrorCode, hasKnownCode } from '../errors';
import type { Logger } from '../log';
import { classifyDatabaseError, databaseFailureError, isRefusedValue } from '../db/availability';

/** Codes whose messages describe the client's own request and are safe to show as they are. */
const CLIENT_FACING_CODES = new Set<string>([
  // Apollo Server's own request errors.
  'GRAPHQL_PARSE_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  ErrorCode.GRAPHQL_VALIDATION_FAILED,
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.BAD_REQUEST,
  ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
]);

/**
 * Errors the gateway made on purpose (with a code from errors.ts) and request errors pass
 * through; anything else is a bug or an outage: logged, and masked in production.
 */
export function createErrorFormatter(options: { production: boolean; log: Logger }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // Apollo reports a persisted-query hash that does not match its query without a code;
    // it is the client's mistake, not ours.
    if (formatted.message === 'provided sha does not match query') {
      return { message: formatted.message, extensions: { code: ErrorCode.BAD_REQUEST } };
    }
    const original = unwrapResolverError(error);
    const code = formatted.extensions?.code;
    if (hasKnownCode(original) || (typeof code === 'string' && CLIENT_FACING_CODES.has(code))) {
      return formatted;
    }
    // A value the database refuses to store (a number past its column's range, text it cannot
    // hold): the client's input, so BAD_USER_INPUT; the statement failed, so nothing was stored.
    if (isRefusedValue(original)) {
      return { message: 'A value is out of range for what can be stored (amounts hold at most 18 digits before the point)', locations: formatted.locations, path: formatted.path, extensions: { code: ErrorCode.BAD_USER_INPUT } };
    }
    const failure = classifyDatabaseError(original);
    if (failure) {
      options.log.warn({ err: original, path: formatted.path, failure }, 'database failure in a GraphQL operation');
      const { message, extensions } = databaseFailureError(failure);
      return { message, locations: formatted.locations, path: formatted.path, extensions: { code: extensions.code } };
    }
    options.log.error({ err: original, path: formatted.path }, 'unexpected error in a GraphQL operation');
    if (!options.production) return formatted;
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
