-- Online payment (在线缴费): each org's merchant settings per channel, payment orders and the bills they pay, money
-- a channel took that matches no order (挂账), receipts (收据), and the tenant portal's SMS login codes.

-- The merchant account (商户号) an org holds with a channel. `settings` holds what is not secret (merchant and app
-- ids, certificate serials, public keys, base URLs); `secrets_enc` the private keys and API keys, encrypted like
-- personal data. `notify_identity` is what a notification names before it is verified (the WeChat platform key id,
-- the Alipay app_id, the UnionPay merId), to find whose keys verify it.
CREATE TABLE channel_settings (
  org_id            uuid NOT NULL REFERENCES orgs(id),
  provider          text NOT NULL CHECK (provider IN ('wechatpay', 'alipay', 'unionpay')),
  enabled           boolean NOT NULL DEFAULT true,
  settings          jsonb NOT NULL,
  secrets_enc       text NOT NULL CHECK (secrets_enc LIKE 'v1:%'),
  notify_identity   text NOT NULL,
  updated_by        uuid,
  updated_by_name   text,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, provider),
  CONSTRAINT channel_settings_identity_key UNIQUE (provider, notify_identity)
);

-- A tenant's payment order (支付订单) through one channel for chosen bills. `order_no` is the out_trade_no the
-- channel knows; merchant and app ids are kept as sent, to compare with the notification.
CREATE TABLE payment_orders (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id           uuid NOT NULL REFERENCES orgs(id),
  order_no         text NOT NULL CHECK (order_no ~ '^[A-Za-z0-9]{6,32}$'),
  provider         text NOT NULL CHECK (provider IN ('wechatpay', 'alipay', 'unionpay')),
  channel          text NOT NULL CHECK (channel IN ('wechat_native', 'wechat_h5', 'wechat_jsapi', 'alipay_qr',
                                                    'alipay_wap', 'alipay_page', 'unionpay')),
  tenant_id        uuid NOT NULL,
  amount_fen       bigint NOT NULL CHECK (amount_fen > 0),
  -- The day the amount was figured for (penalty through the day before): paid later, the penalty stays as quoted.
  priced_on        date NOT NULL,
  status           text NOT NULL DEFAULT 'created' CHECK (status IN ('created', 'succeeded', 'closed', 'failed',
                                                                      'refunding', 'refunded')),
  description      text NOT NULL,
  merchant_id      text NOT NULL,
  app_id           text,
  -- What the tenant's device does next, as the channel answered: { codeUrl } | { payUrl } | { payForm } | { jsapi }.
  pay_action       jsonb,
  -- How the order was started: a logged-in tenant, or a signed pay link.
  created_via      text NOT NULL CHECK (created_via IN ('portal', 'pay_link')),
  client_ip        text,
  expires_at       timestamptz NOT NULL,
  transaction_id   text,
  paid_at          timestamptz,
  payment_id       uuid,
  closed_at        timestamptz,
  close_reason     text CHECK (close_reason IN ('expired', 'replaced', 'cancelled', 'bill_settled')),
  failure_reason   text,
  last_queried_at  timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, tenant_id) REFERENCES tenants (org_id, id),
  FOREIGN KEY (org_id, payment_id) REFERENCES payments (org_id, id),
  CONSTRAINT payment_orders_order_no_key UNIQUE (order_no),
  CONSTRAINT payment_orders_org_id_key UNIQUE (org_id, id),
  CONSTRAINT payment_orders_paid CHECK ((status IN ('succeeded', 'refunding', 'refunded')) = (payment_id IS NOT NULL)),
  CONSTRAINT payment_orders_closed CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
-- The posting key: one channel transaction is posted once.
CREATE UNIQUE INDEX payment_orders_transaction_key ON payment_orders (provider, transaction_id)
  WHERE transaction_id IS NOT NULL;
CREATE INDEX payment_orders_open_idx ON payment_orders (created_at) WHERE status = 'created';
CREATE INDEX payment_orders_org_idx ON payment_orders (org_id, created_at DESC);
CREATE INDEX payment_orders_tenant_idx ON payment_orders (org_id, tenant_id, created_at DESC);

-- The bills an order pays and what each owed when the order was made. `open` while the order is `created`: a bill
-- is in one open order at a time.
CREATE TABLE payment_order_bills (
  order_id    uuid NOT NULL,
  org_id      uuid NOT NULL,
  bill_id     uuid NOT NULL,
  amount_fen  bigint NOT NULL CHECK (amount_fen > 0),
  open        boolean NOT NULL DEFAULT true,
  PRIMARY KEY (order_id, bill_id),
  FOREIGN KEY (org_id, order_id) REFERENCES payment_orders (org_id, id),
  FOREIGN KEY (org_id, bill_id) REFERENCES bills (org_id, id)
);
CREATE UNIQUE INDEX payment_order_bills_open_key ON payment_order_bills (bill_id) WHERE open;

-- Money a channel confirmed (signature verified) that could not be applied to bills: an unknown or closed order, an
-- amount other than the order's. Posted Dr 1012.channel / Cr 2202.suspense when received; finance resolves it by
-- applying it to a tenant's bills (Dr 2202 / Cr 1122 through the normal payment path) or by a refund.
CREATE TABLE suspense_items (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id               uuid NOT NULL REFERENCES orgs(id),
  number               text NOT NULL,
  provider             text NOT NULL CHECK (provider IN ('wechatpay', 'alipay', 'unionpay')),
  transaction_id       text NOT NULL,
  order_no             text,
  payment_order_id     uuid,
  amount_fen           bigint NOT NULL CHECK (amount_fen > 0),
  reason               text NOT NULL CHECK (reason IN ('unknown_order', 'order_closed', 'order_failed',
                                                         'amount_mismatch', 'order_paid_twice')),
  -- The channel's own words, without personal data (payer ids are left out).
  detail               jsonb NOT NULL DEFAULT '{}'::jsonb,
  received_on          date NOT NULL,
  paid_at              timestamptz,
  journal_entry_id     uuid NOT NULL,
  status               text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  resolution           text CHECK (resolution IN ('applied', 'refunded', 'written_off')),
  resolved_payment_id  uuid,
  resolution_note      text,
  resolved_by          uuid,
  resolved_by_name     text,
  resolved_at          timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, payment_order_id) REFERENCES payment_orders (org_id, id),
  FOREIGN KEY (org_id, resolved_payment_id) REFERENCES payments (org_id, id),
  CONSTRAINT suspense_items_number_key UNIQUE (org_id, number),
  CONSTRAINT suspense_items_transaction_key UNIQUE (provider, transaction_id),
  CONSTRAINT suspense_items_resolved CHECK ((status = 'resolved') = (resolved_at IS NOT NULL AND resolution IS NOT NULL))
);
CREATE INDEX suspense_items_org_idx ON suspense_items (org_id, status, created_at DESC);

-- A receipt (收据) for a payment: numbered per org and year with no gaps (the number is taken in the payment's own
-- transaction), verified by anyone holding its code (the QR code on the PDF) without seeing personal data.
CREATE TABLE receipts (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id            uuid NOT NULL REFERENCES orgs(id),
  year              integer NOT NULL,
  sequence          integer NOT NULL CHECK (sequence > 0),
  number            text NOT NULL,
  payment_id        uuid NOT NULL,
  tenant_id         uuid NOT NULL,
  amount_fen        bigint NOT NULL CHECK (amount_fen > 0),
  issued_on         date NOT NULL,
  verify_code       text NOT NULL CHECK (verify_code ~ '^[A-Za-z0-9_-]{16,64}$'),
  status            text NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'void')),
  void_reason       text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, payment_id) REFERENCES payments (org_id, id),
  FOREIGN KEY (org_id, tenant_id) REFERENCES tenants (org_id, id),
  CONSTRAINT receipts_payment_key UNIQUE (payment_id),
  CONSTRAINT receipts_number_key UNIQUE (org_id, number),
  CONSTRAINT receipts_sequence_key UNIQUE (org_id, year, sequence),
  CONSTRAINT receipts_verify_code_key UNIQUE (verify_code),
  CONSTRAINT receipts_void CHECK ((status = 'void') = (void_reason IS NOT NULL))
);
CREATE INDEX receipts_tenant_idx ON receipts (org_id, tenant_id, issued_on DESC);

-- The SMS codes of the tenant portal's login. The phone is kept as its blind index only; the code as a hash.
CREATE TABLE portal_login_codes (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  phone_index  text NOT NULL,
  code_hash    text NOT NULL,
  attempts     integer NOT NULL DEFAULT 0,
  expires_at   timestamptz NOT NULL,
  consumed_at  timestamptz,
  ip           text,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX portal_login_codes_phone_idx ON portal_login_codes (phone_index, created_at DESC);
