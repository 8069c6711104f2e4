import { getArgumentValues, getNamedType, isObjectType, type FieldNode, type GraphQLField, type GraphQLResolveInfo } from 'graphql';
import { Prisma } from '../generated/prisma/client';
import type { SelectionOf } from './batch';
import { fieldsOf } from './selected-fields';

// A field that reads one row (an item by its dfid) can carry the child lists its selection asks
// for in the same statement, each a correlated subquery aggregated to JSON: one round trip for
// the row and its lists instead of one per level. The lists' own loaders write the subqueries
// (the same SQL, visibility and order as their batched reads) and are primed with what came
// back, so the child resolvers run unchanged and find their rows without a statement.

/** A child list read along with its parent's row. */
export interface CarriedRead {
  /** What the read depends on besides the parent (columns, page): part of the parent read's key. */
  readonly key: string;
  /** An expression of the parent row's list, as a JSON array (see db/wire-rows.ts `jsonRowsOf`). */
  readonly sql: Prisma.Sql;
  /** Hands the list's loader what the expression returned for the parent `parentId`. */
  prime(parentId: number, rows: unknown[]): void;
}

/** A child field as its resolver will see it: its arguments and its selection. */
export interface ChildField {
  readonly args: Record<string, unknown>;
  readonly info: SelectionOf & Pick<GraphQLResolveInfo, 'variableValues'>;
}

/**
 * How to carry each list field of a type: the loader its resolver reads, asked for its
 * correlated read (null when it cannot be carried; the resolver then reads it as before).
 */
export type Carriers = Readonly<Record<string, (parentIds: Prisma.Sql, field: ChildField) => CarriedRead | null>>;

/** At most this many lists ride along with one row (more are read by their own loaders). */
const MAX_CARRIED = 8;

/**
 * The child lists of the field `info` resolves that `carriers` can read along with its row,
 * `parentIds` naming that row inside the statement. One walk over the field's selection (each
 * fragment once); a list whose arguments do not validate is left to its resolver, which reports
 * the error at its own path.
 */
export function carriedReadsOf(info: GraphQLResolveInfo, parentIds: Prisma.Sql, carriers: Carriers): CarriedRead[] {
  const carried: CarriedRead[] = [];
  for (const { name, definition, selection } of listFieldsOf(info)) {
    const carrier = carriers[name];
    if (!carrier || carried.length >= MAX_CARRIED) continue;
    try {
      const args = getArgumentValues(definition, selection.fieldNodes[0]!, info.variableValues);
      const read = carrier(parentIds, { args, info: { ...selection, variableValues: info.variableValues } });
      if (read) carried.push(read);
    } catch {
      // Invalid arguments (a bad cursor, a page too large): the field's resolver says so.
    }
  }
  return carried;
}

/** A child field of the resolved one: its definition and its nodes (one response key). */
interface ChildFieldNodes {
  readonly name: string;
  readonly definition: GraphQLField<unknown, unknown>;
  readonly selection: SelectionOf;
}

const childFieldsOf = new WeakMap<GraphQLResolveInfo['fieldNodes'], ChildFieldNodes[]>();

/**
 * The child fields under the resolved field, fragments spread in, one entry per response key
 * (its nodes merged, as graphql-js merges them). Answered once per fieldNodes array, so the
 * selections handed on are the same arrays on every request of a document, and what is
 * derived from them (columns, pages) is cached as the resolvers' own selections are.
 */
function listFieldsOf(info: GraphQLResolveInfo): ChildFieldNodes[] {
  const known = childFieldsOf.get(info.fieldNodes);
  if (known) return known;
  const type = getNamedType(info.returnType);
  const fields = isObjectType(type) ? type.getFields() : {};
  const byKey = new Map<string, FieldNode[]>();
  const sets = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  for (const field of fieldsOf(sets, info.fragments)) {
    const key = field.alias?.value ?? field.name.value;
    const nodes = byKey.get(key);
    if (nodes) nodes.push(field);
    else byKey.set(key, [field]);
  }
  const children: ChildFieldNodes[] = [];
  for (const nodes of byKey.values()) {
    const name = nodes[0]!.name.value;
    const definition = fields[name];
    if (definition) children.push({ name, definition, selection: { fieldNodes: nodes, fragments: info.fragments } });
  }
  childFieldsOf.set(info.fieldNodes, children);
  return children;
}

/** The key of a parent read's carried lists (for its loader's cache key). */
export const carriedKey = (carried: readonly CarriedRead[]): string => carried.map((read) => read.key).join(';');

/** The column the `index`th carried list comes back in, beside the row's own columns. */
const carriedColumn = (index: number) => `__c${index}`;

/** The SELECT list entries of carried lists: `"__c0"`, `"__c1"`, … */
export const carriedColumns = (carried: readonly CarriedRead[]): Prisma.Sql[] =>
  carried.map((read, index) => Prisma.sql`${read.sql} AS ${Prisma.raw(`"${carriedColumn(index)}"`)}`);

/** Primes each carried list's loader from the row its parent's read returned. */
export function primeCarried(row: { id: number } & Record<string, unknown>, carried: readonly CarriedRead[]): void {
  carried.forEach((read, index) => {
    const rows = row[carriedColumn(index)];
    if (Array.isArray(rows)) read.prime(row.id, rows);
  });
}
