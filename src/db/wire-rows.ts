import { ColumnTypeEnum, type ArgType, type SqlDriverAdapter, type SqlDriverAdapterFactory, type SqlResultSet } from '@prisma/driver-adapter-utils';
import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { currentTally, runUncounted, type StatementStats } from './statement-counter';

// Lean reads select text already in its GraphQL form (db/lean-table.ts), so Prisma's client has
// nothing left to do for them but cost: about 0.3 ms of CPU per statement in its query pipeline
// against 0.1 ms for the same statement through its driver adapter. Wire reads go to the adapter
// directly: the same pool (or the same embedded database), the same statement tally, the same
// driver errors (classified by db/availability.ts as Prisma's are).

/**
 * Whose reads may share a statement: one request's loaders (a request's reads of one level go
 * together; other requests' reads go in their own statements, so PostgreSQL runs them in parallel).
 */
export interface ReadScope {
  readonly prisma: PrismaClient;
}

/** Runs a statement and returns its rows as plain objects, values as the driver hands them. */
type WireReader = <T>(scope: ReadScope, statement: Prisma.Sql) => Promise<T[]>;

const readers = new WeakMap<PrismaClient, WireReader>();

/** At most this many reads share one statement. */
const MAX_COALESCED = 32;

/** `coalesce: false` sends every read alone (the benchmark's naive mode, which batches nothing). */
const settings = { coalesce: true };

export function configureWireReads(options: Partial<typeof settings>): void {
  Object.assign(settings, options);
}

interface PendingRead {
  readonly statement: Prisma.Sql;
  /** The tally of the request that asked (counted once per statement it took part in). */
  readonly tally: StatementStats | undefined;
  resolve(rows: unknown[]): void;
  reject(error: unknown): void;
}

/**
 * Gives `prisma` a wire reader over the adapter factory it was built with. A scope's reads asked
 * for in one turn of the event loop (a level's loaders of one request) travel together as one
 * statement, each read's rows aggregated to JSON by PostgreSQL: one round trip instead of one
 * per loader, which is what a statement mostly costs here (the socket writes and the wake-ups of
 * the backends, more than the SQL). If the shared statement fails, each read is retried alone,
 * so an error reaches only the read that caused it.
 */
export function registerWireReader(prisma: PrismaClient, factory: SqlDriverAdapterFactory): void {
  let adapter: Promise<SqlDriverAdapter> | undefined;
  const run = async (statement: Prisma.Sql) => {
    adapter ??= factory.connect();
    return (await adapter).queryRaw({ sql: statement.text, args: statement.values as never, argTypes: statement.values.map(argTypeOf) });
  };
  let queues = new Map<ReadScope, PendingRead[]>();

  const runAlone = async (read: PendingRead) => {
    if (read.tally) read.tally.statements += 1;
    try {
      read.resolve(rowsOf(await runUncounted(() => run(read.statement))));
    } catch (error) {
      read.reject(error);
    }
  };

  const runTogether = async (reads: PendingRead[]) => {
    for (const tally of new Set(reads.map((read) => read.tally))) if (tally) tally.statements += 1;
    const parts = reads.map((read, index) => Prisma.sql`${jsonRowsOf(read.statement)} AS ${Prisma.raw(`"${index}"`)}`);
    let combined: unknown[];
    try {
      combined = (await runUncounted(() => run(Prisma.sql`SELECT ${Prisma.join(parts, ', ')}`))).rows[0]!;
    } catch {
      for (const read of reads) void runAlone(read);
      return;
    }
    reads.forEach((read, index) => {
      const value = combined[index];
      read.resolve((typeof value === 'string' ? JSON.parse(value) : value) as unknown[]);
    });
  };

  const flush = () => {
    const pending = queues;
    queues = new Map();
    for (const reads of pending.values()) {
      for (let start = 0; start < reads.length; start += MAX_COALESCED) {
        const chunk = reads.slice(start, start + MAX_COALESCED);
        void (chunk.length === 1 ? runAlone(chunk[0]!) : runTogether(chunk));
      }
    }
  };

  readers.set(prisma, <T>(scope: ReadScope, statement: Prisma.Sql) =>
    new Promise<T[]>((resolve, reject) => {
      const read = { statement, tally: currentTally(), resolve: resolve as (rows: unknown[]) => void, reject };
      if (!settings.coalesce) return void runAlone(read);
      if (queues.size === 0) setImmediate(flush);
      const queue = queues.get(scope);
      if (queue) queue.push(read);
      else queues.set(scope, [read]);
    }),
  );
}

/**
 * A statement's rows as one JSON array, an expression to embed in another statement (its rows
 * come back as the same plain objects a read of their own returns). json_agg keeps the order of
 * its subquery's rows, so the statement's ORDER BY holds.
 */
export const jsonRowsOf = (statement: Prisma.Sql): Prisma.Sql => Prisma.sql`(SELECT coalesce(json_agg(r), '[]'::json) FROM (${statement}) r)`;

/** A result set's rows as plain objects; JSON columns parsed (the adapters hand them over as text). */
function rowsOf(result: SqlResultSet): unknown[] {
  const { columnNames, columnTypes } = result;
  const json = columnTypes.map((type) => type === ColumnTypeEnum.Json);
  const rows = new Array<unknown>(result.rows.length);
  for (let r = 0; r < result.rows.length; r++) {
    const values = result.rows[r]!;
    const row: Record<string, unknown> = {};
    for (let c = 0; c < columnNames.length; c++) {
      const value = values[c];
      row[columnNames[c]!] = json[c] && typeof value === 'string' ? JSON.parse(value) : value;
    }
    rows[r] = row;
  }
  return rows;
}

/** The rows of `statement`, read for `scope` through its client's wire reader (or Prisma itself for a client without one). */
export function wireRows<T>(scope: ReadScope, statement: Prisma.Sql): Promise<T[]> {
  const reader = readers.get(scope.prisma);
  return reader ? reader<T>(scope, statement) : scope.prisma.$queryRaw<T[]>(statement);
}

const SCALAR: ArgType = { scalarType: 'unknown', arity: 'scalar' };
const LIST: ArgType = { scalarType: 'unknown', arity: 'list' };
const DATETIME: ArgType = { scalarType: 'datetime', arity: 'scalar' };

/** How the adapter should pass a value: lists as arrays, instants as timestamps, the rest as they are. */
const argTypeOf = (value: unknown): ArgType => (Array.isArray(value) ? LIST : value instanceof Date ? DATETIME : SCALAR);
