import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { ColumnSet, LeanTable } from '../db/lean-table';

/**
 * The names of the fields an operation selects on the object a field returns, or on the object
 * at `path` inside it (`['edges', 'node']` for a connection's nodes), through fragments and
 * inline fragments (type conditions ignored: a superset is safe). Answered once per fieldNodes
 * array, which graphql-js shares between every parent of a list, so a level costs one walk.
 */
export function selectedFieldNames(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, path: readonly string[] = []): ReadonlySet<string> {
  const pathKey = path.join('.');
  let byPath = known.get(info.fieldNodes);
  if (!byPath) known.set(info.fieldNodes, (byPath = new Map()));
  const cached = byPath.get(pathKey);
  if (cached) return cached;

  let level: readonly SelectionSetNode[] = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  for (const name of path) {
    level = fieldsOf(level, info.fragments).flatMap((field) => (field.name.value === name && field.selectionSet ? [field.selectionSet] : []));
  }
  const names = new Set(fieldsOf(level, info.fragments).map((field) => field.name.value));
  byPath.set(pathKey, names);
  return names;
}

/**
 * The columns of `table` the selection at `path` needs, in their wire form, its embeddable
 * relations' included (see LeanTable); without `info` (a caller that does not know the
 * selection), null: the full row.
 */
export function selectedColumns(
  table: LeanTable,
  info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'> | undefined,
  path: readonly string[] = [],
): ColumnSet {
  if (!info) return null;
  return table.columnsFor(selectedFieldNames(info, path), (field) => selectedFieldNames(info, [...path, field]));
}

const known = new WeakMap<GraphQLResolveInfo['fieldNodes'], Map<string, ReadonlySet<string>>>();

/** The fields of some selection sets, fragments spread in (each fragment once). */
export function fieldsOf(sets: readonly SelectionSetNode[], fragments: GraphQLResolveInfo['fragments']): FieldNode[] {
  const fields: FieldNode[] = [];
  const visited = new Set<string>();
  const visit = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) fields.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const fragment = fragments[selection.name.value];
        if (fragment) visit(fragment.selectionSet);
      }
    }
  };
  for (const set of sets) visit(set);
  return fields;
}
