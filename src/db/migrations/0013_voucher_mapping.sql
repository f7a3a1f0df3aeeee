-- Accounting vouchers (记账凭证, #8): each organisation's mapping of its ledger accounts to the subjects (科目编码/名称)
-- of its accounting software (用友 U8/T+, 金蝶 KIS/K3). An account without a mapping exports under its own code and name.
CREATE TABLE voucher_account_mappings (
  org_id           uuid NOT NULL,
  account_id       uuid NOT NULL,
  external_code    text NOT NULL CHECK (external_code <> ''),
  external_name    text NOT NULL CHECK (external_name <> ''),
  updated_by       uuid,
  updated_by_name  text,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, account_id),
  FOREIGN KEY (org_id, account_id) REFERENCES ledger_accounts (org_id, id)
);
