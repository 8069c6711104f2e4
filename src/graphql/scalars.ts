import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { Prisma } from '../generated/prisma/client';

const DECIMAL_PATTERN = /^-?\d{1,18}(\.\d{1,18})?$/;

function parseDecimal(value: unknown): string {
  if (typeof value !== 'string' || !DECIMAL_PATTERN.test(value.trim())) {
    throw new GraphQLError(
      `Decimal: expected a string like "123.45" (at most 18 digits before and after the point), got ${JSON.stringify(value)}`,
    );
  }
  return value.trim();
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
    if (ast.kind !== Kind.STRING) throw new GraphQLError('Decimal: expected a string literal like "123.45"', { nodes: ast });
    return parseDecimal(ast.value);
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
