// The payer's side of a simulated gateway: one small Chinese page per order with a 「确认支付」 button. It calls the
// control API's pay endpoint, then sends the browser where the channel would (a return URL, or UnionPay's form
// post to frontUrl). Works at 375 px; the button is data-testid="sim-pay".

import { escapeHtml, type SimulatedChannel, type SimulatedOrderView, yuan } from './kit.ts';

const BRAND_COLOUR: Record<SimulatedChannel['provider'], string> = {
  wechatpay: '#07c160',
  alipay: '#1677ff',
  unionpay: '#d7000f',
};

const STATUS_TEXT: Record<SimulatedOrderView['status'], string> = {
  unpaid: '待支付',
  paid: '已支付',
  closed: '已关闭',
  refunded: '已退款',
};

export function cashierPage(channel: SimulatedChannel, order: SimulatedOrderView): string {
  const colour = BRAND_COLOUR[channel.provider];
  const payable = order.status === 'unpaid';
  const title = `${channel.title}（模拟收银台）`;
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { margin: 0; font-family: -apple-system, "PingFang SC", "Noto Sans SC", sans-serif; background: #f5f5f5; color: #222; }
  header { background: ${colour}; color: #fff; padding: 14px 16px; font-size: 17px; font-weight: 600; }
  main { max-width: 480px; margin: 0 auto; padding: 16px; box-sizing: border-box; }
  .card { background: #fff; border-radius: 8px; padding: 20px 16px; text-align: center; }
  .amount { font-size: 34px; font-weight: 600; margin: 8px 0 4px; }
  .label { color: #888; font-size: 14px; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: 6px 12px; text-align: left; font-size: 14px; margin: 16px 0 0; }
  dt { color: #888; } dd { margin: 0; word-break: break-all; }
  button { display: block; width: 100%; margin-top: 20px; padding: 13px; border: 0; border-radius: 6px;
    background: ${colour}; color: #fff; font-size: 17px; }
  button:disabled { opacity: .5; }
  .result { margin-top: 16px; text-align: center; font-size: 16px; }
  .note { margin-top: 24px; color: #999; font-size: 12px; text-align: center; }
</style>
</head>
<body>
<header data-testid="sim-cashier">${escapeHtml(title)}</header>
<main>
  <div class="card">
    <div class="label">${escapeHtml(order.description || '订单付款')}</div>
    <div class="amount" data-testid="sim-amount">¥${yuan(order.amountFen)}</div>
    <dl>
      <dt>订单号</dt><dd data-testid="sim-order-no">${escapeHtml(order.outTradeNo)}</dd>
      <dt>收款商户</dt><dd>${escapeHtml(order.merchantId)}</dd>
      <dt>状态</dt><dd data-testid="sim-status">${STATUS_TEXT[order.status]}</dd>
    </dl>
    <button type="button" data-testid="sim-pay" ${payable ? '' : 'disabled'}>确认支付</button>
    <div class="result" data-testid="sim-result" role="status"></div>
  </div>
  <p class="note">这是支付渠道模拟器，不会发生真实扣款。</p>
</main>
<script>
(function () {
  var button = document.querySelector('[data-testid="sim-pay"]');
  var result = document.querySelector('[data-testid="sim-result"]');
  // WeChat H5: the merchant appends redirect_url to h5_url; it wins over the order's own return URL.
  var redirectUrl = new URLSearchParams(location.search).get('redirect_url');
  function submitForm(form) {
    var element = document.createElement('form');
    element.method = 'POST';
    element.action = form.action;
    Object.keys(form.fields).forEach(function (name) {
      var input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      input.value = form.fields[name];
      element.appendChild(input);
    });
    document.body.appendChild(element);
    element.submit();
  }
  button.addEventListener('click', function () {
    button.disabled = true;
    result.textContent = '支付中…';
    fetch('pay', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (answer) {
        if (!answer.ok) {
          result.textContent = answer.body.message || '支付失败';
          return;
        }
        result.textContent = '支付成功';
        result.setAttribute('data-paid', 'true');
        var next = answer.body.returnTo;
        if (redirectUrl) location.href = redirectUrl;
        else if (next && next.url) location.href = next.url;
        else if (next && next.form) submitForm(next.form);
      })
      .catch(function () {
        button.disabled = false;
        result.textContent = '网络错误，请重试';
      });
  });
})();
</script>
</body>
</html>`;
}

export function problemPage(title: string, message: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title></head>
<body style="font-family: sans-serif; padding: 24px">
<h1 style="font-size: 20px" data-testid="sim-error">${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
</body></html>`;
}
