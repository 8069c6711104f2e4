import { Prisma } from '../generated/prisma/client';
import { badUserInput, conflict, notFound } from '../errors';

/**
 * Translates the Prisma errors a client can cause into the gateway's error vocabulary; anything
 * else is rethrown untouched and masked as INTERNAL_SERVER_ERROR by the server's error formatter.
 */
export function translatePrismaError(error: unknown, what = 'Record'): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    switch (error.code) {
      case 'P2002':
        throw conflict(`${what} already exists`);
      case 'P2025':
      case 'P2001':
        throw notFound(what);
      case 'P2003':
        throw badUserInput(`${what} refers to something that does not exist`);
      case 'P2000':
        throw badUserInput(`A value is too long for ${what}`);
    }
  }
  throw error;
}

/** Runs `work`, translating Prisma errors as `translatePrismaError` does. */
export async function withPrismaErrors<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    translatePrismaError(error, what);
  }
}

/** True for a unique-constraint violation (used to turn a lost insert race into a read). */
export const isUniqueViolation = (error: unknown): boolean =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/**
 * Options for interactive transactions: embedded PGlite runs one transaction at a time, so a
 * transaction may wait its turn longer than Prisma's default 2 s.
 */
export const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 20_000 } as const;
