-- Reports (报表, #8): indexes for the figures the dashboard and reports aggregate in the database.

-- Payments received on a day or in a range (today's payments by channel, 收款明细).
CREATE INDEX payments_org_received_idx ON payments (org_id, received_on);
-- Bills settled after an as-of day still owed something on that day (arrears aging as of a past date).
CREATE INDEX bills_settled_idx ON bills (org_id, settled_on) WHERE status = 'paid';
-- Contracts' units in order, for a contract's main unit (its project and asset type).
CREATE INDEX contract_assets_contract_position_idx ON contract_assets (contract_id, position);
