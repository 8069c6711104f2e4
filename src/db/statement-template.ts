import { Prisma } from '../generated/prisma/client';

// A read whose SQL is the same on every request but for a few values (an item's dfids) can have
// its text built once: composing Prisma.sql fragments and rendering the text cost more than the
// statement's own bind and run, and the same string object each time lets the prepared-statement
// lookup reuse the string's hash instead of hashing a new kilobyte of text.

const SLOT = Symbol('statement slot');

interface Slot<P extends string> {
  readonly [SLOT]: P;
}

const isSlot = (value: unknown): value is Slot<string> => typeof value === 'object' && value !== null && SLOT in value;

/** A statement with named slots for its per-request values. */
export interface StatementTemplate<P extends string> {
  /** The statement with these values in its slots: the same text (one string), fresh values. */
  with(values: Readonly<Record<P, unknown>>): Prisma.Sql;
}

/**
 * Builds `build`'s statement once, with a placeholder value for each `slot(name)` it uses;
 * `with` fills them. Every other value stays as built.
 */
export function statementTemplate<P extends string>(build: (slot: (name: P) => unknown) => Prisma.Sql): StatementTemplate<P> {
  const built = build((name) => ({ [SLOT]: name }) satisfies Slot<P>);
  const text = built.text;
  const slots = built.values.map((value) => (isSlot(value) ? (value[SLOT] as P) : undefined));
  return {
    with(values) {
      const statement = Object.create(Prisma.Sql.prototype) as Prisma.Sql & { strings: string[]; values: unknown[] };
      statement.strings = built.strings as string[];
      statement.values = built.values.map((value, index) => {
        const slot = slots[index];
        return slot === undefined ? value : values[slot];
      });
      // An own property in front of the prototype's getter, which would render the text again.
      Object.defineProperty(statement, 'text', { value: text });
      return statement;
    },
  };
}
