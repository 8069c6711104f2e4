import { GraphQLError } from 'graphql';
import { ErrorCode } from '../errors';

/** Why a database call failed, when it is the database's state rather than a bug. */
export type DatabaseFailure = 'unavailable' | 'timeout';

const UNREACHABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'DatabaseDoesNotExist']);
// 57014: statement timeout (or cancel); 57P01-03: server shutting down / cannot connect now;
// 08xxx: connection exceptions; 53300: too many connections.
const TIMEOUT_CODES = new Set(['57014', '55P03', '40P01']);
const UNAVAILABLE_CODE = /^(57P0[1-3]|08\d{3}|53300)$/;
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);

/**
 * Classifies an error from Prisma or pg: the database unreachable (or shutting down, or out of
 * connections), or a statement cancelled by its timeout. Anything else is `null`.
 */
export function classifyDatabaseError(error: unknown): DatabaseFailure | null {
  for (let current = error as any, depth = 0; current && depth < 6; current = current.cause, depth++) {
    const adapterCause = current.meta?.driverAdapterError?.cause;
    for (const candidate of [current, adapterCause]) {
      if (!candidate) continue;
      const code = typeof candidate.code === 'string' ? candidate.code : undefined;
      if (typeof candidate.kind === 'string' && UNREACHABLE_KINDS.has(candidate.kind)) return 'unavailable';
      if (code && TIMEOUT_CODES.has(code)) return 'timeout';
      if (code && (UNAVAILABLE_CODE.test(code) || UNAVAILABLE_PRISMA_CODES.has(code) || SOCKET_CODES.has(code))) return 'unavailable';
      if (typeof candidate.message === 'string' && /timeout exceeded when trying to connect|Connection terminated|Query read timeout/i.test(candidate.message)) {
        return 'unavailable';
      }
    }
  }
  return null;
}

/** The client-facing error for a database failure: a clear code, nothing internal. */
export function databaseFailureError(failure: DatabaseFailure): GraphQLError {
  return failure === 'timeout'
    ? new GraphQLError('The operation took too long and was cancelled; try a smaller request', {
        extensions: { code: ErrorCode.TIMEOUT, http: { status: 503 } },
      })
    : new GraphQLError('The database is unavailable; retry shortly', {
        extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, http: { status: 503, headers: new Map([['retry-after', '2']]) } },
      });
}

// 22003: numeric value out of range; 22021/22P05: a character the encoding cannot hold (NUL).
const REFUSED_VALUE_CODES = new Set(['22003', '22021', '22P05']);

/** True for a statement PostgreSQL refused because of a value in it (the client's input). */
export function isRefusedValue(error: unknown): boolean {
  for (let current = error as any, depth = 0; current && depth < 6; current = current.cause, depth++) {
    for (const candidate of [current, current.meta?.driverAdapterError?.cause]) {
      const code = candidate?.originalCode ?? candidate?.code;
      if (typeof code === 'string' && REFUSED_VALUE_CODES.has(code)) return true;
    }
  }
  return false;
}
