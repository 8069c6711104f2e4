import { badUserInput } from '../../errors';

/**
 * Symbols are stored as `BASE-QUOTE` in capitals (`BTC-USDT`, `EUR-USD`); money moves in the
 * quote asset. Clients may also send the exchange-native form without a separator, as Binance
 * (`BTCUSDT`) and forex platforms (`EURUSD`) write it: the quote is the longest known quote asset
 * the text ends with, leaving a base of at least two characters.
 */

const ASSET = /^[A-Z0-9]{2,15}$/;
const DASHED = /^([A-Z0-9]{2,15})-([A-Z0-9]{2,15})$/;
const COMPACT = /^[A-Z0-9]{4,30}$/;

/** Quote assets a compact symbol may end with, longest first (so `BTCUSDT` is BTC-USDT, not BTCUS-DT). */
export const QUOTE_ASSETS: readonly string[] = [
  // Stablecoins and crypto quotes (Binance's spot markets).
  'FDUSD', 'USDT', 'USDC', 'BUSD', 'TUSD', 'DAI', 'BTC', 'ETH', 'BNB',
  // Fiat (forex majors and crosses, and the fiat markets of crypto exchanges).
  'USD', 'EUR', 'GBP', 'JPY', 'CHF', 'AUD', 'CAD', 'NZD', 'TRY',
].sort((a, b) => b.length - a.length);

/** `BASE-QUOTE` of a symbol in either accepted form, or null when it is neither. */
export function canonicalSymbol(text: string): string | null {
  if (DASHED.test(text)) return text;
  if (!COMPACT.test(text)) return null;
  for (const quote of QUOTE_ASSETS) {
    const base = text.slice(0, -quote.length);
    if (text.endsWith(quote) && ASSET.test(base)) return `${base}-${quote}`;
  }
  return null;
}

/** `canonicalSymbol`, or BAD_USER_INPUT naming `field`. */
export function parseSymbol(text: string, field: string): string {
  const symbol = canonicalSymbol(text.trim());
  if (symbol === null) {
    throw badUserInput(
      `${field}: expected BASE-QUOTE in capitals (BTC-USDT) or an exchange symbol ending in a known quote asset (BTCUSDT, EURUSD), got ${JSON.stringify(text.slice(0, 40))}`,
      field,
    );
  }
  return symbol;
}

/**
 * The spellings a stored symbol may have, for filters: `BASE-QUOTE`, and the compact form that
 * trades and sessions logged before symbols were normalised were stored in (the demo's `EURUSD`).
 */
export function storedSpellings(symbol: string): string[] {
  return [symbol, symbol.replace('-', '')];
}
