-- 对账差异处理: every difference has an owner and an end. `acknowledge` (explained, no money moves) resolves it at once;
-- `settle` (money moves: the statement's line posted at the channel's figures) waits for an approver other than the
-- proposer. A later run that matches a transaction an earlier run missed resolves the earlier difference by itself.
-- Refund lines are matched against refunds and netted in the run's settlement.

ALTER TABLE reconciliation_lines DROP CONSTRAINT reconciliation_lines_outcome_check;
ALTER TABLE reconciliation_lines ADD CONSTRAINT reconciliation_lines_outcome_check
  CHECK (outcome IN ('matched', 'repaired', 'amount_differs', 'missing_here', 'settled_before', 'refund',
                     'refund_matched', 'refund_differs', 'refund_missing_here'));
ALTER TABLE reconciliation_lines ADD COLUMN refund_id uuid;
CREATE INDEX reconciliation_lines_refund_idx ON reconciliation_lines (org_id, provider, refund_no)
  WHERE kind = 'refund';

ALTER TABLE reconciliation_runs ADD COLUMN refund_matched_count integer NOT NULL DEFAULT 0;
-- Refunds this run settled (the channel nets them from the payout): Dr 1012.channel.
ALTER TABLE reconciliation_runs ADD COLUMN settled_refund_fen bigint NOT NULL DEFAULT 0;

ALTER TABLE reconciliation_differences DROP CONSTRAINT reconciliation_differences_kind_check;
ALTER TABLE reconciliation_differences ADD CONSTRAINT reconciliation_differences_kind_check
  CHECK (kind IN ('amount_differs', 'missing_here', 'missing_in_channel',
                  'refund_differs', 'refund_missing_here', 'refund_missing_in_channel'));
ALTER TABLE reconciliation_differences DROP CONSTRAINT reconciliation_differences_status_check;
ALTER TABLE reconciliation_differences ADD CONSTRAINT reconciliation_differences_status_check
  CHECK (status IN ('open', 'awaiting_approval', 'resolved'));
ALTER TABLE reconciliation_differences ADD COLUMN refund_no text;
ALTER TABLE reconciliation_differences ADD COLUMN refund_id uuid;
ALTER TABLE reconciliation_differences ADD COLUMN channel_fee_fen bigint;
ALTER TABLE reconciliation_differences ADD COLUMN action text CHECK (action IN ('acknowledge', 'settle'));
ALTER TABLE reconciliation_differences ADD COLUMN proposed_by uuid;
ALTER TABLE reconciliation_differences ADD COLUMN proposed_by_name text;
ALTER TABLE reconciliation_differences ADD COLUMN proposed_at timestamptz;
ALTER TABLE reconciliation_differences ADD COLUMN decided_by uuid;
ALTER TABLE reconciliation_differences ADD COLUMN decided_by_name text;
ALTER TABLE reconciliation_differences ADD COLUMN decided_at timestamptz;
ALTER TABLE reconciliation_differences ADD COLUMN decision_note text;
ALTER TABLE reconciliation_differences ADD COLUMN suspense_item_id uuid;
ALTER TABLE reconciliation_differences ADD COLUMN journal_entry_id uuid;
ALTER TABLE reconciliation_differences ADD COLUMN auto_resolved_by_run_id uuid;
-- open: nothing proposed; awaiting_approval: a settlement proposed; resolved: by a person's action or a later run.
ALTER TABLE reconciliation_differences ADD CONSTRAINT reconciliation_differences_action
  CHECK ((action IS NULL) = (status = 'open' OR auto_resolved_by_run_id IS NOT NULL)
         AND (status <> 'awaiting_approval' OR action = 'settle'));
ALTER TABLE reconciliation_differences ADD CONSTRAINT reconciliation_differences_settle_kinds
  CHECK (action IS DISTINCT FROM 'settle' OR kind IN ('amount_differs', 'missing_here'));
CREATE INDEX reconciliation_differences_worklist_idx ON reconciliation_differences (org_id, status, created_at DESC);
CREATE INDEX reconciliation_differences_transaction_idx ON reconciliation_differences (org_id, provider, transaction_id)
  WHERE status <> 'resolved';

