-- Refunds (退款): money given back to a tenant — an overpayment (预收, 2203) from one payment, or a deposit (保证金,
-- 2241) at the end of a lease less itemised deductions (repairs, unpaid rent applied to the named bills). Requested by
-- finance, decided by an approver other than the requester, then paid back through the original channel's refund API
-- or recorded as paid offline. `refund_no` is ours (out_refund_no / out_request_no / the UnionPay refund orderId):
-- letters then China time yyyyMMddHHmmss, like payment order numbers.
CREATE TABLE refunds (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id               uuid NOT NULL REFERENCES orgs(id),
  refund_no            text NOT NULL CHECK (refund_no ~ '^[A-Za-z]+[0-9]{14}[A-Za-z0-9]*$' AND length(refund_no) <= 32),
  tenant_id            uuid NOT NULL,
  kind                 text NOT NULL CHECK (kind IN ('overpayment', 'deposit')),
  -- The payment refunded (an overpayment's, or the online payment a deposit was paid by when paid back through it).
  payment_id           uuid,
  -- The online order and its provider when paid back through the original channel.
  payment_order_id     uuid,
  provider             text CHECK (provider IN ('wechatpay', 'alipay', 'unionpay')),
  deposit_bill_id      uuid,
  contract_id          uuid,
  -- A deposit: what was paid, and the deductions [{item, amountFen, billId?}]; amount_fen = deposit − deductions.
  deposit_paid_fen     bigint CHECK (deposit_paid_fen > 0),
  deductions           jsonb NOT NULL DEFAULT '[]'::jsonb,
  amount_fen           bigint NOT NULL CHECK (amount_fen >= 0),
  reason               text NOT NULL,
  method               text NOT NULL CHECK (method IN ('original_channel', 'offline')),
  status               text NOT NULL DEFAULT 'requested'
                         CHECK (status IN ('requested', 'approved', 'rejected', 'paying', 'refunded', 'failed')),
  requested_by         uuid,
  requested_by_name    text,
  requested_at         timestamptz NOT NULL DEFAULT now(),
  decided_by           uuid,
  decided_by_name      text,
  decided_at           timestamptz,
  decision_note        text,
  channel_refund_id    text,
  failure_reason       text,
  -- Offline: who recorded the money as paid back, and the bank's reference.
  paid_by              uuid,
  paid_by_name         text,
  paid_reference       text,
  refunded_at          timestamptz,
  deduction_entry_id   uuid,
  journal_entry_id     uuid,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, tenant_id) REFERENCES tenants (org_id, id),
  CONSTRAINT refunds_refund_no_key UNIQUE (refund_no),
  CONSTRAINT refunds_source CHECK (
    (kind = 'overpayment' AND payment_id IS NOT NULL AND deposit_bill_id IS NULL AND amount_fen > 0)
    OR (kind = 'deposit' AND deposit_bill_id IS NOT NULL AND deposit_paid_fen IS NOT NULL)),
  CONSTRAINT refunds_channel CHECK ((method = 'original_channel') = (payment_order_id IS NOT NULL AND provider IS NOT NULL))
);
CREATE UNIQUE INDEX refunds_channel_refund_key ON refunds (provider, channel_refund_id) WHERE channel_refund_id IS NOT NULL;
CREATE INDEX refunds_org_idx ON refunds (org_id, status, requested_at);
CREATE INDEX refunds_payment_idx ON refunds (payment_id) WHERE payment_id IS NOT NULL;
-- One deposit refund under way or done per deposit bill.
CREATE UNIQUE INDEX refunds_deposit_open_key ON refunds (deposit_bill_id)
  WHERE kind = 'deposit' AND status NOT IN ('rejected', 'failed');

-- Deductions from a deposit settle the named bills like a payment made from the deposit (Dr 2241 / Cr 1122).
ALTER TABLE payments DROP CONSTRAINT payments_method_check;
ALTER TABLE payments ADD CONSTRAINT payments_method_check
  CHECK (method IN ('bank_transfer', 'cash', 'pos', 'wechatpay', 'alipay', 'unionpay', 'deposit'));
