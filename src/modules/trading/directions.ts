import { badUserInput } from '../../errors';
import { requiredText } from '../../graphql/validate';

/**
 * A trade's direction, stored as text. The seed bot sends `1` for a buy and `-1` for a sell (the
 * sign its PnL is computed with, as in src/demo/trading.ts); those, their string forms and `buy` /
 * `sell` in any case are stored as `BUY` / `SELL`. Other text is kept as the bot wrote it, as it
 * always was; any other number is refused, since it cannot mean a direction.
 */
const CANONICAL: Readonly<Record<string, 'BUY' | 'SELL'>> = { '1': 'BUY', '+1': 'BUY', BUY: 'BUY', '-1': 'SELL', SELL: 'SELL' };
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The stored form of a direction (already text, from the TradeDirection scalar); BAD_USER_INPUT naming `field` otherwise. */
export function directionInput(value: string, field: string): string {
  const text = requiredText(value, field, 20);
  const canonical = CANONICAL[text.toUpperCase()];
  if (canonical) return canonical;
  if (NUMERIC.test(text)) throw badUserInput(`${field}: expected 1 (BUY) or -1 (SELL), got ${text}`, field);
  return text;
}

/** What a stored direction means now: rows logged before directions were normalised may hold `buy`. */
export const canonicalDirection = (stored: string): string => CANONICAL[stored.toUpperCase()] ?? stored;
