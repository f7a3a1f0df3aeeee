-- Refunds, continued: the deposit refund request a lease's end left (deposit_refund_requests, 0003) is answered by
-- the deposit refund finance asks for, and its status follows that refund; money held in suspense (挂账) can go back
-- to whoever paid it through the channel it came by (kind `suspense`, Dr 2202.suspense / Cr 1012.channel), the
-- suspense item `refunding` while the refund is under way and resolved as `refunded` once the channel paid it.

ALTER TABLE refunds ADD COLUMN deposit_refund_request_id uuid REFERENCES deposit_refund_requests (id);
ALTER TABLE refunds ADD COLUMN suspense_item_id uuid REFERENCES suspense_items (id);
-- Whose money a suspense item is may be unknown: the channel's payer gets it back all the same.
ALTER TABLE refunds ALTER COLUMN tenant_id DROP NOT NULL;
ALTER TABLE refunds DROP CONSTRAINT refunds_kind_check;
ALTER TABLE refunds ADD CONSTRAINT refunds_kind_check CHECK (kind IN ('overpayment', 'deposit', 'suspense'));
ALTER TABLE refunds DROP CONSTRAINT refunds_source;
ALTER TABLE refunds ADD CONSTRAINT refunds_source CHECK (
  (kind = 'overpayment' AND payment_id IS NOT NULL AND deposit_bill_id IS NULL AND amount_fen > 0
     AND tenant_id IS NOT NULL AND suspense_item_id IS NULL)
  OR (kind = 'deposit' AND deposit_bill_id IS NOT NULL AND deposit_paid_fen IS NOT NULL AND tenant_id IS NOT NULL
     AND suspense_item_id IS NULL)
  OR (kind = 'suspense' AND suspense_item_id IS NOT NULL AND payment_id IS NULL AND deposit_bill_id IS NULL
     AND amount_fen > 0 AND method = 'original_channel'));
ALTER TABLE refunds DROP CONSTRAINT refunds_channel;
ALTER TABLE refunds ADD CONSTRAINT refunds_channel CHECK (
  (method = 'original_channel') = (provider IS NOT NULL AND (payment_order_id IS NOT NULL OR suspense_item_id IS NOT NULL)));
-- One refund under way or done per suspense item.
CREATE UNIQUE INDEX refunds_suspense_open_key ON refunds (suspense_item_id)
  WHERE kind = 'suspense' AND status NOT IN ('rejected', 'failed');
CREATE INDEX refunds_tenant_idx ON refunds (org_id, tenant_id, requested_at DESC);

ALTER TABLE suspense_items DROP CONSTRAINT suspense_items_status_check;
ALTER TABLE suspense_items ADD CONSTRAINT suspense_items_status_check
  CHECK (status IN ('open', 'refunding', 'resolved'));
ALTER TABLE suspense_items ADD COLUMN refund_id uuid;

-- The refund answering the request (the latest one asked for), and when the request last changed.
ALTER TABLE deposit_refund_requests ADD COLUMN refund_id uuid;
ALTER TABLE deposit_refund_requests ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX deposit_refund_requests_org_idx ON deposit_refund_requests (org_id, status, created_at DESC);
