import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { Prisma } from '../generated/prisma/client';
import { numberAsDecimalText, plainDecimalText } from './decimal-text';

/**
 * Decimal inputs are taken as text here and checked where they are used (`decimalInput`), so a
 * malformed amount is BAD_USER_INPUT naming its field (`input.amount`), whether it came as a
 * variable or inline. Strings are taken as they are (trimmed). JSON numbers are accepted too and
 * become the exact text of their shortest round-trip form (`0.1` → "0.1", `1e-7` → "0.0000001"),
 * never a binary approximation; the column's bounds then apply to that text as to a string.
 */
function parseDecimal(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new GraphQLError(`Decimal: expected a finite number, got ${String(value)}`);
    return numberAsDecimalText(value);
  }
  throw new GraphQLError(`Decimal: expected a string like "123.45" or a number, got ${JSON.stringify(value)}`);
}

/**
 * Text already in `Decimal#toFixed`'s form: no exponent, sign, or leading or trailing zeros. Lean
 * reads bring decimals as PostgreSQL's `trim_scale(x)::text`, which is that form: passed through.
 */
const PLAIN_DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?$/;

/** Exact decimals as strings: never a float on the wire, in either direction. */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'An exact decimal number encoded as a string.',
  serialize(value) {
    if (Prisma.Decimal.isDecimal(value)) return (value as Prisma.Decimal).toFixed();
    if (typeof value === 'string' && PLAIN_DECIMAL.test(value) && value !== '-0') return value;
    if (typeof value === 'string' || typeof value === 'number') return new Prisma.Decimal(value).toFixed();
    throw new GraphQLError(`Decimal cannot represent ${typeof value}`);
  },
  parseValue: parseDecimal,
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING) return ast.value.trim();
    // A numeric literal's own text, exponent expanded: `1.5e-3` is "0.0015", exactly as written.
    if (ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return plainDecimalText(ast.value);
    throw new GraphQLError('Decimal: expected a string literal like "123.45" or a number', { nodes: ast });
  },
});

/**
 * A trade's direction as text, whether the client sent a number (the seed bot's `1` / `-1`) or a
 * string; the trading module gives the text its meaning (and names the field when it is wrong).
 */
function parseTradeDirection(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new GraphQLError(`TradeDirection: expected 1, -1 or a string like "BUY", got ${JSON.stringify(value)}`);
}

/** Input only in practice: `Trade.direction` answers a String. */
export const TradeDirectionScalar = new GraphQLScalarType({
  name: 'TradeDirection',
  description: 'A trade direction: 1 / -1, or text such as BUY / SELL.',
  serialize(value) {
    if (typeof value === 'string') return value;
    throw new GraphQLError(`TradeDirection cannot represent ${typeof value}`);
  },
  parseValue: parseTradeDirection,
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return ast.value.trim();
    throw new GraphQLError('TradeDirection: expected 1, -1 or a string like "BUY"', { nodes: ast });
  },
});

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * graphql-scalars' DateTime with the contract's output: an ISO-8601 string in UTC. Its own
 * `serialize` returns a Date, which only becomes that string if the transport happens to
 * JSON-encode it (executeOperation, and anything else in process, would see the object).
 */
export const DateTimeScalar = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  // Lean reads bring instants as the text `toISOString` writes (see db/lean-table.ts): passed through.
  serialize: (value) => (typeof value === 'string' && ISO_INSTANT.test(value) ? value : (DateTimeResolver.serialize(value) as Date).toISOString()),
});

export const scalarResolvers = {
  DateTime: DateTimeScalar,
  JSON: JSONResolver,
  Decimal: DecimalScalar,
  TradeDirection: TradeDirectionScalar,
};
