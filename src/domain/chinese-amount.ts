// 人民币大写金额 for contracts and payment notices, following the banks' rules for filling in
// vouchers (《支付结算办法》附件《正确填写票据和结算凭证的基本规定》):
// - 壹贰叁肆伍陆柒捌玖 with 拾佰仟 inside each group of four digits and 万/亿 between groups;
// - “壹拾” keeps its 壹 (壹拾万元整, never 拾万元整);
// - zeros inside the number are read as one 零 (壹仟零伍元, 壹拾万零伍佰元, 壹亿零壹元);
// - 整 after 元 or 角 when there are no 分 (壹万元整, 伍角整); 角 = 0 with 分 ≠ 0 writes 元零X分.
// Where the rules allow a 零 or not (元 ends in 0 before a non-zero 角, e.g. 壹拾元伍角; a 万 group ending in 0
// before a full thousands group, e.g. 壹拾万柒仟元), we write none, as most bank software does.

const DIGITS = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'] as const;
const PLACES = ['', '拾', '佰', '仟'] as const;

/** Up to 9999万亿 yuan: more than any lease will ever see, and the groups 万, 亿, 万亿 suffice. */
export const CHINESE_AMOUNT_LIMIT_FEN = 10n ** 18n;

/** One group of up to four digits (1..9999) with its 拾佰仟, zeros inside read as one 零. */
function groupText(group: number): string {
  let text = '';
  let pendingZero = false;
  for (let place = 3; place >= 0; place -= 1) {
    const digit = Math.floor(group / 10 ** place) % 10;
    if (digit === 0) {
      if (text) pendingZero = true;
      continue;
    }
    if (pendingZero) text += '零';
    pendingZero = false;
    text += DIGITS[digit]! + PLACES[place]!;
  }
  return text;
}

/** The yuan part (a positive whole number) in 大写, without 元. */
function yuanText(yuan: bigint): string {
  const groups: number[] = [];
  for (let rest = yuan; rest > 0n; rest /= 10000n) groups.push(Number(rest % 10000n));
  let text = '';
  // A zero is owed when a lower group is reached after skipping zeros (a whole empty group or leading digits).
  let zeroOwed = false;
  for (let index = groups.length - 1; index >= 0; index -= 1) {
    const group = groups[index]!;
    if (group === 0) {
      if (text) zeroOwed = true;
      continue;
    }
    if (text && (zeroOwed || group < 1000)) text += '零';
    zeroOwed = false;
    text += groupText(group) + groupUnit(index, groups);
  }
  return text;
}

/** 万 for the second group, 亿 for the third; the fourth is 万 — or 万亿 when the 亿 group is empty. */
function groupUnit(index: number, groups: number[]): string {
  switch (index) {
    case 0:
      return '';
    case 1:
      return '万';
    case 2:
      return '亿';
    default:
      return groups[2] === 0 ? '万亿' : '万';
  }
}

/**
 * 人民币大写: 1234567 fen → 壹万贰仟叁佰肆拾伍元陆角柒分; 1000000 → 壹万元整; 0 → 零元整; −150 → 负壹元伍角整.
 */
export function chineseAmount(fen: number | bigint): string {
  if (typeof fen === 'number' && !Number.isSafeInteger(fen))
    throw new RangeError(`${fen} is not a whole number of fen`);
  const amount = BigInt(fen);
  const magnitude = amount < 0n ? -amount : amount;
  if (magnitude >= CHINESE_AMOUNT_LIMIT_FEN) throw new RangeError(`${fen} fen is too large to write in 大写`);
  const sign = amount < 0n ? '负' : '';
  const yuan = magnitude / 100n;
  const jiao = Number((magnitude / 10n) % 10n);
  const fenDigit = Number(magnitude % 10n);
  if (magnitude === 0n) return '零元整';

  let text = yuan > 0n ? `${yuanText(yuan)}元` : '';
  if (jiao === 0 && fenDigit === 0) return `${sign}${text}整`;
  if (jiao > 0) text += `${DIGITS[jiao]}角`;
  else if (yuan > 0n) text += '零';
  text += fenDigit > 0 ? `${DIGITS[fenDigit]}分` : '整';
  return sign + text;
}
