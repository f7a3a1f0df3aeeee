-- Foundation: organisations, staff, sessions, the hash-chained audit log.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE orgs (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code        text NOT NULL UNIQUE,
  name        text NOT NULL,
  settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id              uuid NOT NULL REFERENCES orgs(id),
  username            text NOT NULL,
  display_name        text NOT NULL,
  password_hash       text NOT NULL,
  roles               text[] NOT NULL,
  status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  failed_logins       integer NOT NULL DEFAULT 0,
  locked_until        timestamptz,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  last_login_at       timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT users_roles_known CHECK (roles <@ ARRAY['admin','asset_manager','finance','approver','auditor']::text[]),
  CONSTRAINT users_roles_present CHECK (cardinality(roles) > 0)
);
-- Usernames are global: the login form asks for no organisation.
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE INDEX users_org_idx ON users (org_id);

CREATE TABLE sessions (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash    text NOT NULL UNIQUE,
  principal     text NOT NULL CHECK (principal IN ('staff', 'tenant')),
  org_id        uuid NOT NULL REFERENCES orgs(id),
  user_id       uuid REFERENCES users(id),
  tenant_id     uuid,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  ip            text,
  user_agent    text,
  CONSTRAINT sessions_principal_subject CHECK (
    (principal = 'staff' AND user_id IS NOT NULL AND tenant_id IS NULL) OR
    (principal = 'tenant' AND tenant_id IS NOT NULL AND user_id IS NULL))
);
CREATE INDEX sessions_last_seen_idx ON sessions (last_seen_at);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- One chain per organisation (plus 'system' for events with no organisation, e.g. a login with an unknown name).
CREATE TABLE audit_chain (
  chain     text PRIMARY KEY,
  seq       bigint NOT NULL,
  hash      text NOT NULL
);

CREATE TABLE audit_log (
  id           bigserial PRIMARY KEY,
  chain        text NOT NULL,
  seq          bigint NOT NULL,
  org_id       uuid REFERENCES orgs(id),
  at           timestamptz NOT NULL,
  actor_kind   text NOT NULL CHECK (actor_kind IN ('staff', 'tenant', 'system', 'anonymous')),
  actor_id     uuid,
  actor_name   text,
  action       text NOT NULL,
  entity_type  text,
  entity_id    text,
  before       jsonb,
  after        jsonb,
  ip           text,
  user_agent   text,
  prev_hash    text NOT NULL,
  hash         text NOT NULL,
  UNIQUE (chain, seq)
);
CREATE INDEX audit_log_org_at_idx ON audit_log (org_id, at DESC);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id);

-- Append-only: the application never updates or deletes an audit row.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
END;
$$;
CREATE TRIGGER audit_log_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate
  BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
