import { ColumnTypeEnum, type ArgType, type SqlDriverAdapter, type SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { Prisma, PrismaClient } from '../generated/prisma/client';

// Lean reads select text already in its GraphQL form (db/lean-table.ts), so Prisma's client has
// nothing left to do for them but cost: about 0.3 ms of CPU per statement in its query pipeline
// against 0.1 ms for the same statement through its driver adapter. Wire reads go to the adapter
// directly: the same pool (or the same embedded database), the same statement tally, the same
// driver errors (classified by db/availability.ts as Prisma's are).

/** Runs a statement and returns its rows as plain objects, values as the driver hands them. */
export type WireReader = <T>(statement: Prisma.Sql) => Promise<T[]>;

const readers = new WeakMap<PrismaClient, WireReader>();

/** Gives `prisma` a wire reader over the adapter factory it was built with. */
export function registerWireReader(prisma: PrismaClient, factory: SqlDriverAdapterFactory): void {
  let adapter: Promise<SqlDriverAdapter> | undefined;
  readers.set(prisma, async <T>(statement: Prisma.Sql) => {
    adapter ??= factory.connect();
    const result = await (await adapter).queryRaw({ sql: statement.text, args: statement.values as never, argTypes: statement.values.map(argTypeOf) });
    const { columnNames, columnTypes } = result;
    const json = columnTypes.map((type) => type === ColumnTypeEnum.Json);
    const rows = new Array<T>(result.rows.length);
    for (let r = 0; r < result.rows.length; r++) {
      const values = result.rows[r]!;
      const row: Record<string, unknown> = {};
      for (let c = 0; c < columnNames.length; c++) {
        const value = values[c];
        // The adapters hand JSON over as text (Prisma's engine parses it).
        row[columnNames[c]!] = json[c] && typeof value === 'string' ? JSON.parse(value) : value;
      }
      rows[r] = row as T;
    }
    return rows;
  });
}

/** The rows of `statement`, through `prisma`'s wire reader (or Prisma itself for a client without one). */
export function wireRows<T>(prisma: PrismaClient, statement: Prisma.Sql): Promise<T[]> {
  const reader = readers.get(prisma);
  return reader ? reader<T>(statement) : prisma.$queryRaw<T[]>(statement);
}

const SCALAR: ArgType = { scalarType: 'unknown', arity: 'scalar' };
const LIST: ArgType = { scalarType: 'unknown', arity: 'list' };
const DATETIME: ArgType = { scalarType: 'datetime', arity: 'scalar' };

/** How the adapter should pass a value: lists as arrays, instants as timestamps, the rest as they are. */
const argTypeOf = (value: unknown): ArgType => (Array.isArray(value) ? LIST : value instanceof Date ? DATETIME : SCALAR);
