import DataLoader from 'dataloader';
import type { GraphQLResolveInfo } from 'graphql';
import { selectedColumns } from './selected-fields';
import { columnSetKey, covers, unionOfColumns, type ColumnSet, type LeanTable, type ParentIds } from '../db/lean-table';
import { configureWireReads, jsonRowsOf, type ReadScope } from '../db/wire-rows';
import { readLean } from '../db/lean-table';
import type { Prisma } from '../generated/prisma/client';
import type { CarriedRead } from './carried-reads';

/** A lean read's statement for some ids (or, carried in a parent's statement, that row's) and a SELECT list. */
export type LeanStatement = (ids: ParentIds, select: Prisma.Sql) => Prisma.Sql;

// DataLoader's contract: one result per key, in key order. These helpers build batch functions
// that honour it from one query's rows, so a loader can never answer with a shorter array.

/**
 * Process-wide loader behaviour, set once at startup. `batch: false` turns every loader into a
 * query per key (no batching, no caching): the benchmark's "naive" mode, what a resolver layer
 * without DataLoader does. `onBatch` observes batch sizes (metrics).
 */
const settings: { batch: boolean; onBatch: (size: number) => void } = { batch: true, onBatch: () => undefined };

export function configureLoaders(options: Partial<typeof settings>): void {
  Object.assign(settings, options);
  // Without batching, reads do not share statements either.
  if (options.batch !== undefined) configureWireReads({ coalesce: options.batch });
}

/** Whether loaders batch and cache (false in the benchmark's naive mode, which plans nothing ahead). */
export const batching = (): boolean => settings.batch;

/** A DataLoader that follows the process-wide settings (batching on or off, batch sizes observed). */
export function newLoader<K, V, C = K>(batchFn: (keys: readonly K[]) => Promise<V[]>, cacheKeyFn?: (key: K) => C): DataLoader<K, V, C> {
  return new DataLoader<K, V, C>(
    (keys) => {
      settings.onBatch(keys.length);
      return batchFn(keys);
    },
    { batch: settings.batch, cache: settings.batch, ...(cacheKeyFn ? { cacheKeyFn } : {}) },
  );
}

/** A loader of at most one row per key (`null` when the row is missing or not visible). */
export function loaderOfOne<K, V>(
  fetch: (keys: readonly K[]) => Promise<V[]>,
  keyOf: (row: V) => K,
): DataLoader<K, V | null> {
  return newLoader(async (keys: readonly K[]) => {
    const byKey = new Map<K, V>();
    for (const row of await fetch(keys)) byKey.set(keyOf(row), row);
    return keys.map((key) => byKey.get(key) ?? null);
  });
}

/** A loader of every row that belongs to a key, in the order the query returned them. */
export function loaderOfMany<K, V>(
  fetch: (keys: readonly K[]) => Promise<V[]>,
  keyOf: (row: V) => K,
): DataLoader<K, V[]> {
  return newLoader(async (keys: readonly K[]) => {
    const byKey = new Map<K, V[]>(keys.map((key) => [key, []]));
    for (const row of await fetch(keys)) byKey.get(keyOf(row))?.push(row);
    return keys.map((key) => byKey.get(key) ?? []);
  });
}

/**
 * Empties one loader's cache (a DataLoader, or anything with `clearAll`, such as a paged loader).
 * A mutation's writes are followed by this for every loader the request made, so the fields of
 * its result (and later mutations of the same operation) read the data as it is now.
 */
export function clearLoader(loader: unknown): void {
  if (loader instanceof DataLoader || (loader !== null && typeof (loader as { clearAll?: unknown } | undefined)?.clearAll === 'function')) {
    (loader as { clearAll(): void }).clearAll();
  }
}

/** Which field of the operation a lean read serves (its selection decides the columns). */
export type SelectionOf = Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>;

/** A loader of one row per id that reads only the columns the asking field's selection needs. */
export interface LeanLoaderOfOne<V> {
  /** The row with `id`; `info` names the field whose selection it serves (without it: the full row). */
  load(id: number, info?: SelectionOf): Promise<V | null>;
  /** Hands the loader a row another read of this request brought along, with the columns it holds. */
  prime(row: V, columns: ColumnSet): void;
  clearAll(): void;
}

/** One lean read asked for: the id it is keyed by, and the columns its field needs. */
interface LeanRequest {
  readonly id: number;
  readonly columns: ColumnSet;
}

/**
 * The batching both lean loaders share: a batch's ids read in one statement with the union of
 * their requests' columns; `answersOf` turns the rows into one answer per id.
 */
function leanBatches<V, A>(scope: ReadScope, table: LeanTable, statement: LeanStatement, answersOf: (rows: V[], ids: readonly number[]) => Map<number, A>, none: A) {
  return newLoader(
    async (requests: readonly LeanRequest[]) => {
      const ids = [...new Set(requests.map((request) => request.id))];
      const columns = unionOfColumns(requests.map((request) => request.columns));
      const answers = answersOf(await readLean<V>(scope, columns, statement(ids, table.select(columns))), ids);
      return requests.map((request) => answers.get(request.id) ?? none);
    },
    (request: LeanRequest) => `${request.id}:${columnSetKey(request.columns)}`,
  );
}

/**
 * `loaderOfOne` over a lean table: the keys of one batch are read in one statement with the
 * union of their selections' columns. A row already read with every column a later field needs
 * (the full row, say) serves that field too, so no level runs a statement it did not run before.
 */
export function leanLoaderOfOne<V extends { id: number }>(scope: ReadScope, table: LeanTable, statement: LeanStatement): LeanLoaderOfOne<V> {
  const loader = leanBatches<V, V | null>(scope, table, statement, (rows) => new Map(rows.map((row) => [row.id, row])), null);
  // The column sets each id was asked with in this request, to reuse a read that covers a later one.
  const asked = new Map<number, ColumnSet[]>();
  const remember = (id: number, columns: ColumnSet) => {
    const earlier = asked.get(id);
    if (earlier) earlier.push(columns);
    else asked.set(id, [columns]);
  };
  return {
    load(id, info) {
      const columns = selectedColumns(table, info);
      const covering = asked.get(id)?.find((have) => covers(have, columns));
      if (covering !== undefined) return loader.load({ id, columns: covering });
      remember(id, columns);
      return loader.load({ id, columns });
    },
    prime(row, columns) {
      remember(row.id, columns);
      loader.prime({ id: row.id, columns }, row);
    },
    clearAll() {
      asked.clear();
      loader.clearAll();
    },
  };
}

/** A loader of every row that belongs to a parent id, reading only the columns the asking field's selection needs. */
export interface LeanLoaderOfMany<V> {
  /** The parent's rows, in the query's order; `info` names the field they serve (without it: full rows). */
  load(parentId: number, info?: SelectionOf): Promise<V[]>;
  /** The rows of the parent row `parentIds` names, as a read its parent's statement carries (null: not carried). */
  carried(parentIds: Prisma.Sql, info: SelectionOf): CarriedRead | null;
  clearAll(): void;
}

/**
 * `loaderOfMany` over a lean table: one statement per batch, with the union of the batch's
 * selections' columns. `parentOf` reads a row's parent id, a column the table always selects.
 */
export function leanLoaderOfMany<V>(scope: ReadScope, table: LeanTable, statement: LeanStatement, parentOf: (row: V) => number): LeanLoaderOfMany<V> {
  const byParent = (rows: V[], parentIds: readonly number[]) => {
    const groups = new Map<number, V[]>(parentIds.map((id) => [id, []]));
    for (const row of rows) groups.get(parentOf(row))?.push(row);
    return groups;
  };
  const loader = leanBatches<V, V[]>(scope, table, statement, byParent, []);
  return {
    load: (id, info) => loader.load({ id, columns: selectedColumns(table, info) }),
    carried(parentIds, info) {
      const columns = selectedColumns(table, info);
      // Full rows need Prisma's decoding; without batching (naive mode) nothing is planned ahead.
      if (columns === null || !batching()) return null;
      return {
        key: columnSetKey(columns),
        sql: jsonRowsOf(statement(parentIds, table.select(columns))),
        answer: (_parentId, rows) => rows,
      };
    },
    clearAll: () => loader.clearAll(),
  };
}

/**
 * A to-one relation a lean read carried in with its row (LeanTableSpec.embeds: null when there
 * is none to see), or else what `load` reads.
 */
export function embeddedOr<T>(row: object, field: string, load: () => T | Promise<T>): T | Promise<T> {
  const value = (row as Record<string, unknown>)[field];
  return value !== undefined ? (value as T) : load();
}
