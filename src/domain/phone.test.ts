import { describe, expect, it } from 'vitest';
import { mobileProblem, normalizePhone, phoneProblem } from './phone.ts';

describe('mainland phone numbers', () => {
  it('accepts 11-digit mobiles starting 13–19', () => {
    for (const phone of ['13800000000', '19912345678', '138 0000 0000', '+86 138-0000-0000', '008613800000000']) {
      expect(mobileProblem(phone)).toBeNull();
    }
    expect(normalizePhone('+86 138-0000-0000')).toBe('13800000000');
  });

  it('refuses mobiles of the wrong length or prefix', () => {
    for (const phone of ['1380000000', '138000000000', '12800000000', '23800000000', '1380000000a']) {
      expect(mobileProblem(phone)).toEqual({ key: 'mobile_format' });
    }
  });

  it('accepts fixed lines with an area code, and 400/800 lines, as contact numbers', () => {
    for (const phone of [
      '023-49881234',
      '02349881234',
      '010-12345678',
      '0755-8888888',
      '023-49881234-801',
      '400-820-8820',
    ]) {
      expect(phoneProblem(phone)).toBeNull();
    }
    expect(mobileProblem('023-49881234')).toEqual({ key: 'mobile_format' });
  });

  it('refuses fixed lines without an area code', () => {
    for (const phone of ['49881234', '23-49881234', '023-0123456', '023-123']) {
      expect(phoneProblem(phone)).toEqual({ key: 'phone_format' });
    }
  });
});
