import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What one GraphQL request did, as the HTTP layer saw it at the end. */
export interface RequestObservation {
  operation: string;
  outcome: 'ok' | 'error';
  durationMs: number;
  /** Absent when statements are not counted (COUNT_STATEMENTS=false). */
  statements?: number;
}

export interface GatewayMetrics {
  readonly registry: Registry;
  observeRequest(observation: RequestObservation): void;
  observeLoaderBatch(size: number): void;
  cacheEvent(event: 'hit' | 'miss' | 'invalidation' | 'store_error'): void;
  /** Reports the database pool on every scrape. */
  watchPool(stats: () => { total: number; idle: number; waiting: number }): void;
}

/** Operation names come from clients: cap how many distinct label values they can create. */
const MAX_OPERATION_NAMES = 200;

/** Prometheus metrics of one gateway process, served at /metrics (prom-client). */
export function createMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'gateway_' });
  const duration = new Histogram({
    name: 'gateway_graphql_request_duration_seconds',
    help: 'GraphQL request duration, per operation name',
    labelNames: ['operation', 'outcome'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const statements = new Histogram({
    name: 'gateway_graphql_sql_statements',
    help: 'SQL statements run by one GraphQL request, per operation name',
    labelNames: ['operation'],
    buckets: [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233],
    registers: [registry],
  });
  const batchSize = new Histogram({
    name: 'gateway_dataloader_batch_size',
    help: 'Keys per DataLoader batch (one SQL statement each)',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [registry],
  });
  const cacheEvents = new Counter({
    name: 'gateway_balance_cache_events_total',
    help: 'Balance cache hits, misses, invalidations and store errors',
    labelNames: ['event'],
    registers: [registry],
  });
  let poolStats: (() => { total: number; idle: number; waiting: number }) | null = null;
  new Gauge({
    name: 'gateway_db_pool_connections',
    help: 'Database pool connections: in use, idle, and requests waiting for one',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      if (!poolStats) return;
      const { total, idle, waiting } = poolStats();
      this.set({ state: 'in_use' }, total - idle);
      this.set({ state: 'idle' }, idle);
      this.set({ state: 'waiting' }, waiting);
    },
  });
  const seenOperations = new Set<string>();
  const operationLabel = (name: string) => {
    if (seenOperations.has(name)) return name;
    if (seenOperations.size >= MAX_OPERATION_NAMES) return 'other';
    seenOperations.add(name);
    return name;
  };

  return {
    registry,
    observeRequest({ operation, outcome, durationMs, statements: count }) {
      const label = operationLabel(operation);
      duration.observe({ operation: label, outcome }, durationMs / 1000);
      if (count !== undefined) statements.observe({ operation: label }, count);
    },
    observeLoaderBatch: (size) => batchSize.observe(size),
    cacheEvent: (event) => cacheEvents.inc({ event }),
    watchPool(stats) {
      poolStats = stats;
    },
  };
}
