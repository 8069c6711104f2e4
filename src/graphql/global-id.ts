import { badUserInput } from '../errors';

/**
 * Global IDs are `base64url("<Type>:<databaseId>")`: opaque to clients, and enough for
 * `Query.node` to know which loader to ask.
 */
export function toGlobalId(type: string, id: number): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
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
