import { and, asc, count, desc, eq, ilike, inArray, isNull, lt, ne, or, type SQL, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../../db/client.ts';
import {
  assets,
  contractApprovals,
  contractAssets,
  contractAttachments,
  contracts,
  contractTemplates,
  depositRefundRequests,
  tenants,
} from '../../db/schema.ts';
import { takeNumbers } from '../../db/sequences.ts';
import type { CalendarDate } from '../../domain/calendar.ts';
import type { ContractStatus } from '../../domain/contract-rules.ts';

export type ContractRow = typeof contracts.$inferSelect;
export type NewContractRow = typeof contracts.$inferInsert;
export type ApprovalRow = typeof contractApprovals.$inferSelect;
export type ContractAttachmentRow = typeof contractAttachments.$inferSelect;
export type TemplateRow = typeof contractTemplates.$inferSelect;
export type RefundRequestRow = typeof depositRefundRequests.$inferSelect;

/** A unit of a contract, with what the registry says about it (read for views and documents). */
export interface ContractAssetView {
  assetId: string;
  code: string;
  name: string;
  type: string;
  areaSqm: string | null;
  address: string | null;
  status: string;
}

export type ContractListRow = ContractRow & { tenantName: string; assets: ContractAssetView[] };

export interface ContractFilter {
  orgId: string;
  status?: ContractStatus[];
  tenantId?: string;
  assetId?: string;
  /** Active contracts whose end date is between `today` and `today + endingWithinDays`. */
  endingWithinDays?: number;
  today?: CalendarDate;
  /** Contract number, tenant name, asset code or name. */
  keyword?: string;
  renewedFromId?: string;
}

/** Another signed contract covering one of the units on a day of the period: enough to name it in a refusal. */
export interface Overlap {
  assetCode: string;
  number: string;
  from: string;
  to: string;
}

const likeText = (text: string) => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/** '[2026-01-15,2029-01-14]' as PostgreSQL stores it: '[2026-01-15,2029-01-15)'. */
const dateRange = (from: CalendarDate, to: CalendarDate) => sql`daterange(${from}::date, ${to}::date, '[]')`;

function whereOf(filter: ContractFilter): SQL {
  const conditions: SQL[] = [eq(contracts.orgId, filter.orgId)];
  if (filter.status?.length) conditions.push(inArray(contracts.status, filter.status));
  if (filter.tenantId) conditions.push(eq(contracts.tenantId, filter.tenantId));
  if (filter.renewedFromId) conditions.push(eq(contracts.renewedFromId, filter.renewedFromId));
  if (filter.assetId) {
    conditions.push(
      sql`${contracts.id} IN (SELECT contract_id FROM contract_assets WHERE asset_id = ${filter.assetId})`,
    );
  }
  if (filter.endingWithinDays !== undefined && filter.today) {
    conditions.push(eq(contracts.status, 'active'));
    conditions.push(
      sql`${contracts.endDate} BETWEEN ${filter.today}::date AND ${filter.today}::date + ${filter.endingWithinDays}::int`,
    );
  }
  if (filter.keyword) {
    const like = likeText(filter.keyword);
    conditions.push(
      or(
        ilike(contracts.number, like),
        sql`${contracts.tenantId} IN (SELECT id FROM tenants WHERE org_id = ${filter.orgId} AND name ILIKE ${like})`,
        sql`${contracts.id} IN (SELECT ca.contract_id FROM contract_assets ca JOIN assets a ON a.id = ca.asset_id
              WHERE ca.org_id = ${filter.orgId} AND (a.code ILIKE ${like} OR a.name ILIKE ${like}))`,
      )!,
    );
  }
  return and(...conditions)!;
}

export const contractsRepository = {
  /** The next contract number of the year, gap-free: the counter moves only if the transaction commits. */
  takeNumber: (db: Executor, orgId: string, year: number) => takeNumbers(db, orgId, `contract:${year}`),

  async findById(db: Executor, orgId: string, id: string, forUpdate = false): Promise<ContractRow | undefined> {
    const query = db
      .select()
      .from(contracts)
      .where(and(eq(contracts.orgId, orgId), eq(contracts.id, id)));
    return (forUpdate ? query.for('update') : query).then((rows) => rows[0]);
  },

  async findWithTenantName(db: Executor, orgId: string, id: string) {
    const [row] = await db
      .select({ contract: contracts, tenantName: tenants.name })
      .from(contracts)
      .innerJoin(tenants, eq(tenants.id, contracts.tenantId))
      .where(and(eq(contracts.orgId, orgId), eq(contracts.id, id)));
    return row ? { ...row.contract, tenantName: row.tenantName } : undefined;
  },

  async insert(db: Executor, values: NewContractRow): Promise<ContractRow> {
    const [row] = await db.insert(contracts).values(values).returning();
    return row!;
  },

  async update(db: Executor, id: string, values: Partial<NewContractRow>): Promise<ContractRow> {
    const [row] = await db
      .update(contracts)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(contracts.id, id))
      .returning();
    return row!;
  },

  async list(db: Executor, filter: ContractFilter, page: number, pageSize: number) {
    const where = whereOf(filter);
    const [rows, [total]] = await Promise.all([
      db
        .select({ contract: contracts, tenantName: tenants.name })
        .from(contracts)
        .innerJoin(tenants, eq(tenants.id, contracts.tenantId))
        .where(where)
        .orderBy(desc(contracts.createdAt), desc(contracts.number))
        .limit(pageSize)
        .offset((page - 1) * pageSize),
      db.select({ n: count() }).from(contracts).where(where),
    ]);
    const assetsByContract = await this.assetsOf(
      db,
      rows.map((row) => row.contract.id),
    );
    const items: ContractListRow[] = rows.map((row) => ({
      ...row.contract,
      tenantName: row.tenantName,
      assets: assetsByContract.get(row.contract.id) ?? [],
    }));
    return { items, total: total?.n ?? 0 };
  },

  /** The units of each contract, in the order they were chosen. */
  async assetsOf(db: Executor, contractIds: string[]): Promise<Map<string, ContractAssetView[]>> {
    const result = new Map<string, ContractAssetView[]>();
    if (contractIds.length === 0) return result;
    const rows = await db
      .select({
        contractId: contractAssets.contractId,
        assetId: assets.id,
        code: assets.code,
        name: assets.name,
        type: assets.type,
        areaSqm: assets.areaSqm,
        address: assets.address,
        status: assets.status,
      })
      .from(contractAssets)
      .innerJoin(assets, eq(assets.id, contractAssets.assetId))
      .where(inArray(contractAssets.contractId, contractIds))
      .orderBy(asc(contractAssets.contractId), asc(contractAssets.position));
    for (const { contractId, ...asset } of rows) {
      const list = result.get(contractId) ?? [];
      list.push(asset);
      result.set(contractId, list);
    }
    return result;
  },

  /** Records a new draft's units, in the order chosen, for its term (not held until it is signed). */
  async insertAssets(
    db: Executor,
    orgId: string,
    contractId: string,
    assetIds: string[],
    from: CalendarDate,
    to: CalendarDate,
  ): Promise<void> {
    await db.execute(sql`INSERT INTO contract_assets (contract_id, asset_id, org_id, position, period)
      SELECT ${contractId}, asset_id, ${orgId}, position - 1, ${dateRange(from, to)}
      FROM unnest(${sql.param(assetIds)}::uuid[]) WITH ORDINALITY AS chosen(asset_id, position)`);
  },

  /** Replaces a draft's units (none is held yet). */
  async replaceAssets(
    db: Executor,
    orgId: string,
    contractId: string,
    assetIds: string[],
    from: CalendarDate,
    to: CalendarDate,
  ): Promise<void> {
    await db.delete(contractAssets).where(eq(contractAssets.contractId, contractId));
    await this.insertAssets(db, orgId, contractId, assetIds, from, to);
  },

  /** Marks the units as held by the contract from `from` to `to`; the exclusion constraint refuses an overlap. */
  async holdAssets(db: Executor, contractId: string, from: CalendarDate, to: CalendarDate): Promise<void> {
    await db.execute(sql`UPDATE contract_assets SET active = true, period = ${dateRange(from, to)}
      WHERE contract_id = ${contractId}`);
  },

  /** Shortens the days the contract holds its units (early termination). */
  async cutAssetPeriod(db: Executor, contractId: string, from: CalendarDate, to: CalendarDate): Promise<void> {
    await db.execute(sql`UPDATE contract_assets SET period = ${dateRange(from, to)} WHERE contract_id = ${contractId}`);
  },

  /** Other signed contracts covering any of the units on a day from `from` to `to`. */
  overlaps(
    db: Executor,
    contractId: string,
    assetIds: string[],
    from: CalendarDate,
    to: CalendarDate,
  ): Promise<Overlap[]> {
    if (assetIds.length === 0) return Promise.resolve([]);
    return queryRows<Overlap>(
      db,
      sql`SELECT a.code AS "assetCode", c.number,
            to_char(lower(ca.period), 'YYYY-MM-DD') AS "from",
            to_char(upper(ca.period) - 1, 'YYYY-MM-DD') AS "to"
          FROM contract_assets ca
          JOIN contracts c ON c.id = ca.contract_id
          JOIN assets a ON a.id = ca.asset_id
          WHERE ca.active AND ca.contract_id <> ${contractId}
            AND ca.asset_id IN ${assetIds}
            AND ca.period && ${dateRange(from, to)}
          ORDER BY a.code, lower(ca.period)`,
    );
  },

  /** Of these units, those another contract still holds as active: they stay leased when this one ends. */
  async assetsHeldByOtherActive(db: Executor, contractId: string, assetIds: string[]): Promise<Set<string>> {
    if (assetIds.length === 0) return new Set();
    const rows = await db
      .select({ assetId: contractAssets.assetId })
      .from(contractAssets)
      .innerJoin(contracts, eq(contracts.id, contractAssets.contractId))
      .where(
        and(
          inArray(contractAssets.assetId, assetIds),
          ne(contractAssets.contractId, contractId),
          eq(contractAssets.active, true),
          eq(contracts.status, 'active'),
        ),
      );
    return new Set(rows.map((row) => row.assetId));
  },

  async assetIdsOf(db: Executor, contractId: string): Promise<string[]> {
    const rows = await db
      .select({ assetId: contractAssets.assetId })
      .from(contractAssets)
      .where(eq(contractAssets.contractId, contractId))
      .orderBy(asc(contractAssets.position));
    return rows.map((row) => row.assetId);
  },

  async insertApproval(db: Executor, values: typeof contractApprovals.$inferInsert): Promise<ApprovalRow> {
    const [row] = await db.insert(contractApprovals).values(values).returning();
    return row!;
  },

  approvals(db: Executor, contractId: string): Promise<ApprovalRow[]> {
    return db
      .select()
      .from(contractApprovals)
      .where(eq(contractApprovals.contractId, contractId))
      .orderBy(asc(contractApprovals.id));
  },

  /** Active contracts past their end date, and terminated ones whose last day has passed, units not yet released. */
  endedUnreleased(db: Executor, today: CalendarDate): Promise<ContractRow[]> {
    return db
      .select()
      .from(contracts)
      .where(
        or(
          and(eq(contracts.status, 'active'), lt(contracts.endDate, today)),
          and(eq(contracts.status, 'terminated'), lt(contracts.terminationDate, today), isNull(contracts.releasedAt)),
        ),
      )
      .orderBy(asc(contracts.orgId), asc(contracts.endDate), asc(contracts.id))
      .for('update', { skipLocked: true });
  },

  /** Active contracts ending from today to today + days, soonest first. */
  endingWithin(db: Executor, orgId: string | null, today: CalendarDate, days: number) {
    return db
      .select({ contract: contracts, tenantName: tenants.name })
      .from(contracts)
      .innerJoin(tenants, eq(tenants.id, contracts.tenantId))
      .where(
        and(
          orgId ? eq(contracts.orgId, orgId) : undefined,
          eq(contracts.status, 'active'),
          sql`${contracts.endDate} BETWEEN ${today}::date AND ${today}::date + ${days}::int`,
        ),
      )
      .orderBy(asc(contracts.endDate), asc(contracts.number));
  },

  async insertRefundRequest(
    db: Executor,
    values: typeof depositRefundRequests.$inferInsert,
  ): Promise<RefundRequestRow> {
    const [row] = await db.insert(depositRefundRequests).values(values).returning();
    return row!;
  },

  async refundRequestOf(db: Executor, contractId: string): Promise<RefundRequestRow | undefined> {
    const [row] = await db.select().from(depositRefundRequests).where(eq(depositRefundRequests.contractId, contractId));
    return row;
  },

  async insertAttachment(db: Executor, values: typeof contractAttachments.$inferInsert) {
    const [row] = await db.insert(contractAttachments).values(values).returning();
    return row!;
  },

  attachments(db: Executor, orgId: string, contractId: string): Promise<ContractAttachmentRow[]> {
    return db
      .select()
      .from(contractAttachments)
      .where(and(eq(contractAttachments.orgId, orgId), eq(contractAttachments.contractId, contractId)))
      .orderBy(asc(contractAttachments.createdAt), asc(contractAttachments.id));
  },

  async findAttachment(db: Executor, orgId: string, contractId: string, id: string) {
    const [row] = await db
      .select()
      .from(contractAttachments)
      .where(
        and(
          eq(contractAttachments.orgId, orgId),
          eq(contractAttachments.contractId, contractId),
          eq(contractAttachments.id, id),
        ),
      );
    return row;
  },

  async insertTemplate(db: Executor, values: typeof contractTemplates.$inferInsert): Promise<TemplateRow> {
    const [row] = await db.insert(contractTemplates).values(values).returning();
    return row!;
  },

  async deactivateTemplates(db: Executor, orgId: string): Promise<void> {
    await db
      .update(contractTemplates)
      .set({ active: false })
      .where(and(eq(contractTemplates.orgId, orgId), eq(contractTemplates.active, true)));
  },

  async activeTemplate(db: Executor, orgId: string): Promise<TemplateRow | undefined> {
    const [row] = await db
      .select()
      .from(contractTemplates)
      .where(and(eq(contractTemplates.orgId, orgId), eq(contractTemplates.active, true)));
    return row;
  },

  async findTemplate(db: Executor, orgId: string, id: string, forUpdate = false): Promise<TemplateRow | undefined> {
    const query = db
      .select()
      .from(contractTemplates)
      .where(and(eq(contractTemplates.orgId, orgId), eq(contractTemplates.id, id)));
    return (forUpdate ? query.for('update') : query).then((rows) => rows[0]);
  },

  templates(db: Executor, orgId: string): Promise<TemplateRow[]> {
    return db
      .select()
      .from(contractTemplates)
      .where(eq(contractTemplates.orgId, orgId))
      .orderBy(desc(contractTemplates.createdAt));
  },

  async setTemplateActive(db: Executor, id: string, active: boolean): Promise<TemplateRow> {
    const [row] = await db.update(contractTemplates).set({ active }).where(eq(contractTemplates.id, id)).returning();
    return row!;
  },
};
