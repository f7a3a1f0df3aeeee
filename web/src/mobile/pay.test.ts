import { describe, expect, it } from 'vitest';
import { isPhone, payOptions } from './pay.ts';

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1';
const ANDROID_WECHAT =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Mobile Safari/537.36 MicroMessenger/8.0';
const DESKTOP =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';

describe('pay options', () => {
  it('tells a phone from a computer by its browser', () => {
    expect(isPhone(IPHONE)).toBe(true);
    expect(isPhone(ANDROID_WECHAT)).toBe(true);
    expect(isPhone(DESKTOP)).toBe(false);
  });

  it("offers the channels' mobile pages on a phone and QR codes on a computer; UnionPay's page on both", () => {
    expect(payOptions(true).map((option) => option.channel)).toEqual(['wechat_h5', 'alipay_wap', 'unionpay']);
    expect(payOptions(false).map((option) => option.channel)).toEqual(['wechat_native', 'alipay_qr', 'unionpay']);
  });
});
