// Amounts arrive as integer fen. The digits come from the domain's formatYuan (BigInt, never a float).

import { formatYuan } from '../../../src/domain/money.ts';

/** 123456 → "¥1,234.56"; -5 → "-¥0.05". Accepts a safe integer or a bigint; refuses a fraction of a fen. */
export function formatFen(fen: number | bigint, symbol = '¥'): string {
  const yuan = formatYuan(fen);
  return yuan.startsWith('-') ? `-${symbol}${yuan.slice(1)}` : `${symbol}${yuan}`;
}
