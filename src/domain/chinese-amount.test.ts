import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chineseAmount } from './chinese-amount.ts';

/** Reads 大写 back into fen, independently of how it was written: the round trip checks the writer. */
function readChineseAmount(text: string): bigint {
  const digits = '零壹贰叁肆伍陆柒捌玖';
  const places: Record<string, bigint> = { 拾: 10n, 佰: 100n, 仟: 1000n };
  const negative = text.startsWith('负');
  const body = negative ? text.slice(1) : text;
  const [yuanText = '', restText = ''] = body.includes('元') ? body.split('元') : ['', body];
  let total = 0n;
  let section = 0n;
  let digit = 0n;
  for (const character of yuanText) {
    if (digits.includes(character)) digit = BigInt(digits.indexOf(character));
    else if (places[character]) {
      section += digit * places[character];
      digit = 0n;
    } else if (character === '万') {
      section = (section + digit) * 10000n;
      digit = 0n;
    } else if (character === '亿') {
      total = (total + section + digit) * 100000000n;
      section = 0n;
      digit = 0n;
    } else throw new Error(`unexpected ${character} in ${text}`);
  }
  let fen = (total + section + digit) * 100n;
  const jiao = /([壹贰叁肆伍陆柒捌玖])角/.exec(restText);
  const fenDigit = /([壹贰叁肆伍陆柒捌玖])分/.exec(restText);
  if (jiao) fen += BigInt(digits.indexOf(jiao[1]!)) * 10n;
  if (fenDigit) fen += BigInt(digits.indexOf(fenDigit[1]!));
  return negative ? -fen : fen;
}

describe('人民币大写', () => {
  it.each([
    // [fen, 大写]
    [1234567, '壹万贰仟叁佰肆拾伍元陆角柒分'],
    [1000000, '壹万元整'],
    [100, '壹元整'],
    [0, '零元整'],
    [1, '壹分'],
    [10, '壹角整'],
    [35, '叁角伍分'],
    [150, '壹元伍角整'],
    [105, '壹元零伍分'],
    [100500, '壹仟零伍元整'],
    [100050, '壹仟元伍角整'],
    [1000, '壹拾元整'],
    [1500, '壹拾伍元整'],
    [11000, '壹佰壹拾元整'],
    [10000000, '壹拾万元整'],
    [100000000, '壹佰万元整'],
    [10050000, '壹拾万零伍佰元整'],
    [10700053, '壹拾万柒仟元伍角叁分'],
    [1640902, '壹万陆仟肆佰零玖元零贰分'],
    [32504, '叁佰贰拾伍元零肆分'],
    [168032, '壹仟陆佰捌拾元叁角贰分'],
    [100000000_01, '壹亿元零壹分'],
    [100000000_00, '壹亿元整'],
    [100000001_00, '壹亿零壹元整'],
    [100010000_00, '壹亿零壹万元整'],
    [1001000000_00, '壹拾亿零壹佰万元整'],
    [1200000000_00, '壹拾贰亿元整'],
    [1_0000_0000_0000_00, '壹万亿元整'],
    [1_0000_0005_0000_00, '壹万亿零伍万元整'],
    [1_0003_0000_0000_00, '壹万零叁亿元整'],
    [12_3456_7890_1234_56, '壹拾贰万叁仟肆佰伍拾陆亿柒仟捌佰玖拾万壹仟贰佰叁拾肆元伍角陆分'],
    [-150, '负壹元伍角整'],
  ])('%i fen → %s', (fen, text) => {
    expect(chineseAmount(fen)).toBe(text);
  });

  it('takes bigints, refuses fractions of a fen and amounts beyond 9999万亿 yuan', () => {
    expect(chineseAmount(10n ** 18n - 1n)).toMatch(/^玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿/);
    expect(() => chineseAmount(10n ** 18n)).toThrow(RangeError);
    expect(() => chineseAmount(1.5)).toThrow(RangeError);
  });

  it('reads back to the same amount, for any amount', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 18n) + 1n, max: 10n ** 18n - 1n }), (fen) => {
        expect(readChineseAmount(chineseAmount(fen))).toBe(fen);
      }),
    );
  });

  it('follows the writing rules for any amount', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1e12 }), fc.bigInt({ min: 0n, max: 10n ** 18n - 1n })),
        (fen) => {
          const text = chineseAmount(fen);
          if (BigInt(fen) === 0n) return; // 零元整, checked above
          expect(text).toMatch(/^[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整]+$/);
          expect(text).toMatch(/(元整|角整|分)$/); // 整 after 元 or 角, never after 分
          expect(text).not.toContain('零零'); // a run of zeros is one 零
          expect(text).not.toMatch(/零[拾佰仟万亿元角分]/); // never “零拾”, “零万”, “零元”
          expect(text).not.toMatch(/(^|[^壹贰叁肆伍陆柒捌玖])拾/); // 壹拾, never a bare 拾
          expect(text).not.toMatch(/^零/);
        },
      ),
    );
  });
});
