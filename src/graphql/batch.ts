import DataLoader from 'dataloader';

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

/** A DataLoader that follows the process-wide settings (batching on or off, batch sizes observed). */
export function newLoader<K, V>(batchFn: (keys: readonly K[]) => Promise<V[]>): DataLoader<K, V> {
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

/**
 * Empties one loader's cache (a DataLoader, or anything with `clearAll`, such as a paged loader).
 * A mutation's writes are followed by this for every loader the request made, so the fields of
 * its result (and later mutations of the same operation) read the data as it is now.
 */
export function clearLoader(loader: unknown): void {
  if (loader instanceof DataLoader || (typeof loader === 'function' && typeof (loader as { clearAll?: unknown }).clearAll === 'function')) {
    (loader as { clearAll(): void }).clearAll();
  }
}
