-- 银行流水导入与勾对: a bank account's statement (CSV or Excel) read with the account's saved column mapping, its
-- lines kept once (by the bank's serial number), and each money-in line confirmed by finance against what it paid:
-- an offline payment already recorded or a channel settlement (linked, nothing posted), or bills (a payment recorded).

-- One saved column mapping per bank account: which column holds what, by header text.
CREATE TABLE bank_statement_mappings (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id             uuid NOT NULL REFERENCES orgs(id),
  name               text NOT NULL CHECK (name <> '' AND length(name) <= 100),
  account_label      text NOT NULL CHECK (account_label <> '' AND length(account_label) <= 100),
  account_no_enc     text CHECK (account_no_enc LIKE 'v1:%'),
  account_no_masked  text,
  -- The row (1-based) holding the headers; the rows above it (account name, period…) are passed over.
  header_row         integer NOT NULL DEFAULT 1 CHECK (header_row BETWEEN 1 AND 50),
  -- {date, credit, debit, amount, direction, creditMarks, payerName, payerAccount, reference, serial}: header texts.
  columns            jsonb NOT NULL,
  date_format        text NOT NULL,
  encoding           text NOT NULL DEFAULT 'utf8' CHECK (encoding IN ('utf8', 'gbk')),
  created_by         uuid,
  created_by_name    text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT bank_statement_mappings_name_key UNIQUE (org_id, name),
  CONSTRAINT bank_statement_mappings_org_id_key UNIQUE (org_id, id),
  CONSTRAINT bank_statement_mappings_account_masked CHECK ((account_no_enc IS NULL) = (account_no_masked IS NULL))
);

-- A file imported once per account: the same bytes again answer the earlier import.
CREATE TABLE bank_statement_imports (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id               uuid NOT NULL,
  mapping_id           uuid NOT NULL,
  file_name            text NOT NULL,
  file_format          text NOT NULL CHECK (file_format IN ('csv', 'xlsx')),
  file_hash            text NOT NULL CHECK (file_hash ~ '^[0-9a-f]{64}$'),
  line_count           integer NOT NULL,
  -- Lines already imported from an overlapping file (same bank serial number) are not kept twice.
  new_line_count       integer NOT NULL,
  credit_fen           bigint NOT NULL,
  debit_fen            bigint NOT NULL,
  first_date           date,
  last_date            date,
  imported_by          uuid,
  imported_by_name     text,
  created_at           timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, mapping_id) REFERENCES bank_statement_mappings (org_id, id),
  CONSTRAINT bank_statement_imports_org_id_key UNIQUE (org_id, id),
  CONSTRAINT bank_statement_imports_file_key UNIQUE (org_id, mapping_id, file_hash)
);
CREATE INDEX bank_statement_imports_org_idx ON bank_statement_imports (org_id, created_at DESC);

CREATE TABLE bank_statement_lines (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id                 uuid NOT NULL,
  mapping_id             uuid NOT NULL,
  import_id              uuid NOT NULL,
  -- The row number in the file as a spreadsheet shows it.
  line_no                integer NOT NULL,
  value_date             date NOT NULL,
  direction              text NOT NULL CHECK (direction IN ('credit', 'debit')),
  amount_fen             bigint NOT NULL CHECK (amount_fen > 0),
  payer_name             text,
  payer_account_enc      text CHECK (payer_account_enc LIKE 'v1:%'),
  payer_account_masked   text,
  reference              text,
  bank_serial            text,
  status                 text NOT NULL DEFAULT 'unmatched' CHECK (status IN ('unmatched', 'confirmed', 'ignored')),
  -- confirmed: linked to a payment recorded before, or to a channel settlement (nothing posted), or recorded as a
  -- new payment from this line.
  match_kind             text CHECK (match_kind IN ('link_payment', 'link_settlement', 'recorded')),
  payment_id             uuid REFERENCES payments(id),
  reconciliation_run_id  uuid REFERENCES reconciliation_runs(id),
  decided_by             uuid,
  decided_by_name        text,
  decided_at             timestamptz,
  note                   text,
  created_at             timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, import_id) REFERENCES bank_statement_imports (org_id, id),
  FOREIGN KEY (org_id, mapping_id) REFERENCES bank_statement_mappings (org_id, id),
  CONSTRAINT bank_statement_lines_import_line_key UNIQUE (import_id, line_no),
  CONSTRAINT bank_statement_lines_payer_masked CHECK ((payer_account_enc IS NULL) = (payer_account_masked IS NULL)),
  CONSTRAINT bank_statement_lines_match CHECK (
    (status = 'confirmed') = (match_kind IS NOT NULL) AND
    (match_kind IS NULL OR match_kind = 'link_settlement' OR payment_id IS NOT NULL) AND
    (match_kind IS DISTINCT FROM 'link_settlement' OR reconciliation_run_id IS NOT NULL) AND
    ((status = 'unmatched') = (decided_at IS NULL)))
);
CREATE UNIQUE INDEX bank_statement_lines_serial_key ON bank_statement_lines (mapping_id, bank_serial)
  WHERE bank_serial IS NOT NULL;
-- A payment or a settlement is the money of one bank line at most.
CREATE UNIQUE INDEX bank_statement_lines_payment_key ON bank_statement_lines (payment_id) WHERE payment_id IS NOT NULL;
CREATE UNIQUE INDEX bank_statement_lines_run_key ON bank_statement_lines (reconciliation_run_id)
  WHERE reconciliation_run_id IS NOT NULL;
CREATE INDEX bank_statement_lines_worklist_idx ON bank_statement_lines (org_id, status, value_date DESC);
