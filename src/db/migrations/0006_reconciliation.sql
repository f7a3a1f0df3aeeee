-- 对账: a channel's statement for one day, imported once (same file hash → the earlier run), its lines staged, matched
-- set-based against payment orders, and what does not tie out kept as differences for finance.
CREATE TABLE reconciliation_runs (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id              uuid NOT NULL REFERENCES orgs(id),
  provider            text NOT NULL CHECK (provider IN ('wechatpay', 'alipay', 'unionpay')),
  statement_date      date NOT NULL,
  file_format         text NOT NULL CHECK (file_format IN ('wechat_csv', 'alipay_zip', 'unionpay_text')),
  -- SHA-256 of the file as the channel gave it: the same file again is a no-op.
  file_hash           text NOT NULL CHECK (file_hash ~ '^[0-9a-f]{64}$'),
  -- staged: lines loaded and matched, repairs and settlement pending; completed: settled, differences listed.
  status              text NOT NULL DEFAULT 'staged' CHECK (status IN ('staged', 'completed')),
  line_count          integer NOT NULL DEFAULT 0,
  payment_count       integer NOT NULL DEFAULT 0,
  refund_count        integer NOT NULL DEFAULT 0,
  matched_count       integer NOT NULL DEFAULT 0,
  repaired_count      integer NOT NULL DEFAULT 0,
  difference_count    integer NOT NULL DEFAULT 0,
  -- What the channel says: payments, refunds, fees (refund fees returned count negative).
  channel_paid_fen    bigint NOT NULL DEFAULT 0,
  channel_refund_fen  bigint NOT NULL DEFAULT 0,
  channel_fee_fen     bigint NOT NULL DEFAULT 0,
  -- What this run settled (matched and repaired payments): Dr 1002 net + Dr 6603 fee / Cr 1012.channel gross.
  settled_gross_fen   bigint NOT NULL DEFAULT 0,
  settled_fee_fen     bigint NOT NULL DEFAULT 0,
  settlement_entry_id uuid,
  created_by          uuid,
  created_by_name     text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  completed_at        timestamptz,
  CONSTRAINT reconciliation_runs_org_id_key UNIQUE (org_id, id),
  CONSTRAINT reconciliation_runs_file_key UNIQUE (org_id, provider, statement_date, file_hash)
);
CREATE INDEX reconciliation_runs_org_idx ON reconciliation_runs (org_id, statement_date DESC, created_at DESC);

-- The statement's lines as parsed (staging, loaded in bulk), with what matching made of each.
CREATE TABLE reconciliation_lines (
  run_id                   uuid NOT NULL,
  line_no                  integer NOT NULL,
  org_id                   uuid NOT NULL,
  provider                 text NOT NULL,
  kind                     text NOT NULL CHECK (kind IN ('payment', 'refund')),
  transaction_id           text NOT NULL,
  order_no                 text NOT NULL,
  refund_no                text,
  original_transaction_id  text,
  amount_fen               bigint NOT NULL CHECK (amount_fen >= 0),
  fee_fen                  bigint NOT NULL,
  occurred_at              timestamptz NOT NULL,
  -- null until matched; refunds stay 'refund' until refunds are reconciled.
  outcome                  text CHECK (outcome IN ('matched', 'repaired', 'amount_differs', 'missing_here',
                                                   'settled_before', 'refund')),
  payment_order_id         uuid,
  PRIMARY KEY (run_id, line_no),
  FOREIGN KEY (org_id, run_id) REFERENCES reconciliation_runs (org_id, id)
);
CREATE INDEX reconciliation_lines_transaction_idx ON reconciliation_lines (org_id, provider, transaction_id);

-- What does not tie out, named, for finance to resolve with a note.
CREATE TABLE reconciliation_differences (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id              uuid NOT NULL,
  run_id              uuid NOT NULL,
  provider            text NOT NULL,
  kind                text NOT NULL CHECK (kind IN ('amount_differs', 'missing_here', 'missing_in_channel')),
  line_no             integer,
  order_no            text,
  transaction_id      text,
  payment_order_id    uuid,
  channel_amount_fen  bigint,
  our_amount_fen      bigint,
  status              text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  resolution_note     text,
  resolved_by         uuid,
  resolved_by_name    text,
  resolved_at         timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, run_id) REFERENCES reconciliation_runs (org_id, id),
  CONSTRAINT reconciliation_differences_resolved CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
);
CREATE INDEX reconciliation_differences_run_idx ON reconciliation_differences (run_id);
CREATE INDEX reconciliation_differences_open_idx ON reconciliation_differences (org_id, created_at) WHERE status = 'open';
