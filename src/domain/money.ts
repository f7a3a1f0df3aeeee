// Money (domain.md "Money"): amounts are integer fen, rates are decimal strings read as exact rationals,
// products are exact (BigInt) and rounded half-up to the fen only where a rule says so.

/** The largest amount in fen the API carries as a JSON integer without losing a fen. */
export const MAX_SAFE_FEN = Number.MAX_SAFE_INTEGER;

/** An exact fraction: `numerator / denominator`, denominator > 0, in lowest terms. */
export interface Rational {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

/** Why a decimal string was refused. */
export type DecimalProblem = 'format' | 'too_many_places';

export class DecimalFormatError extends Error {
  constructor(
    readonly text: string,
    readonly problem: DecimalProblem,
    readonly maxPlaces: number,
  ) {
    super(
      problem === 'format'
        ? `"${text}" is not a decimal number such as "0.05" (digits, at most one point, no sign, exponent or %)`
        : `"${text}" has more than ${maxPlaces} decimal places`,
    );
    this.name = 'DecimalFormatError';
  }
}

/** Rates carry at most this many decimals: "0.0005" (万分之五) needs 4; ten leaves room for any contract. */
export const RATE_MAX_PLACES = 10;

const DECIMAL = /^(\d{1,12})(?:\.(\d+))?$/;

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function rational(numerator: bigint, denominator = 1n): Rational {
  if (denominator === 0n) throw new RangeError('denominator is zero');
  const sign = denominator < 0n ? -1n : 1n;
  const divisor = gcd(numerator, denominator) || 1n;
  return { numerator: (sign * numerator) / divisor, denominator: (sign * denominator) / divisor };
}

/**
 * Reads a non-negative decimal string ("0.05", "120.50", "3") exactly.
 * Refuses signs, exponents, percent signs, spaces, commas, a bare point (".5", "5.") and extra places.
 */
export function parseDecimal(text: string, maxPlaces: number): Rational {
  const match = DECIMAL.exec(text);
  if (!match) throw new DecimalFormatError(text, 'format', maxPlaces);
  const places = match[2] ?? '';
  if (places.length > maxPlaces) throw new DecimalFormatError(text, 'too_many_places', maxPlaces);
  return rational(BigInt(match[1]! + places), 10n ** BigInt(places.length));
}

/** A rate such as "0.05" or "0.0005" as an exact rational. */
export function parseRate(text: string): Rational {
  return parseDecimal(text, RATE_MAX_PLACES);
}

/** `parseRate`, or null when the text is not a rate. */
export function tryParseRate(text: string): Rational | null {
  try {
    return parseRate(text);
  } catch (error) {
    if (error instanceof DecimalFormatError) return null;
    throw error;
  }
}

export const ONE: Rational = rational(1n);

export function addRational(a: Rational, b: Rational): Rational {
  return rational(a.numerator * b.denominator + b.numerator * a.denominator, a.denominator * b.denominator);
}

export function multiplyRational(a: Rational, b: Rational): Rational {
  return rational(a.numerator * b.numerator, a.denominator * b.denominator);
}

export function compareRational(a: Rational, b: Rational): number {
  const left = a.numerator * b.denominator;
  const right = b.numerator * a.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * 四舍五入 to an integer: halves go away from zero (2.5 → 3, −2.5 → −3), as in Chinese accounting.
 */
export function roundHalfUp(value: Rational): bigint {
  const { numerator, denominator } = value;
  const magnitude = numerator < 0n ? -numerator : numerator;
  const rounded = (2n * magnitude + denominator) / (2n * denominator);
  return numerator < 0n ? -rounded : rounded;
}

/** Fen as a bigint, refusing a fraction or an unsafe JSON number. */
export function fenToBigInt(fen: number): bigint {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`${fen} is not a whole number of fen`);
  return BigInt(fen);
}

/** A bigint amount back to a JSON-safe number of fen. */
export function fenFromBigInt(fen: bigint): number {
  if (fen > BigInt(MAX_SAFE_FEN) || fen < -BigInt(MAX_SAFE_FEN)) {
    throw new RangeError(`${fen} fen is beyond what the API can carry exactly`);
  }
  return Number(fen);
}

/** `round(fen × rate)`, exact until the one rounding. */
export function multiplyFen(fen: number | bigint, rate: Rational): bigint {
  const amount = typeof fen === 'bigint' ? fen : fenToBigInt(fen);
  return roundHalfUp(multiplyRational(rational(amount), rate));
}

/** `round(fen × part / whole)`: an amount prorated by days, areas or any other count. */
export function prorateFen(fen: number | bigint, part: number | bigint, whole: number | bigint): bigint {
  const amount = typeof fen === 'bigint' ? fen : fenToBigInt(fen);
  return roundHalfUp(rational(amount * BigInt(part), BigInt(whole)));
}

export interface VatSplit {
  /** 不含税金额 */
  netFen: number;
  /** 税额 */
  taxFen: number;
}

/** Splits a tax-inclusive amount: `net = round(amount / (1 + taxRate))`, `tax = amount − net`. */
export function vatSplit(amountFen: number, taxRate: Rational): VatSplit {
  const amount = fenToBigInt(amountFen);
  const net = roundHalfUp(
    multiplyRational(rational(amount), rational(taxRate.denominator, taxRate.denominator + taxRate.numerator)),
  );
  return { netFen: fenFromBigInt(net), taxFen: fenFromBigInt(amount - net) };
}

const YUAN = /^([+-]?)(\d{1,14})(?:\.(\d+))?$/;

/**
 * Yuan written as text ("12.34", "12.3", "12", "-0.07") as integer fen, exactly, or null when the text is not such
 * an amount. Decimals past the fen are refused unless `pastFen: 'round'` (statements write "3.60000"; rounded
 * half-up). A sign is refused unless `signed`. No grouping commas, currency signs or spaces: callers strip what their
 * format allows.
 */
export function fenOfYuan(
  text: string,
  options: { signed?: boolean; pastFen?: 'refuse' | 'round' } = {},
): number | null {
  const match = YUAN.exec(text);
  if (!match) return null;
  const [, sign, whole, fraction = ''] = match;
  if (sign && !options.signed) return null;
  if (text.endsWith('.')) return null;
  if (fraction.length > 2 && options.pastFen !== 'round') return null;
  let fen = Number(whole) * 100 + Number(fraction.slice(0, 2).padEnd(2, '0'));
  if ((fraction[2] ?? '0') >= '5') fen += 1;
  // Beyond MAX_SAFE_FEN a number no longer counts every fen.
  if (!Number.isSafeInteger(fen)) return null;
  return sign === '-' ? -fen : fen;
}

/** 123456789 fen → "1,234,567.89" (or "1234567.89" without grouping): yuan with two places. */
export function formatYuan(fen: number | bigint, options: { grouping?: boolean } = {}): string {
  const amount = typeof fen === 'bigint' ? fen : fenToBigInt(fen);
  const sign = amount < 0n ? '-' : '';
  const magnitude = amount < 0n ? -amount : amount;
  const yuan = String(magnitude / 100n);
  const grouped = options.grouping === false ? yuan : yuan.replace(/\B(?=(\d{3})+$)/g, ',');
  return `${sign}${grouped}.${String(magnitude % 100n).padStart(2, '0')}`;
}
