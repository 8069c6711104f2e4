import { badUserInput } from '../errors';

/**
 * Global IDs are `base64url("<Type>:<databaseId>")`: opaque to clients, and enough for
 * `Query.node` to know which loader to ask.
 */
export function toGlobalId(type: string, id: number): string {
  return base64urlOfAscii(`${type}:${id}`);
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * `Buffer.from(text).toString('base64url')` for ASCII text (type names and digits), without a
 * Buffer per call: every node of a response has an ID, and the allocations added up.
 */
function base64urlOfAscii(text: string): string {
  let out = '';
  let i = 0;
  for (; i + 2 < text.length; i += 3) {
    const n = (text.charCodeAt(i) << 16) | (text.charCodeAt(i + 1) << 8) | text.charCodeAt(i + 2);
    out += BASE64URL[n >> 18]! + BASE64URL[(n >> 12) & 63]! + BASE64URL[(n >> 6) & 63]! + BASE64URL[n & 63]!;
  }
  if (text.length - i === 2) {
    const n = (text.charCodeAt(i) << 16) | (text.charCodeAt(i + 1) << 8);
    out += BASE64URL[n >> 18]! + BASE64URL[(n >> 12) & 63]! + BASE64URL[(n >> 6) & 63]!;
  } else if (text.length - i === 1) {
    const n = text.charCodeAt(i) << 16;
    out += BASE64URL[n >> 18]! + BASE64URL[(n >> 12) & 63]!;
  }
  return out;
}

export interface ParsedGlobalId {
  type: string;
  id: number;
}

/**
 * Decodes a global ID, or returns null when it is not one of ours. Only the exact string
 * `toGlobalId` makes is accepted (Node's base64 decoder skips stray characters, and "007" is 7),
 * so each object has one ID and anything else is garbage.
 */
export function parseGlobalId(globalId: string): ParsedGlobalId | null {
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const match = /^([A-Za-z]+):(\d{1,10})$/.exec(decoded);
  if (!match) return null;
  const id = Number(match[2]);
  if (!Number.isSafeInteger(id) || id > 2_147_483_647) return null;
  return toGlobalId(match[1]!, id) === globalId ? { type: match[1]!, id } : null;
}

/** The database id inside a global ID of `type`; BAD_USER_INPUT naming `field` otherwise. */
export function idOfType(globalId: string, type: string, field: string): number {
  const parsed = parseGlobalId(globalId);
  if (!parsed || parsed.type !== type) throw badUserInput(`${field}: expected the ID of a ${type}`, field);
  return parsed.id;
}

/** `idOfType` for an optional argument: null when it is absent. */
export function optionalIdOfType(globalId: string | null | undefined, type: string, field: string): number | null {
  return globalId ? idOfType(globalId, type, field) : null;
}
