import type { Prisma, MarkPrice } from '../../generated/prisma/client';
import type { ServiceDeps } from '../../context';
import { badUserInput } from '../../errors';
import { decimalInput, listOfAtMost } from '../../graphql/validate';
import type { MarkPriceInput } from '../../generated/graphql';
import { parseSymbol } from '../exchange/symbols';

/** Prices per call, and how far ahead of our clock an observation may be (feeds' clocks drift). */
export const MAX_MARK_PRICES_PER_CALL = 500;
const MAX_CLOCK_AHEAD_MS = 60_000;

interface Observation {
  symbol: string;
  price: Prisma.Decimal;
  at: Date;
}

/**
 * Records the viewer's latest prices in one statement (then reads them back): per symbol the newest observation wins
 * (in the call and against the stored one), so a late or repeated message never moves a price
 * back. Returns each symbol's latest price, in the order the symbols first appear.
 */
export async function recordMarkPrices({ prisma, viewer }: ServiceDeps, input: readonly MarkPriceInput[]): Promise<MarkPrice[]> {
  if (input.length === 0) throw badUserInput('input: give at least one price', 'input');
  listOfAtMost(input, 'input', MAX_MARK_PRICES_PER_CALL);
  const now = Date.now();
  const newest = new Map<string, Observation>();
  input.forEach((entry, index) => {
    const symbol = parseSymbol(entry.symbol, `input[${index}].symbol`);
    const price = decimalInput(entry.price, `input[${index}].price`, { greaterThan: 0 });
    const at = entry.at ?? new Date(now);
    if (at.getTime() > now + MAX_CLOCK_AHEAD_MS) throw badUserInput(`input[${index}].at: more than a minute in the future`, `input[${index}].at`);
    const seen = newest.get(symbol);
    if (!seen || seen.at.getTime() <= at.getTime()) newest.set(symbol, { symbol, price, at });
  });
  const observations = [...newest.values()];
  // One upsert for the lot; a stored row is replaced only by an observation at least as new.
  await prisma.$executeRaw`
    INSERT INTO "MarkPrice" ("userId", symbol, price, at, "recordedAt")
    SELECT ${viewer.id}, g.symbol, g.price, g.at AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
    FROM unnest(${observations.map((o) => o.symbol)}::text[], ${observations.map((o) => o.price.toFixed())}::numeric[],
                ${observations.map((o) => o.at.toISOString())}::timestamptz[]) AS g(symbol, price, at)
    ON CONFLICT ("userId", symbol) DO UPDATE SET price = EXCLUDED.price, at = EXCLUDED.at, "recordedAt" = EXCLUDED."recordedAt"
      WHERE "MarkPrice".at <= EXCLUDED.at`;
  const rows = await prisma.markPrice.findMany({ where: { userId: viewer.id, symbol: { in: observations.map((o) => o.symbol) } } });
  const bySymbol = new Map(rows.map((row) => [row.symbol, row]));
  return observations.map((o) => bySymbol.get(o.symbol)!);
}

/** The viewer's latest prices, by symbol; only `symbols` when given. */
export async function listMarkPrices({ prisma, viewer }: ServiceDeps, symbols: readonly string[] | null | undefined): Promise<MarkPrice[]> {
  if (symbols == null) return prisma.markPrice.findMany({ where: { userId: viewer.id }, orderBy: { symbol: 'asc' } });
  const wanted = listOfAtMost(symbols, 'symbols', MAX_MARK_PRICES_PER_CALL).map((symbol, index) => parseSymbol(symbol, `symbols[${index}]`));
  return prisma.markPrice.findMany({ where: { userId: viewer.id, symbol: { in: wanted } }, orderBy: { symbol: 'asc' } });
}
