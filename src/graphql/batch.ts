import DataLoader from 'dataloader';
import type { ParentPage } from '../db/pages-per-parent';
import type { Page } from './pagination';

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
}

function newLoader<K, V>(batchFn: (keys: readonly K[]) => Promise<V[]>): DataLoader<K, V> {
  return new DataLoader<K, V>(
    (keys) => {
      settings.onBatch(keys.length);
      return batchFn(keys);
    },
    { batch: settings.batch, cache: settings.batch },
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

/** Loaders of one page of a child list per parent, one loader per distinct paging arguments. */
export interface PagedLoader<Row, Args extends Page = Page> {
  (page: Args): DataLoader<number, ParentPage<Row>>;
  /** Forgets every page read so far (after a write, so later reads see it). */
  clearAll(): void;
}

/**
 * Loaders of one page of a child list per parent id. Fields with the same paging arguments
 * share one loader, so all parents of a level are read in one statement.
 */
export function pagedLoader<Row, Args extends Page = Page>(
  fetch: (parentIds: readonly number[], page: Args) => Promise<Map<number, ParentPage<Row>>>,
): PagedLoader<Row, Args> {
  const loaders = new Map<string, DataLoader<number, ParentPage<Row>>>();
  const loaderFor = (page: Args) => {
    const argsKey = JSON.stringify(page);
    let loader = loaders.get(argsKey);
    if (!loader) {
      loader = newLoader(async (parentIds: readonly number[]) => {
        const pages = await fetch(parentIds, page);
        return parentIds.map((id) => pages.get(id) ?? { rows: [], keys: [], totalCount: 0 });
      });
      loaders.set(argsKey, loader);
    }
    return loader;
  };
  return Object.assign(loaderFor, { clearAll: () => loaders.clear() });
}

/**
 * Empties every cache of a request's loaders. A mutation calls it after its write: the fields
 * of its result (and of the mutations after it in the same operation) must read the data as it
 * is now, not as an earlier field of the operation loaded it.
 */
export function clearLoaders(loaders: object): void {
  for (const loader of Object.values(loaders)) {
    if (loader instanceof DataLoader || (typeof loader === 'function' && typeof loader.clearAll === 'function')) {
      loader.clearAll();
    }
  }
}
