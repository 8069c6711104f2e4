import { Prisma } from '../generated/prisma/client';
import { badUserInput } from '../errors';

/** Trims `value` and checks it is non-empty and at most `max` characters; names `field` if not. */
export function requiredText(value: string, field: string, max = 200): string {
  const text = value.trim();
  if (text === '') throw badUserInput(`${field}: must not be empty`, field);
  if (text.length > max) throw badUserInput(`${field}: at most ${max} characters`, field);
  return text;
}

/** Like `requiredText`, for optional inputs: null and undefined pass through. */
export function optionalText(value: string | null | undefined, field: string, max = 2000): string | null | undefined {
  return value === null || value === undefined ? value : requiredText(value, field, max);
}

/** Checks a number lies in [min, max]. */
export function numberInRange(value: number, field: string, min: number, max: number): number {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw badUserInput(`${field}: expected a number from ${min} to ${max}, got ${value}`, field);
  }
  return value;
}

/** Checks a list has at most `max` entries. */
export function listOfAtMost<T>(values: readonly T[] | null | undefined, field: string, max: number): readonly T[] {
  const list = values ?? [];
  if (list.length > max) throw badUserInput(`${field}: at most ${max} entries`, field);
  return list;
}

/** What the database stores exactly: DECIMAL(36, 18). */
const DECIMAL_PATTERN = /^-?\d{1,18}(\.\d{1,18})?$/;

/**
 * A Decimal input (already shaped by the Decimal scalar) checked against bounds; the error
 * names the field, e.g. "input.amount: must be greater than 0".
 */
export function decimalInput(value: string, field: string, bounds: { min?: number; greaterThan?: number } = {}): Prisma.Decimal {
  if (!DECIMAL_PATTERN.test(value)) {
    throw badUserInput(`${field}: expected a decimal like "123.45" with at most 18 digits before and after the point, got ${JSON.stringify(value.slice(0, 50))}`, field);
  }
  const decimal = new Prisma.Decimal(value);
  if (bounds.greaterThan !== undefined && !decimal.greaterThan(bounds.greaterThan)) {
    throw badUserInput(`${field}: must be greater than ${bounds.greaterThan}`, field);
  }
  if (bounds.min !== undefined && decimal.lessThan(bounds.min)) {
    throw badUserInput(`${field}: must be at least ${bounds.min}`, field);
  }
  return decimal;
}

/** What DECIMAL(36, 18) holds: less than 10^18 in magnitude. */
const AMOUNT_LIMIT = new Prisma.Decimal('1e18');

/**
 * Checks a computed amount (a PnL, a notional) fits the money columns, so an input that makes
 * one overflow is BAD_USER_INPUT naming that input, not a database error after partial work.
 */
export function storableAmount(value: Prisma.Decimal, field: string, what: string): Prisma.Decimal {
  if (value.abs().greaterThanOrEqualTo(AMOUNT_LIMIT)) {
    throw badUserInput(`${field}: ${what} would be out of range (amounts hold at most 18 digits before the point)`, field);
  }
  return value;
}
