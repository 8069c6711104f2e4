import { getArgumentValues, getNamedType, isObjectType, visit, type FieldNode, type GraphQLField, type GraphQLResolveInfo } from 'graphql';
import { Prisma } from '../generated/prisma/client';
import { batching, type SelectionOf } from './batch';
import { fieldsOf, selectedColumns } from './selected-fields';
import type { ColumnSet, LeanTable } from '../db/lean-table';

// A field that reads one row (an item by its dfid), or a page of rows (circuits, sessions), can
// carry the child lists its selection asks for (of each row) in the same statement, each a
// correlated subquery aggregated to JSON: one round trip for the rows and their lists instead of
// one per level. The lists' own loaders write the subqueries
// (the same SQL, visibility and order as their batched reads) and shape what came back as their
// resolvers would (a list, a connection); the answers ride on the parent row, so each list's
// resolver returns its own at once (`carriedOr`) and reads through its loader otherwise.

/** A child list read along with its parent's row. */
export interface CarriedRead {
  /** What the read depends on besides the parent (columns, page): part of the parent read's key. */
  readonly key: string;
  /** An expression of the parent row's list, as a JSON array (see db/wire-rows.ts `jsonRowsOf`). */
  readonly sql: Prisma.Sql;
  /** The field's answer (what its resolver would return) from the rows the expression returned for the parent `parentId`. */
  answer(parentId: number, rows: unknown[]): unknown;
}

/** A carried read of one response key of the parent's selection. */
export interface CarriedList extends CarriedRead {
  readonly responseKey: string;
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
 * The child lists of the field `info` resolves (or of the objects at `path` inside it: a
 * connection's nodes) that `carriers` can read along with its row, `parentIds` naming that row
 * inside the statement. One walk over the field's selection (each fragment once); a list whose
 * arguments do not validate is left to its resolver, which reports the error at its own path.
 */
function carriedReadsOf(info: GraphQLResolveInfo, parentIds: Prisma.Sql, carriers: Carriers, path: readonly string[]): readonly CarriedList[] {
  const carried: CarriedList[] = [];
  for (const { responseKey, name, definition, selection } of listFieldsOf(info, path).fields) {
    const carrier = carriers[name];
    if (!carrier || carried.length >= MAX_CARRIED) continue;
    try {
      const args = getArgumentValues(definition, selection.fieldNodes[0]!, info.variableValues);
      const read = carrier(parentIds, { args, info: { ...selection, variableValues: info.variableValues } });
      // Two response keys of one list (aliases) are two reads with answers of their own.
      if (read) carried.push({ ...read, key: `${responseKey}=${read.key}`, responseKey });
    } catch {
      // Invalid arguments (a bad cursor, a page too large): the field's resolver says so.
    }
  }
  return carried;
}

/**
 * What a read of the field `info` resolves plans from its selection (its columns, its carried
 * lists), made once per selection, viewer and values of the variables its child fields'
 * arguments use, and then reused: planning costs more than the read. `viewerKey` keeps plans
 * apart whose SQL names the viewer; `plan` may depend on nothing else of the request.
 */
export function planOf<T>(info: GraphQLResolveInfo, viewerKey: string, plan: () => T, path: readonly string[] = []): T {
  // Without batching (the benchmark's naive mode) nothing is planned ahead: no plan is kept.
  if (!batching()) return plan();
  const children = listFieldsOf(info, path);
  let key = viewerKey;
  for (const name of children.variables) key += `\u0000${JSON.stringify(info.variableValues[name]) ?? ''}`;
  const plans = children.plans as Map<string, T>;
  let planned = plans.get(key);
  if (planned === undefined) {
    // Bounded: a document asked for by many viewers (or with many argument values) starts over.
    if (plans.size >= MAX_PLANS) plans.clear();
    planned = plan();
    plans.set(key, planned);
  }
  return planned;
}

/** At most this many plans are kept per field of a document. */
const MAX_PLANS = 256;

/** A child field of the resolved one: its definition and its nodes (one response key). */
interface ChildFieldNodes {
  readonly responseKey: string;
  readonly name: string;
  readonly definition: GraphQLField<unknown, unknown>;
  readonly selection: SelectionOf;
}

/** A field's child fields, the variables their arguments use, and the plans made for the field. */
interface ChildFields {
  readonly fields: readonly ChildFieldNodes[];
  readonly variables: readonly string[];
  readonly plans: Map<string, unknown>;
}

const childFieldsOf = new WeakMap<GraphQLResolveInfo['fieldNodes'], Map<string, ChildFields>>();

/**
 * The child fields under the resolved field (or under `path` inside it: `['edges', 'node']` for
 * a connection's nodes), fragments spread in, one entry per response key (its nodes merged, as
 * graphql-js merges them). Answered once per fieldNodes array and path, so the selections
 * handed on are the same arrays on every request of a document, and what is derived from them
 * (columns, pages) is cached as the resolvers' own selections are.
 */
function listFieldsOf(info: GraphQLResolveInfo, path: readonly string[]): ChildFields {
  let byPath = childFieldsOf.get(info.fieldNodes);
  if (!byPath) childFieldsOf.set(info.fieldNodes, (byPath = new Map()));
  const pathKey = path.join('.');
  const known = byPath.get(pathKey);
  if (known) return known;
  let type = getNamedType(info.returnType);
  let sets = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  for (const name of path) {
    const next = isObjectType(type) ? type.getFields()[name] : undefined;
    const onPath = fieldsOf(sets, info.fragments).filter((field) => field.name.value === name);
    // Under two response keys (`a: edges`, `b: edges`) one object is resolved with two
    // selections, whose lists would share a response key: nothing is carried then.
    const keys = new Set(onPath.map((field) => field.alias?.value ?? name));
    sets = next && keys.size === 1 ? onPath.flatMap((field) => (field.selectionSet ? [field.selectionSet] : [])) : [];
    if (next) type = getNamedType(next.type);
  }
  const fields = isObjectType(type) ? type.getFields() : {};
  const byKey = new Map<string, FieldNode[]>();
  for (const field of fieldsOf(sets, info.fragments)) {
    const key = field.alias?.value ?? field.name.value;
    const nodes = byKey.get(key);
    if (nodes) nodes.push(field);
    else byKey.set(key, [field]);
  }
  const children: ChildFieldNodes[] = [];
  const variables = new Set<string>();
  for (const [responseKey, nodes] of byKey) {
    const name = nodes[0]!.name.value;
    const definition = fields[name];
    if (!definition) continue;
    children.push({ responseKey, name, definition, selection: { fieldNodes: nodes, fragments: info.fragments } });
    for (const argument of nodes[0]!.arguments ?? []) {
      visit(argument.value, { Variable: (variable) => void variables.add(variable.name.value) });
    }
  }
  const answer: ChildFields = { fields: children, variables: [...variables], plans: new Map() };
  byPath.set(pathKey, answer);
  return answer;
}

/** The key of a parent read's carried lists (for its loader's cache key). */
export const carriedKey = (carried: readonly CarriedList[]): string => carried.map((read) => read.key).join(';');

/** The column the `index`th carried list comes back in, beside the row's own columns. */
const carriedColumn = (index: number) => `__c${index}`;

/** The SELECT list entries of carried lists: `"__c0"`, `"__c1"`, … */
const carriedColumns = (carried: readonly CarriedList[]): Prisma.Sql[] =>
  carried.map((read, index) => Prisma.sql`${read.sql} AS ${Prisma.raw(`"${carriedColumn(index)}"`)}`);

const ANSWERS = Symbol('carried answers');

/** Gives the row its carried lists' answers (by response key), from the columns its read returned. */
export function answerCarried(row: { id: number } & Record<string | symbol, unknown>, carried: readonly CarriedList[]): void {
  const answers: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  carried.forEach((read, index) => {
    const rows = row[carriedColumn(index)];
    if (Array.isArray(rows)) answers[read.responseKey] = read.answer(row.id, rows);
  });
  row[ANSWERS] = answers;
}

/** The answer the parent's read carried for the field `info` resolves, or else what `read` reads. */
export function carriedOr<T>(parent: object, info: Pick<GraphQLResolveInfo, 'path'>, read: () => T | Promise<T>): T | Promise<T> {
  const answers = (parent as { [ANSWERS]?: Record<string, unknown> })[ANSWERS];
  const key = info.path.key;
  return answers !== undefined && typeof key === 'string' && key in answers ? (answers[key] as T) : read();
}

/** How rows of a table are read for a selection: their columns, and the lists each row carries. */
export interface ReadPlan {
  readonly columns: ColumnSet;
  readonly carried: readonly CarriedList[];
  /** The SELECT list: the columns and the carried lists. */
  readonly select: Prisma.Sql;
}

/**
 * A read of `table`'s rows with `columns`, carrying the lists of the objects at `path` in
 * `info`'s selection that `lists` can read along. Full rows (null: a selection the lean table
 * does not know) come through Prisma's decoding and carry nothing.
 */
export function readPlan(table: LeanTable, columns: ColumnSet, info?: GraphQLResolveInfo, lists?: Carriers, path: readonly string[] = []): ReadPlan {
  const carried = info && lists && columns !== null ? carriedReadsOf(info, table.idArray, lists, path) : [];
  return { columns, carried, select: Prisma.join([table.select(columns), ...carriedColumns(carried)]) };
}

const NODE_PATH = ['edges', 'node'];

/**
 * The plan of a root page of `table`'s rows for the connection field `info` resolves: each
 * node's columns and, given `lists`, the node lists of each row its statement carries (planned
 * once per document, viewer and variables, as `planOf` does).
 */
export function pagePlanOf(table: LeanTable, info: GraphQLResolveInfo | undefined, viewerKey: string, lists?: Carriers): ReadPlan {
  const plan = () => readPlan(table, selectedColumns(table, info, NODE_PATH), info, lists, NODE_PATH);
  return info && lists ? planOf(info, viewerKey, plan, NODE_PATH) : plan();
}

/** `answerCarried` for each row of a page read with `plan`. */
export function answerCarriedRows(rows: ReadonlyArray<{ id: number }>, plan: ReadPlan): void {
  if (plan.carried.length) for (const row of rows) answerCarried(row as { id: number } & Record<string, unknown>, plan.carried);
}
