import { Prisma } from '../generated/prisma/client';
import { wireRows, type ReadScope } from './wire-rows';

// Lean reads: a loader selects only the columns its fields need, each in the form it has on the
// wire (decimals and instants as PostgreSQL's text), so rows are neither decoded into Decimal.js
// and Date nor mapped again; the Decimal and DateTime scalars pass that text through unchanged.

/** How a column travels: as it is, or as the text the GraphQL scalar writes for it. */
export type ColumnKind = 'plain' | 'decimal' | 'timestamp';

/**
 * The parents a child read is for: their ids (one parameter), or an SQL expression of an int
 * array naming the row of an enclosing statement (`ARRAY[i.id]`), for a read carried in its
 * parent's statement (graphql/carried-reads.ts).
 */
export type ParentIds = readonly number[] | Prisma.Sql;

/** The columns a read needs, or null for every column as Prisma decodes them (the full row). */
export type ColumnSet = ReadonlySet<string> | null;

/** The text `Date#toISOString` writes for a `timestamp(3)` (UTC): what the DateTime scalar outputs. */
const ISO_FORMAT = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** A column expression in its wire form: `trim_scale` gives Decimal#toFixed's text (`1.5`, not `1.500…`). */
export function wireSql(expression: string, kind: ColumnKind): string {
  if (kind === 'decimal') return `trim_scale(${expression})::text`;
  if (kind === 'timestamp') return `to_char(${expression}, ${ISO_FORMAT})`;
  return expression;
}

export interface LeanTableSpec {
  /** The table's alias in the loader's SQL, e.g. `t`. */
  readonly alias: string;
  /** Every column of the row, by name, with how it travels. */
  readonly columns: Readonly<Record<string, ColumnKind>>;
  /**
   * The columns a GraphQL field reads when it is not a column of the same name (a relation
   * reads its foreign key; a child list reads nothing but the id). A selected field that is
   * neither a column nor listed here makes the read fetch the full row, decoded as before: a
   * resolver this table does not know may want Decimal or Date values.
   */
  readonly fields: Readonly<Record<string, readonly string[]>>;
  /** Columns every read includes (the id, which cursors, visibility and children use). */
  readonly always?: readonly string[];
  /**
   * To-one relations a read can carry with its rows, by field: when the selection asks for the
   * field and its own selection is lean, the row gets the related row as JSON (a correlated
   * subquery), so its resolver needs no statement of its own, one level fewer.
   */
  readonly embeds?: Readonly<Record<string, LeanEmbed>>;
}

/** Where a row's to-one relation is, for a read that carries it along (see `LeanTableSpec.embeds`). */
export interface LeanEmbed {
  /** The related row's lean table (an alias of its own). */
  readonly table: LeanTable;
  /**
   * FROM and WHERE finding the related row of one row of this table, visibility included:
   * `"User" u WHERE u.id = ci."userId"`. No row found reads null, as the relation's loader would.
   */
  readonly from: string;
}

/**
 * A table's lean reads. A column field of the same name is served straight from the row, so it
 * must not have a resolver that expects Decimal.js or a Date: give such a field an entry in
 * `fields` only once its resolver accepts text.
 */
export interface LeanTable {
  /**
   * The columns a selection needs (null: the full row). Answered once per selection set. Given
   * `nestedOf` (the field names selected under one of these fields), an embeddable relation whose
   * selection is lean is read along (an entry `field{columns}` in the set).
   */
  columnsFor(fields: ReadonlySet<string>, nestedOf?: (field: string) => ReadonlySet<string>): ColumnSet;
  /** The SELECT list of a column set. */
  select(columns: ColumnSet): Prisma.Sql;
  /** A JSON object of a (lean) column set, for a read that embeds this table's row. */
  jsonOf(columns: ReadonlySet<string>): string;
  /** Every column of the row in its wire form (for a read whose fields are not known). */
  readonly everyColumn: ColumnSet;
  /** The row's id as a one-element array (`ARRAY[i.id]`): its children's parents in a read it carries. */
  readonly idArray: Prisma.Sql;
}

export function leanTable(spec: LeanTableSpec): LeanTable {
  const always = spec.always ?? ['id'];
  const byFields = new WeakMap<ReadonlySet<string>, ColumnSet>();
  const byFieldsWithEmbeds = new WeakMap<ReadonlySet<string>, ColumnSet>();
  const selects = new Map<string, Prisma.Sql>();
  const jsons = new Map<string, string>();
  const full = Prisma.raw(`${spec.alias}.*`);
  const wireColumn = (name: string) => wireSql(`${spec.alias}."${name}"`, spec.columns[name] ?? 'plain');
  const table: LeanTable = {
    columnsFor(fields, nestedOf) {
      const cache = nestedOf && spec.embeds ? byFieldsWithEmbeds : byFields;
      if (cache.has(fields)) return cache.get(fields)!;
      let columns: Set<string> | null = new Set(always);
      for (const field of fields) {
        if (field === '__typename') continue;
        const embed = nestedOf && spec.embeds?.[field];
        const embedded = embed ? embed.table.columnsFor(nestedOf(field)) : null;
        if (embedded !== null) {
          columns.add(`${field}{${columnSetKey(embedded)}}`);
          continue;
        }
        const needs = spec.fields[field] ?? (field in spec.columns ? [field] : undefined);
        if (!needs) {
          columns = null;
          break;
        }
        for (const column of needs) columns.add(column);
      }
      cache.set(fields, columns);
      return columns;
    },
    select(columns) {
      if (columns === null) return full;
      const key = columnSetKey(columns);
      let sql = selects.get(key);
      if (!sql) {
        const list: string[] = [];
        // Embedded relations, each once with the union of the columns asked for it.
        const embedded = new Map<string, Set<string>>();
        for (const name of [...columns].sort()) {
          const brace = name.indexOf('{');
          if (brace < 0) {
            list.push((spec.columns[name] ?? 'plain') === 'plain' ? wireColumn(name) : `${wireColumn(name)} AS "${name}"`);
            continue;
          }
          const field = name.slice(0, brace);
          const nested = embedded.get(field) ?? new Set<string>();
          for (const column of name.slice(brace + 1, -1).split(',')) if (column) nested.add(column);
          embedded.set(field, nested);
        }
        for (const [field, nested] of embedded) {
          const embed = spec.embeds![field]!;
          list.push(`(SELECT ${embed.table.jsonOf(nested)} FROM ${embed.from}) AS "${field}"`);
        }
        sql = Prisma.raw(list.join(', '));
        selects.set(key, sql);
      }
      return sql;
    },
    jsonOf(columns) {
      const key = columnSetKey(columns);
      let json = jsons.get(key);
      if (json === undefined) {
        json = `json_build_object(${[...columns].sort().map((name) => `'${name}', ${wireColumn(name)}`).join(', ')})`;
        jsons.set(key, json);
      }
      return json;
    },
    everyColumn: new Set([...always, ...Object.keys(spec.columns)]),
    idArray: Prisma.raw(`ARRAY[${spec.alias}.id]`),
  };
  return table;
}

/** Runs a lean read: wire rows for a column set, Prisma's decoded rows for the full row (null). */
export function readLean<V>(scope: ReadScope, columns: ColumnSet, statement: Prisma.Sql): Promise<V[]> {
  return columns === null ? scope.prisma.$queryRaw<V[]>(statement) : wireRows<V>(scope, statement);
}

const setKeys = new WeakMap<ReadonlySet<string>, string>();

/** A column set's identity for cache keys (`*` for the full row). */
export function columnSetKey(columns: ColumnSet): string {
  if (columns === null) return '*';
  let key = setKeys.get(columns);
  if (key === undefined) setKeys.set(columns, (key = [...columns].sort().join(',')));
  return key;
}

/** The columns that serve every one of several reads (null if any needs the full row). */
export function unionOfColumns(sets: Iterable<ColumnSet>): ColumnSet {
  let union: Set<string> | undefined;
  let first: ColumnSet | undefined;
  for (const set of sets) {
    if (set === null) return null;
    if (first === undefined) first = set;
    else if (set !== first) {
      union ??= new Set(first);
      for (const column of set) union.add(column);
    }
  }
  return union ?? first ?? new Set<string>();
}

/** Whether the rows read for `have` hold every column `want` needs. */
export function covers(have: ColumnSet, want: ColumnSet): boolean {
  if (have === null) return true;
  if (want === null) return false;
  for (const column of want) if (!have.has(column)) return false;
  return true;
}
