import { badUserInput } from '../errors';

/** The sort-key values of a row, in the order of the list's ORDER BY (always ending in id). */
export type CursorKey = Array<string | number>;

/**
 * What one part of a sort key is: a row id (a PostgreSQL `int`), or an instant (a `timestamp(3)`,
 * carried as the ISO string `Date#toISOString` makes).
 */
export type CursorPart = 'int' | 'timestamp';

/** A list's cursor shape: the types of its sort-key parts, in ORDER BY order. */
export type CursorShape = readonly CursorPart[];

const CURSOR_PREFIX = 'c1:';
const MAX_INT = 2_147_483_647;
/** `Date#toISOString` for years 0001 to 9999, the range every PostgreSQL timestamp cast accepts. */
const ISO_INSTANT = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const validPart: Record<CursorPart, (part: unknown) => boolean> = {
  int: (part) => Number.isSafeInteger(part) && (part as number) >= 0 && (part as number) <= MAX_INT,
  // Only the exact form this module writes, so the database never sees a string it cannot cast.
  timestamp: (part) => {
    if (typeof part !== 'string' || !ISO_INSTANT.test(part)) return false;
    const date = new Date(part);
    return !Number.isNaN(date.getTime()) && date.toISOString() === part;
  },
};

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(CURSOR_PREFIX + JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * The sort key inside `cursor`, checked against the list's shape: every part must have its
 * type and range, so a forged or foreign cursor is BAD_USER_INPUT, never a database error.
 */
export function decodeCursor(cursor: string, shape: CursorShape): CursorKey {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  try {
    if (text.startsWith(CURSOR_PREFIX)) {
      const key: unknown = JSON.parse(text.slice(CURSOR_PREFIX.length));
      const valid = Array.isArray(key) && key.length === shape.length && key.every((part, index) => validPart[shape[index]!](part));
      if (valid) return key as CursorKey;
    }
  } catch {
    // fall through to the error below
  }
  throw badUserInput('after: not a cursor of this list', 'after');
}
