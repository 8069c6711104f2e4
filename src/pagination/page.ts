import { Kind, type GraphQLResolveInfo, type SelectionNode } from 'graphql';
import { badUserInput } from '../errors';
import { decodeCursor, type CursorKey } from './cursor';
import { shapeOf, type ListOrder } from './order';

/** Relay page sizes: what `first` defaults to, and the most a client may ask for. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** Validated paging arguments: `after` decoded to the sort key it points past. */
export interface Page {
  first: number;
  after: CursorKey | null;
  /** Whether the client selected `totalCount` (counting costs a scan; skipped when not asked). */
  withTotal?: boolean;
}

/** Validates `first` and `after` against the list's order (which fixes the cursor's shape). */
export function parsePage(args: PageArgs, order: ListOrder): Page {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`first: expected an integer from 0 to ${MAX_PAGE_SIZE}, got ${first}`, 'first');
  }
  return { first, after: args.after ? decodeCursor(args.after, shapeOf(order)) : null };
}

/** `parsePage` for a child connection: also notes whether `totalCount` is selected. */
export function parseChildPage(args: PageArgs, info: GraphQLResolveInfo, order: ListOrder): Page {
  return { ...parsePage(args, order), withTotal: selectsTotalCount(info) };
}

const totalCountSelected = new WeakMap<GraphQLResolveInfo['fieldNodes'], boolean>();

/**
 * Whether a connection field's selection asks for `totalCount` (directly or in a fragment on
 * it), so a child list only counts its rows when someone reads the count.
 */
export function selectsTotalCount(info: GraphQLResolveInfo): boolean {
  // graphql-js hands every parent of a list the same fieldNodes array: answer once per array.
  const known = totalCountSelected.get(info.fieldNodes);
  if (known !== undefined) return known;
  // Each fragment is looked into once: a document whose fragments spread each other many times
  // costs what its text costs, not the number of paths through it.
  const visited = new Set<string>();
  const visit = (selections: readonly SelectionNode[]): boolean =>
    selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === 'totalCount';
      if (selection.kind === Kind.INLINE_FRAGMENT) return visit(selection.selectionSet.selections);
      const name = selection.name.value;
      if (visited.has(name)) return false;
      visited.add(name);
      const fragment = info.fragments[name];
      return fragment ? visit(fragment.selectionSet.selections) : true;
    });
  const selected = info.fieldNodes.some((node) => (node.selectionSet ? visit(node.selectionSet.selections) : false));
  totalCountSelected.set(info.fieldNodes, selected);
  return selected;
}
