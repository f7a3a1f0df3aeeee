-- Lease contracts (租赁合同): the contract and its units, approvals, attachments, Word templates, the deposit refund
-- requests and final settlements early terminations leave for billing, and a simple notification log.

CREATE TABLE contracts (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id                  uuid NOT NULL REFERENCES orgs(id),
  -- ZX-2026-0001: gap-free per organisation and year (org_sequences 'contract:<year>', taken in the same transaction).
  number                  text NOT NULL,
  tenant_id               uuid NOT NULL,
  status                  text NOT NULL DEFAULT 'draft'
                          CHECK (status IN ('draft', 'pending_approval', 'approved', 'active', 'expired', 'terminated')),
  -- The contract terms JSON of domain.md; the columns below repeat what lists and jobs filter on.
  terms                   jsonb NOT NULL,
  start_date              date NOT NULL,
  end_date                date NOT NULL,
  monthly_rent_fen        bigint NOT NULL CHECK (monthly_rent_fen > 0),
  annual_rent_fen         bigint NOT NULL CHECK (annual_rent_fen > 0),
  total_rent_fen          bigint NOT NULL CHECK (total_rent_fen >= 0),
  deposit_fen             bigint NOT NULL DEFAULT 0 CHECK (deposit_fen >= 0),
  purpose                 text,
  tender_announcement_no  text,
  deal_confirmation_no    text,
  remarks                 text,
  -- Set at each submission from the org's approval tiers; the round counts submissions.
  approval_levels         integer CHECK (approval_levels BETWEEN 1 AND 5),
  approval_round          integer NOT NULL DEFAULT 0,
  sign_date               date,
  activated_at            timestamptz,
  termination_date        date,
  termination_reason      text,
  -- What an early termination leaves for billing: the schedule up to the termination date.
  final_settlement        jsonb,
  -- When the units were given back (expiry or termination).
  released_at             timestamptz,
  renewed_from_id         uuid,
  created_by              uuid,
  created_by_name         text,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT contracts_number_key UNIQUE (org_id, number),
  CONSTRAINT contracts_org_id_key UNIQUE (org_id, id),
  CONSTRAINT contracts_tenant_fkey FOREIGN KEY (org_id, tenant_id) REFERENCES tenants (org_id, id),
  CONSTRAINT contracts_renewed_from_fkey FOREIGN KEY (org_id, renewed_from_id) REFERENCES contracts (org_id, id),
  CONSTRAINT contracts_dates CHECK (end_date > start_date),
  CONSTRAINT contracts_signed CHECK (status NOT IN ('active', 'expired', 'terminated') OR sign_date IS NOT NULL),
  CONSTRAINT contracts_termination CHECK ((status = 'terminated') = (termination_date IS NOT NULL))
);
-- One renewal per contract.
CREATE UNIQUE INDEX contracts_renewal_key ON contracts (renewed_from_id) WHERE renewed_from_id IS NOT NULL;
CREATE INDEX contracts_org_status_end_idx ON contracts (org_id, status, end_date);
CREATE INDEX contracts_tenant_idx ON contracts (org_id, tenant_id);

-- The units a contract leases. A row is `active` once the contract is signed, for the days it covers (cut at an early
-- termination); two active rows never cover the same asset on the same day — the database refuses it.
CREATE TABLE contract_assets (
  contract_id  uuid NOT NULL,
  asset_id     uuid NOT NULL,
  org_id       uuid NOT NULL,
  position     integer NOT NULL,
  period       daterange NOT NULL,
  active       boolean NOT NULL DEFAULT false,
  PRIMARY KEY (contract_id, asset_id),
  FOREIGN KEY (org_id, contract_id) REFERENCES contracts (org_id, id),
  FOREIGN KEY (org_id, asset_id) REFERENCES assets (org_id, id),
  CONSTRAINT contract_assets_no_overlap EXCLUDE USING gist (asset_id WITH =, period WITH &&) WHERE (active)
);
CREATE INDEX contract_assets_asset_idx ON contract_assets (asset_id);

-- Each approval decision; a submission is a round, a rejection ends it. Within a round every level is decided once
-- and an approver approves at most once, so a second level always has a different approver.
CREATE TABLE contract_approvals (
  id             bigserial PRIMARY KEY,
  org_id         uuid NOT NULL,
  contract_id    uuid NOT NULL,
  round          integer NOT NULL CHECK (round >= 1),
  level          integer NOT NULL CHECK (level BETWEEN 1 AND 5),
  decision       text NOT NULL CHECK (decision IN ('approved', 'rejected')),
  approver_id    uuid,
  approver_name  text,
  comment        text,
  decided_at     timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, contract_id) REFERENCES contracts (org_id, id),
  CONSTRAINT contract_approvals_level_key UNIQUE (contract_id, round, level)
);
CREATE UNIQUE INDEX contract_approvals_approver_key ON contract_approvals (contract_id, round, approver_id)
  WHERE decision = 'approved';

-- Signed scans and other documents; the bytes live in the file store.
CREATE TABLE contract_attachments (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id            uuid NOT NULL,
  contract_id       uuid NOT NULL,
  file_name         text NOT NULL,
  content_type      text NOT NULL,
  size_bytes        integer NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 10485760),
  sha256            text NOT NULL,
  storage_key       text NOT NULL UNIQUE,
  uploaded_by       uuid,
  uploaded_by_name  text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, contract_id) REFERENCES contracts (org_id, id)
);
CREATE INDEX contract_attachments_contract_idx ON contract_attachments (contract_id, created_at);

-- The org's Word templates (.docx with placeholders); the one in use is `active`, otherwise the built-in default.
CREATE TABLE contract_templates (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id            uuid NOT NULL REFERENCES orgs(id),
  name              text NOT NULL CHECK (name <> '' AND length(name) <= 100),
  file_name         text NOT NULL,
  size_bytes        integer NOT NULL CHECK (size_bytes > 0),
  sha256            text NOT NULL,
  storage_key       text NOT NULL UNIQUE,
  placeholders      jsonb NOT NULL,
  active            boolean NOT NULL DEFAULT false,
  uploaded_by       uuid,
  uploaded_by_name  text,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX contract_templates_active_key ON contract_templates (org_id) WHERE active;

-- The deposit to give back when a lease ends (early or at its end), for the refund workflow.
CREATE TABLE deposit_refund_requests (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id             uuid NOT NULL,
  contract_id        uuid NOT NULL,
  tenant_id          uuid NOT NULL,
  amount_fen         bigint NOT NULL CHECK (amount_fen > 0),
  reason             text NOT NULL CHECK (reason IN ('terminated', 'expired')),
  status             text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'refunded')),
  requested_by       uuid,
  requested_by_name  text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, contract_id) REFERENCES contracts (org_id, id),
  CONSTRAINT deposit_refund_requests_contract_key UNIQUE (contract_id)
);

-- Messages to staff (contracts ending soon, …), addressed to a role; each is sent once per dedupe key.
CREATE TABLE notifications (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id          uuid NOT NULL REFERENCES orgs(id),
  recipient_role  text NOT NULL,
  channel         text NOT NULL DEFAULT 'in_app',
  kind            text NOT NULL,
  entity_type     text,
  entity_id       text,
  title           text NOT NULL,
  body            text NOT NULL,
  dedupe_key      text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT notifications_dedupe_key UNIQUE (org_id, dedupe_key)
);
CREATE INDEX notifications_org_role_idx ON notifications (org_id, recipient_role, created_at DESC);
