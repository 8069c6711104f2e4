/**
 * Decimal text without an exponent, from a number or from a numeric literal's text, by moving
 * the point in the digits: no arithmetic, so nothing is rounded on the way. A JSON number
 * arrives as a double; `String(n)` is its shortest round-trip form (the text a JavaScript or
 * Python client printed for it), and that is the text converted here: 1e-7 → "0.0000001",
 * 1e21 → "1000000000000000000000", -2.5e-3 → "-0.0025". Whether the result fits a money column
 * is `decimalInput`'s to decide.
 */

const NUMERIC_TEXT = /^(-?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Plain decimal text of a numeric text (`1.5e-3` → `0.0015`); other text is returned as it is. */
export function plainDecimalText(text: string): string {
  const match = NUMERIC_TEXT.exec(text);
  if (!match || match[4] === undefined) return text;
  const [, sign, whole, fraction = '', exponentText] = match;
  const exponent = Number(exponentText);
  // Past this the number is far outside any column; leave it to the caller's check unexpanded.
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 400) return text;
  const digits = whole! + fraction;
  const point = whole!.length + exponent;
  let plain: string;
  if (point <= 0) plain = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) plain = digits + '0'.repeat(point - digits.length);
  else plain = `${digits.slice(0, point)}.${digits.slice(point)}`;
  const [integer, decimals] = plain.split('.') as [string, string | undefined];
  const trimmed = integer.replace(/^0+(?=\d)/, '') + (decimals === undefined ? '' : `.${decimals}`);
  return sign + trimmed;
}

/** The exact decimal text of a finite JSON number, in its shortest round-trip form. */
export function numberAsDecimalText(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return plainDecimalText(String(value));
}
