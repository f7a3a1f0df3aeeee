// Starting a payment in the browser: which channels fit this device, and the one step each channel's answer asks
// for (show a QR code, open the channel's page, or post its form).

import type { CreatedPaymentOrder, PayChannel } from './portal-api.ts';

export type PayMethod = 'wechat' | 'alipay' | 'unionpay';

export interface PayOption {
  method: PayMethod;
  channel: PayChannel;
  name: string;
  hint: string;
  /** The mark's colour: the brand colour people recognise. */
  color: string;
  mark: string;
}

/**
 * On a phone the channels' own apps or mobile pages pay; on a computer the tenant scans a QR code with the phone.
 * UnionPay's card page works on both.
 */
export function isPhone(userAgent = navigator.userAgent): boolean {
  return /Android|iPhone|iPad|iPod|HarmonyOS|Mobile|MicroMessenger/i.test(userAgent);
}

export function payOptions(phone = isPhone()): PayOption[] {
  return [
    {
      method: 'wechat',
      channel: phone ? 'wechat_h5' : 'wechat_native',
      name: '微信支付',
      hint: phone ? '跳转微信完成支付' : '用微信扫码支付',
      color: '#07c160',
      mark: '微',
    },
    {
      method: 'alipay',
      channel: phone ? 'alipay_wap' : 'alipay_qr',
      name: '支付宝',
      hint: phone ? '跳转支付宝完成支付' : '用支付宝扫码支付',
      color: '#1677ff',
      mark: '支',
    },
    {
      method: 'unionpay',
      channel: 'unionpay',
      name: '银行卡（银联）',
      hint: '在银联页面输入银行卡支付',
      color: '#d7000f',
      mark: '银',
    },
  ];
}

export const channelNames: Record<string, string> = {
  wechat_native: '微信扫码',
  wechat_h5: '微信支付',
  wechat_jsapi: '微信支付',
  alipay_qr: '支付宝扫码',
  alipay_wap: '支付宝',
  alipay_page: '支付宝',
  unionpay: '银联在线',
};

/** Payment methods as payments record them (online providers and offline ways). */
export const methodNames: Record<string, string> = {
  wechatpay: '微信支付',
  alipay: '支付宝',
  unionpay: '银联在线',
  bank_transfer: '银行转账',
  cash: '现金',
  pos: '刷卡',
};

const ORDER_KEY_PREFIX = 'assetpay.portal.order.';

/** The creation answer kept for this tab: the order page shows its QR code and can open the channel again. */
export const rememberedOrders = {
  get(orderNo: string): CreatedPaymentOrder | null {
    const text = sessionStorage.getItem(ORDER_KEY_PREFIX + orderNo);
    if (!text) return null;
    try {
      return JSON.parse(text) as CreatedPaymentOrder;
    } catch {
      return null;
    }
  },
  set(order: CreatedPaymentOrder): void {
    sessionStorage.setItem(ORDER_KEY_PREFIX + order.orderNo, JSON.stringify(order));
  },
};

/** Posts the channel's form from this page (UnionPay's card page takes a browser form POST). */
export function submitPayForm(form: NonNullable<CreatedPaymentOrder['payForm']>): void {
  const element = document.createElement('form');
  element.method = form.method;
  element.action = form.action;
  element.acceptCharset = 'UTF-8';
  element.style.display = 'none';
  for (const [name, value] of Object.entries(form.fields)) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    element.append(input);
  }
  document.body.append(element);
  element.submit();
}

/**
 * Does what the order asks of the browser. A QR code is shown on the order page (`orderPath`), which also follows
 * the payment; the other two leave for the channel, which sends the browser back to that page when paid.
 */
export function continuePayment(order: CreatedPaymentOrder, showOrderPage: () => void): void {
  rememberedOrders.set(order);
  if (order.payUrl) {
    window.location.assign(order.payUrl);
  } else if (order.payForm) {
    submitPayForm(order.payForm);
  } else {
    showOrderPage();
  }
}
