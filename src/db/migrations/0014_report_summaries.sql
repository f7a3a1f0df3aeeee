-- Reports (#8): the dashboard's money figures from a summary the billing and payment paths keep up to date, so they
-- cost the same over ten million bills as over a hundred.
--
-- bill_due_totals holds, per organisation and due date, what the non-void bills due that day add up to. It is
-- insert-only: every statement that inserts, updates or deletes bills appends one row per (org, due date) it changed,
-- holding the difference (statement triggers over the transition tables, so a billing run of a million bills adds a
-- few hundred rows, and concurrent payments never wait on each other's summary row). The job report-totals-compact
-- folds the rows of each (org, due date) into one. A reader sums the rows; the sums equal the bills at any moment.

CREATE TABLE bill_due_totals (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id              uuid NOT NULL,
  due_date            date NOT NULL,
  -- Non-void bills and their principal (应收本金), and the principal collected on them.
  bill_count          bigint NOT NULL,
  billed_fen          bigint NOT NULL,
  principal_paid_fen  bigint NOT NULL,
  -- The bills still owing (open or partly paid with something outstanding), and what they owe: principal plus the
  -- penalty fixed so far, less waivers and everything paid (the arrears aging's figure as of today).
  owed_count          bigint NOT NULL,
  owed_fen            bigint NOT NULL
);
CREATE INDEX bill_due_totals_org_due_idx ON bill_due_totals (org_id, due_date)
  INCLUDE (bill_count, billed_fen, principal_paid_fen, owed_count, owed_fen);

-- The statement appending the totals of a set of bill rows, each counted signed (`sign`: +1 as a bill is after a
-- statement, −1 as it was before); a void bill counts nowhere. `rows` is a query of bills' columns and `sign`.
CREATE FUNCTION bill_due_totals_insert_sql(rows text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT format($insert$
    INSERT INTO bill_due_totals (org_id, due_date, bill_count, billed_fen, principal_paid_fen, owed_count, owed_fen)
    SELECT * FROM (
      SELECT org_id, due_date,
             coalesce(sum(sign) FILTER (WHERE status <> 'void'), 0) AS bill_count,
             coalesce(sum(sign * amount_fen) FILTER (WHERE status <> 'void'), 0) AS billed_fen,
             coalesce(sum(sign * principal_paid_fen) FILTER (WHERE status <> 'void'), 0) AS principal_paid_fen,
             coalesce(sum(sign) FILTER (WHERE owing), 0) AS owed_count,
             coalesce(sum(sign * owed) FILTER (WHERE owing), 0) AS owed_fen
        FROM (SELECT r.*, r.status IN ('open', 'partial') AND r.owed > 0 AS owing
                FROM (SELECT sign, org_id, due_date, status, amount_fen, principal_paid_fen,
                             amount_fen + late_fee_fen - late_fee_waived_fen - principal_paid_fen - late_fee_paid_fen AS owed
                        FROM (%s) b) r) r
       GROUP BY org_id, due_date) t
     WHERE (bill_count, billed_fen, principal_paid_fen, owed_count, owed_fen) <> (0, 0, 0, 0, 0)
  $insert$, rows)
$$;

-- Transition tables are visible to the trigger function's own queries (dynamic ones too), not to functions it calls.
CREATE FUNCTION bill_due_totals_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE bill_due_totals_insert_sql(CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT 1 AS sign, * FROM new_bills'
    WHEN 'DELETE' THEN 'SELECT -1 AS sign, * FROM old_bills'
    ELSE 'SELECT 1 AS sign, * FROM new_bills UNION ALL SELECT -1, * FROM old_bills' END);
  RETURN NULL;
END $$;

CREATE TRIGGER bill_due_totals_insert AFTER INSERT ON bills
  REFERENCING NEW TABLE AS new_bills FOR EACH STATEMENT EXECUTE FUNCTION bill_due_totals_track();
CREATE TRIGGER bill_due_totals_update AFTER UPDATE ON bills
  REFERENCING OLD TABLE AS old_bills NEW TABLE AS new_bills FOR EACH STATEMENT EXECUTE FUNCTION bill_due_totals_track();
CREATE TRIGGER bill_due_totals_delete AFTER DELETE ON bills
  REFERENCING OLD TABLE AS old_bills FOR EACH STATEMENT EXECUTE FUNCTION bill_due_totals_track();

-- The bills already issued.
DO $$ BEGIN EXECUTE bill_due_totals_insert_sql('SELECT 1 AS sign, * FROM bills'); END $$;

-- Top overdue tenants: the owing bills of an org by tenant, without touching the paid ones.
CREATE INDEX bills_owing_tenant_idx ON bills (org_id, tenant_id)
  INCLUDE (due_date, amount_fen, late_fee_fen, late_fee_waived_fen, principal_paid_fen, late_fee_paid_fen)
  WHERE status IN ('open', 'partial');
