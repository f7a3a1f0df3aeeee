-- The asset registry (资产台账) and tenants (承租方).

-- Per-organisation counters for numbers people read (tenant codes CZ000001, …).
CREATE TABLE org_sequences (
  org_id  uuid NOT NULL REFERENCES orgs(id),
  name    text NOT NULL,
  value   bigint NOT NULL,
  PRIMARY KEY (org_id, name)
);

CREATE TABLE assets (
  id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id                   uuid NOT NULL REFERENCES orgs(id),
  code                     text NOT NULL CHECK (code <> '' AND length(code) <= 50),
  name                     text NOT NULL CHECK (name <> '' AND length(name) <= 100),
  type                     text NOT NULL CHECK (type IN ('project', 'building', 'floor', 'unit', 'land', 'parking', 'warehouse', 'factory')),
  -- Which type may sit under which is checked by the service (src/domain/asset-rules.ts); the database keeps a
  -- parent in the same organisation.
  parent_id                uuid,
  area_sqm                 numeric(12, 2) CHECK (area_sqm >= 0),
  address                  text,
  property_certificate_no  text,
  book_value_fen           bigint CHECK (book_value_fen >= 0),
  acquisition_date         date,
  tax_method               text CHECK (tax_method IN ('general', 'simple')),
  status                   text NOT NULL DEFAULT 'vacant'
                           CHECK (status IN ('vacant', 'leased', 'reserved', 'self_use', 'unavailable', 'disposed')),
  remarks                  text,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT assets_code_key UNIQUE (org_id, code),
  CONSTRAINT assets_org_id_key UNIQUE (org_id, id),
  CONSTRAINT assets_parent_fkey FOREIGN KEY (org_id, parent_id) REFERENCES assets (org_id, id),
  CONSTRAINT assets_not_own_parent CHECK (parent_id IS DISTINCT FROM id)
);
CREATE INDEX assets_parent_idx ON assets (parent_id);
CREATE INDEX assets_org_type_idx ON assets (org_id, type);
CREATE INDEX assets_org_status_idx ON assets (org_id, status);

-- Every status an asset has had, newest last; `leased` only ever comes from a contract.
CREATE TABLE asset_status_history (
  id           bigserial PRIMARY KEY,
  org_id       uuid NOT NULL,
  asset_id     uuid NOT NULL,
  from_status  text,
  to_status    text NOT NULL CHECK (to_status IN ('vacant', 'leased', 'reserved', 'self_use', 'unavailable', 'disposed')),
  reason       text,
  contract_id  uuid,
  actor_id     uuid,
  actor_name   text,
  changed_at   timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, asset_id) REFERENCES assets (org_id, id),
  CONSTRAINT asset_status_leased_by_contract CHECK (to_status <> 'leased' OR contract_id IS NOT NULL)
);
CREATE INDEX asset_status_history_asset_idx ON asset_status_history (asset_id, id);

-- Photos and documents; the bytes live in the file store (STORAGE_DIR or an S3-compatible store).
CREATE TABLE asset_attachments (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id            uuid NOT NULL,
  asset_id          uuid NOT NULL,
  kind              text NOT NULL CHECK (kind IN ('photo', 'document')),
  file_name         text NOT NULL,
  content_type      text NOT NULL,
  size_bytes        integer NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 10485760),
  sha256            text NOT NULL,
  storage_key       text NOT NULL UNIQUE,
  uploaded_by       uuid,
  uploaded_by_name  text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, asset_id) REFERENCES assets (org_id, id)
);
CREATE INDEX asset_attachments_asset_idx ON asset_attachments (asset_id, created_at);

-- ID numbers, phones and bank accounts are stored only encrypted (`v1:<keyId>:<iv>:<ciphertext>`), with an HMAC
-- blind index (`*_index`) for exact search. A company's credit code is public and stored in clear.
CREATE TABLE tenants (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id                uuid NOT NULL REFERENCES orgs(id),
  code                  text NOT NULL,
  kind                  text NOT NULL CHECK (kind IN ('individual', 'enterprise')),
  name                  text NOT NULL CHECK (name <> '' AND length(name) <= 100),
  id_number_enc         text CHECK (id_number_enc LIKE 'v1:%'),
  id_number_index       text,
  credit_code           text CHECK (credit_code ~ '^[0-9A-HJ-NP-RTUW-Y]{18}$'),
  legal_representative  text,
  contact_name          text,
  phone_enc             text NOT NULL CHECK (phone_enc LIKE 'v1:%'),
  phone_index           text NOT NULL,
  contact_phone_enc     text CHECK (contact_phone_enc LIKE 'v1:%'),
  contact_phone_index   text,
  address               text,
  bank_name             text,
  bank_account_enc      text CHECK (bank_account_enc LIKE 'v1:%'),
  remarks               text,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT tenants_code_key UNIQUE (org_id, code),
  CONSTRAINT tenants_org_id_key UNIQUE (org_id, id),
  CONSTRAINT tenants_identity CHECK (
    (kind = 'individual' AND id_number_enc IS NOT NULL AND id_number_index IS NOT NULL AND credit_code IS NULL) OR
    (kind = 'enterprise' AND credit_code IS NOT NULL AND id_number_enc IS NULL AND id_number_index IS NULL)),
  CONSTRAINT tenants_contact_phone_indexed CHECK ((contact_phone_enc IS NULL) = (contact_phone_index IS NULL))
);
CREATE UNIQUE INDEX tenants_id_number_key ON tenants (org_id, id_number_index) WHERE id_number_index IS NOT NULL;
CREATE UNIQUE INDEX tenants_credit_code_key ON tenants (org_id, credit_code) WHERE credit_code IS NOT NULL;
CREATE INDEX tenants_phone_idx ON tenants (org_id, phone_index);
CREATE INDEX tenants_contact_phone_idx ON tenants (org_id, contact_phone_index);
