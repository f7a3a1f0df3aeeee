import { describe, expect, it } from 'vitest';
import { maskBankAccount, maskIdNumber, maskPhone } from './masking.ts';

describe('masking personal data', () => {
  it('keeps the first 3 and last 4 characters of an ID number', () => {
    expect(maskIdNumber('110105194912311234')).toBe('110***********1234');
    expect(maskIdNumber('11010519491231002X')).toBe('110***********002X');
  });

  it('keeps the first 3 and last 4 digits of a mobile, the area code and last 4 of a fixed line', () => {
    expect(maskPhone('13800000000')).toBe('138****0000');
    expect(maskPhone('023-49881234')).toBe('023-****1234');
    expect(maskPhone('0755-8888888')).toBe('0755-***8888');
  });

  it('keeps the last 4 digits of a bank account', () => {
    expect(maskBankAccount('6222021234567890123')).toBe('***************0123');
  });
});
