-- Billing (账单) and the ledger (总账, double entry): the chart of accounts, the append-only journal, what each contract
-- bills period by period, the bills, payments received and how they were applied, penalty waivers, billing runs, and
-- the outbox of reminders to tenants.

-- The chart of accounts of each organisation. The code reads an account by its `purpose`; the org may change the
-- `code` and `name` it shows (its own chart, e.g. 1122.01).
CREATE TABLE ledger_accounts (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id       uuid NOT NULL REFERENCES orgs(id),
  purpose      text NOT NULL,
  code         text NOT NULL,
  name         text NOT NULL,
  normal_side  text NOT NULL CHECK (normal_side IN ('debit', 'credit')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT ledger_accounts_purpose_key UNIQUE (org_id, purpose),
  CONSTRAINT ledger_accounts_code_key UNIQUE (org_id, code),
  CONSTRAINT ledger_accounts_org_id_key UNIQUE (org_id, id)
);

-- One journal entry (记账凭证): its lines are written in the same statement and must balance. Never updated or
-- deleted: a mistake is corrected by a reversing entry (红字冲销, `reverses_entry_id`).
CREATE TABLE journal_entries (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id             uuid NOT NULL REFERENCES orgs(id),
  -- The order entries were written in, for running balances.
  entry_no           bigint GENERATED ALWAYS AS IDENTITY,
  entry_date         date NOT NULL,
  kind               text NOT NULL CHECK (kind IN ('bill_issued', 'late_fee', 'waiver', 'payment', 'settlement',
                                                   'refund', 'reversal', 'adjustment')),
  memo               text NOT NULL,
  source_type        text,
  source_id          uuid,
  reverses_entry_id  uuid REFERENCES journal_entries(id),
  created_by         uuid,
  created_by_name    text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT journal_entries_org_id_key UNIQUE (org_id, id),
  CONSTRAINT journal_entries_entry_no_key UNIQUE (entry_no)
);
-- An entry is reversed at most once.
CREATE UNIQUE INDEX journal_entries_reversal_key ON journal_entries (reverses_entry_id) WHERE reverses_entry_id IS NOT NULL;
CREATE INDEX journal_entries_source_idx ON journal_entries (source_type, source_id);
CREATE INDEX journal_entries_org_date_idx ON journal_entries (org_id, entry_date, entry_no);

-- Debit or credit on one account; a red-letter reversal (红字) writes negative amounts on the original side. The
-- tenant, contract and bill make the receivable sub-ledgers (明细账).
CREATE TABLE journal_lines (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  entry_id     uuid NOT NULL,
  org_id       uuid NOT NULL,
  account_id   uuid NOT NULL,
  debit_fen    bigint NOT NULL DEFAULT 0,
  credit_fen   bigint NOT NULL DEFAULT 0,
  tenant_id    uuid,
  contract_id  uuid,
  bill_id      uuid,
  FOREIGN KEY (org_id, entry_id) REFERENCES journal_entries (org_id, id),
  FOREIGN KEY (org_id, account_id) REFERENCES ledger_accounts (org_id, id),
  CONSTRAINT journal_lines_one_side CHECK ((debit_fen <> 0) <> (credit_fen <> 0))
);
CREATE INDEX journal_lines_entry_idx ON journal_lines (entry_id);
CREATE INDEX journal_lines_account_idx ON journal_lines (account_id, entry_id);
CREATE INDEX journal_lines_contract_idx ON journal_lines (contract_id) WHERE contract_id IS NOT NULL;
CREATE INDEX journal_lines_tenant_idx ON journal_lines (tenant_id) WHERE tenant_id IS NOT NULL;
CREATE INDEX journal_lines_bill_idx ON journal_lines (bill_id) WHERE bill_id IS NOT NULL;

-- The database refuses an unbalanced entry: each statement's lines balance entry by entry. (Lines added to an entry by
-- a later statement must balance among themselves too, so every entry always balances.)
CREATE FUNCTION journal_lines_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  unbalanced uuid;
BEGIN
  SELECT entry_id INTO unbalanced FROM added_lines
   GROUP BY entry_id HAVING sum(debit_fen) <> sum(credit_fen) LIMIT 1;
  IF unbalanced IS NOT NULL THEN
    RAISE EXCEPTION 'journal entry % does not balance (debits <> credits)', unbalanced
      USING ERRCODE = '23514', CONSTRAINT = 'journal_entry_balanced';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER journal_lines_balanced AFTER INSERT ON journal_lines
  REFERENCING NEW TABLE AS added_lines FOR EACH STATEMENT EXECUTE FUNCTION journal_lines_balanced();

-- The journal is append-only.
CREATE FUNCTION journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the journal is append-only: % on % refused; post a reversing entry instead', TG_OP, TG_TABLE_NAME
    USING ERRCODE = '55000';
END $$;
CREATE TRIGGER journal_entries_append_only BEFORE UPDATE OR DELETE ON journal_entries
  FOR EACH ROW EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER journal_lines_append_only BEFORE UPDATE OR DELETE ON journal_lines
  FOR EACH ROW EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER journal_entries_no_truncate BEFORE TRUNCATE ON journal_entries
  FOR EACH STATEMENT EXECUTE FUNCTION journal_append_only();
CREATE TRIGGER journal_lines_no_truncate BEFORE TRUNCATE ON journal_lines
  FOR EACH STATEMENT EXECUTE FUNCTION journal_append_only();

-- When a contract's bill plan was written (at activation, or by the first billing run for older contracts).
ALTER TABLE contracts ADD COLUMN planned_at timestamptz;
-- The tenant's WeChat openid (公众号), bound when they open the portal in WeChat; template messages need it.
ALTER TABLE tenants ADD COLUMN wechat_openid text;

-- What each contract bills, period by period: the rent schedule (rent, one row per period j), the deposit, and after
-- an early termination the final period (kind 'final', prorated) with the periods after it cancelled. The billing
-- run issues a bill for every row due on or before its date, in one statement.
CREATE TABLE bill_plan (
  org_id        uuid NOT NULL,
  contract_id   uuid NOT NULL,
  tenant_id     uuid NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('rent', 'deposit', 'final')),
  period_index  integer NOT NULL CHECK (period_index >= 0),
  period_start  date NOT NULL,
  period_end    date NOT NULL,
  due_date      date NOT NULL,
  amount_fen    bigint NOT NULL CHECK (amount_fen >= 0),
  net_fen       bigint NOT NULL,
  tax_fen       bigint NOT NULL,
  cancelled     boolean NOT NULL DEFAULT false,
  PRIMARY KEY (contract_id, kind, period_index),
  FOREIGN KEY (org_id, contract_id) REFERENCES contracts (org_id, id),
  CONSTRAINT bill_plan_split CHECK (net_fen + tax_fen = amount_fen)
);
CREATE INDEX bill_plan_due_idx ON bill_plan (due_date) WHERE NOT cancelled AND amount_fen > 0;

-- One billing run (开账): by the daily job or by finance for a date.
CREATE TABLE billing_runs (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id           uuid NOT NULL REFERENCES orgs(id),
  through_date     date NOT NULL,
  trigger          text NOT NULL CHECK (trigger IN ('manual', 'schedule')),
  issued           integer NOT NULL DEFAULT 0,
  skipped          integer NOT NULL DEFAULT 0,
  amount_fen       bigint NOT NULL DEFAULT 0,
  started_by       uuid,
  started_by_name  text,
  started_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz
);
CREATE INDEX billing_runs_org_idx ON billing_runs (org_id, started_at DESC);

-- A bill (账单) to a tenant. Never edited after issue: its lines are added to (a penalty fixed, a waiver), its paid
-- totals and status follow payments, and a mistake is voided (作废) and reissued as the next revision.
-- outstanding = amount_fen + late_fee_fen - late_fee_waived_fen - paid_fen.
CREATE TABLE bills (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id               uuid NOT NULL REFERENCES orgs(id),
  number               text NOT NULL,
  contract_id          uuid NOT NULL,
  tenant_id            uuid NOT NULL,
  kind                 text NOT NULL CHECK (kind IN ('rent', 'deposit', 'charge', 'final')),
  -- The bill plan's period; NULL for one-off charges.
  period_index         integer,
  -- 0 as first issued; each reissue after a void takes the next.
  revision             integer NOT NULL DEFAULT 0 CHECK (revision >= 0),
  period_start         date,
  period_end           date,
  due_date             date NOT NULL,
  -- Principal: rent, deposit or charge (含税), split into net and VAT.
  amount_fen           bigint NOT NULL CHECK (amount_fen > 0),
  net_fen              bigint NOT NULL,
  tax_fen              bigint NOT NULL,
  tax_rate             text NOT NULL DEFAULT '0',
  -- The contract's late-fee terms when issued; NULL: no penalty.
  late_fee_terms       jsonb,
  -- Penalty fixed into late_fee lines so far, and the part of it waived.
  late_fee_fen         bigint NOT NULL DEFAULT 0 CHECK (late_fee_fen >= 0),
  late_fee_waived_fen  bigint NOT NULL DEFAULT 0 CHECK (late_fee_waived_fen >= 0),
  -- Payments applied: to principal and to the penalty.
  principal_paid_fen   bigint NOT NULL DEFAULT 0 CHECK (principal_paid_fen >= 0),
  late_fee_paid_fen    bigint NOT NULL DEFAULT 0 CHECK (late_fee_paid_fen >= 0),
  status               text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'partial', 'paid', 'void')),
  -- One-off charges (杂费): what for, and the revenue account purpose it is credited to.
  charge_item          text,
  description          text,
  billing_run_id       uuid REFERENCES billing_runs(id),
  replaces_bill_id     uuid REFERENCES bills(id),
  void_reason          text,
  voided_at            timestamptz,
  voided_by            uuid,
  voided_by_name       text,
  settled_on           date,
  issued_by            uuid,
  issued_by_name       text,
  issued_at            timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, contract_id) REFERENCES contracts (org_id, id),
  FOREIGN KEY (org_id, tenant_id) REFERENCES tenants (org_id, id),
  CONSTRAINT bills_number_key UNIQUE (org_id, number),
  CONSTRAINT bills_org_id_key UNIQUE (org_id, id),
  -- The billing run's idempotency key: one bill per (contract, kind, period) and revision.
  CONSTRAINT bills_period_key UNIQUE (contract_id, kind, period_index, revision),
  CONSTRAINT bills_split CHECK (net_fen + tax_fen = amount_fen),
  CONSTRAINT bills_period_kind CHECK ((kind = 'charge') = (period_index IS NULL)),
  CONSTRAINT bills_waiver_within_fee CHECK (late_fee_waived_fen <= late_fee_fen),
  CONSTRAINT bills_principal_paid CHECK (principal_paid_fen <= amount_fen),
  CONSTRAINT bills_late_fee_paid CHECK (late_fee_paid_fen <= late_fee_fen - late_fee_waived_fen),
  CONSTRAINT bills_void CHECK ((status = 'void') = (void_reason IS NOT NULL)),
  CONSTRAINT bills_paid_status CHECK (
    status = 'void'
    OR (status = 'paid') = (principal_paid_fen = amount_fen AND late_fee_paid_fen = late_fee_fen - late_fee_waived_fen))
);
CREATE INDEX bills_org_due_idx ON bills (org_id, due_date);
CREATE INDEX bills_contract_idx ON bills (contract_id, due_date);
CREATE INDEX bills_tenant_idx ON bills (org_id, tenant_id, due_date);
CREATE INDEX bills_unsettled_idx ON bills (org_id, due_date) WHERE status IN ('open', 'partial');

-- The lines of a bill: its principal line (rent, deposit, charge, final rent), then penalties fixed (late_fee, the
-- penalty accrued since the previous fix) and waivers (late_fee_waiver, negative), each with its journal entry.
CREATE TABLE bill_lines (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  bill_id           uuid NOT NULL,
  org_id            uuid NOT NULL,
  kind              text NOT NULL CHECK (kind IN ('rent', 'deposit', 'charge', 'final', 'late_fee', 'late_fee_waiver')),
  description       text NOT NULL,
  amount_fen        bigint NOT NULL,
  net_fen           bigint NOT NULL,
  tax_fen           bigint NOT NULL,
  -- The day a penalty was computed through.
  as_of             date,
  journal_entry_id  uuid,
  created_at        timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, bill_id) REFERENCES bills (org_id, id),
  CONSTRAINT bill_lines_split CHECK (net_fen + tax_fen = amount_fen),
  CONSTRAINT bill_lines_sign CHECK ((kind = 'late_fee_waiver') = (amount_fen < 0))
);
CREATE INDEX bill_lines_bill_idx ON bill_lines (bill_id, id);

-- Money received from a tenant (收款): offline (bank transfer, cash, POS) recorded by finance, or a channel payment.
-- Applied to bills (payment_allocations); what is left becomes an advance (预收, advance_fen).
CREATE TABLE payments (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id            uuid NOT NULL REFERENCES orgs(id),
  number            text NOT NULL,
  tenant_id         uuid NOT NULL,
  method            text NOT NULL CHECK (method IN ('bank_transfer', 'cash', 'pos', 'wechatpay', 'alipay', 'unionpay')),
  amount_fen        bigint NOT NULL CHECK (amount_fen > 0),
  advance_fen       bigint NOT NULL DEFAULT 0 CHECK (advance_fen >= 0 AND advance_fen <= amount_fen),
  received_on       date NOT NULL,
  -- The bank's or channel's reference (流水号).
  reference         text,
  payment_order_no  text,
  remarks           text,
  journal_entry_id  uuid,
  recorded_by       uuid,
  recorded_by_name  text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, tenant_id) REFERENCES tenants (org_id, id),
  CONSTRAINT payments_number_key UNIQUE (org_id, number),
  CONSTRAINT payments_org_id_key UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX payments_reference_key ON payments (org_id, method, reference) WHERE reference IS NOT NULL;
CREATE INDEX payments_tenant_idx ON payments (org_id, tenant_id, received_on);

CREATE TABLE payment_allocations (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id        uuid NOT NULL,
  payment_id    uuid NOT NULL,
  bill_id       uuid NOT NULL,
  applied_on    date NOT NULL,
  principal_fen bigint NOT NULL CHECK (principal_fen >= 0),
  late_fee_fen  bigint NOT NULL CHECK (late_fee_fen >= 0),
  FOREIGN KEY (org_id, payment_id) REFERENCES payments (org_id, id),
  FOREIGN KEY (org_id, bill_id) REFERENCES bills (org_id, id),
  CONSTRAINT payment_allocations_some CHECK (principal_fen + late_fee_fen > 0)
);
CREATE INDEX payment_allocations_bill_idx ON payment_allocations (bill_id, applied_on);
CREATE INDEX payment_allocations_payment_idx ON payment_allocations (payment_id);

-- A request to waive (减免) part or all of a bill's penalty: finance asks with a reason, an approver decides.
CREATE TABLE late_fee_waivers (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id             uuid NOT NULL,
  bill_id            uuid NOT NULL,
  amount_fen         bigint NOT NULL CHECK (amount_fen > 0),
  reason             text NOT NULL CHECK (length(btrim(reason)) > 0),
  status             text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  requested_by       uuid,
  requested_by_name  text,
  requested_at       timestamptz NOT NULL DEFAULT now(),
  decided_by         uuid,
  decided_by_name    text,
  decided_at         timestamptz,
  decision_note      text,
  journal_entry_id   uuid,
  FOREIGN KEY (org_id, bill_id) REFERENCES bills (org_id, id),
  CONSTRAINT late_fee_waivers_decided CHECK ((status = 'pending') = (decided_at IS NULL))
);
-- One open request per bill.
CREATE UNIQUE INDEX late_fee_waivers_pending_key ON late_fee_waivers (bill_id) WHERE status = 'pending';
CREATE INDEX late_fee_waivers_org_idx ON late_fee_waivers (org_id, status, requested_at DESC);

-- Messages to tenants (SMS, WeChat template messages), written in the same transaction as what caused them and
-- delivered by a job with retries. The recipient (phone or openid) is stored encrypted and shown masked.
CREATE TABLE outbound_messages (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id               uuid NOT NULL REFERENCES orgs(id),
  channel              text NOT NULL CHECK (channel IN ('sms', 'wechat')),
  kind                 text NOT NULL,
  tenant_id            uuid,
  bill_id              uuid,
  recipient_enc        text NOT NULL CHECK (recipient_enc LIKE 'v1:%'),
  recipient_masked     text NOT NULL,
  template_code        text NOT NULL,
  params               jsonb NOT NULL DEFAULT '{}'::jsonb,
  body                 text NOT NULL,
  pay_link             text,
  status               text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'dead')),
  attempts             integer NOT NULL DEFAULT 0,
  next_attempt_at      timestamptz NOT NULL DEFAULT now(),
  provider             text,
  provider_message_id  text,
  last_error           text,
  dedupe_key           text NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  sent_at              timestamptz,
  CONSTRAINT outbound_messages_dedupe_key UNIQUE (org_id, dedupe_key)
);
CREATE INDEX outbound_messages_due_idx ON outbound_messages (next_attempt_at) WHERE status IN ('pending', 'failed');
CREATE INDEX outbound_messages_org_idx ON outbound_messages (org_id, created_at DESC);
CREATE INDEX outbound_messages_bill_idx ON outbound_messages (bill_id) WHERE bill_id IS NOT NULL;

-- Writes that move money take an Idempotency-Key (api.md): the first answer is kept and given again for the same key
-- and body; a different body with the same key is refused. `status_code` is NULL while the first request runs.
CREATE TABLE idempotency_keys (
  scope         text NOT NULL,
  key           text NOT NULL,
  request_hash  text NOT NULL,
  status_code   integer,
  response      jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
