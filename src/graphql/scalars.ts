import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { Prisma } from '../generated/prisma/client';

/**
 * Decimal inputs are taken as text here and checked where they are used (`decimalInput`), so a
 * malformed amount is BAD_USER_INPUT naming its field (`input.amount`), whether it came as a
 * variable or inline. Numbers are accepted and kept as their text: clients should send strings.
 */
function parseDecimal(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new GraphQLError(`Decimal: expected a string like "123.45", got ${JSON.stringify(value)}`);
}

/** Exact decimals as strings: never a float on the wire, in either direction. */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'An exact decimal number encoded as a string.',
  serialize(value) {
    if (Prisma.Decimal.isDecimal(value)) return (value as Prisma.Decimal).toFixed();
    if (typeof value === 'string' || typeof value === 'number') return new Prisma.Decimal(value).toFixed();
    throw new GraphQLError(`Decimal cannot represent ${typeof value}`);
  },
  parseValue: parseDecimal,
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return ast.value.trim();
    throw new GraphQLError('Decimal: expected a string literal like "123.45"', { nodes: ast });
  },
});

/**
 * graphql-scalars' DateTime with the contract's output: an ISO-8601 string in UTC. Its own
 * `serialize` returns a Date, which only becomes that string if the transport happens to
 * JSON-encode it (executeOperation, and anything else in process, would see the object).
 */
export const DateTimeScalar = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  serialize: (value) => (DateTimeResolver.serialize(value) as Date).toISOString(),
});

export const scalarResolvers = {
  DateTime: DateTimeScalar,
  JSON: JSONResolver,
  Decimal: DecimalScalar,
};
