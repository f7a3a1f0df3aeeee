import { and, asc, count, desc, eq, gte, ilike, inArray, lte, or, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { insertByColumns } from '../../db/bulk.ts';
import type { Executor } from '../../db/client.ts';
import { assetAttachments, assetStatusHistory, assets } from '../../db/schema.ts';
import type { AssetStatus, AssetType } from '../../domain/asset-rules.ts';

export type AssetRow = typeof assets.$inferSelect;
export type NewAssetRow = typeof assets.$inferInsert;
export type AssetListRow = AssetRow & { parentCode: string | null; parentName: string | null };
export type StatusChangeRow = typeof assetStatusHistory.$inferSelect;
export type AttachmentRow = typeof assetAttachments.$inferSelect;

export interface AssetFilter {
  orgId: string;
  keyword?: string;
  code?: string;
  name?: string;
  type?: AssetType[];
  status?: AssetStatus[];
  /** Everything below this asset (a project, usually), at any depth. */
  projectId?: string;
  parentId?: string;
  areaMin?: string;
  areaMax?: string;
  sort?: string;
}

/** Codes per `IN (…)` list: well under PostgreSQL's 65,535 parameters. */
const CHUNK = 1000;

const parent = alias(assets, 'parent');
const listColumns = { asset: assets, parentCode: parent.code, parentName: parent.name };

const likeText = (text: string) => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/** The ids of everything below `rootId`, at any depth (not the root itself). */
const descendantsOf = (orgId: string, rootId: string) => sql`(
  WITH RECURSIVE subtree AS (
    SELECT id FROM assets WHERE org_id = ${orgId} AND parent_id = ${rootId}
    UNION ALL
    SELECT child.id FROM assets child JOIN subtree ON child.parent_id = subtree.id
  ) SELECT id FROM subtree)`;

function whereOf(filter: AssetFilter): SQL {
  const conditions: SQL[] = [eq(assets.orgId, filter.orgId)];
  if (filter.keyword) {
    conditions.push(or(ilike(assets.code, likeText(filter.keyword)), ilike(assets.name, likeText(filter.keyword)))!);
  }
  if (filter.code) conditions.push(ilike(assets.code, likeText(filter.code)));
  if (filter.name) conditions.push(ilike(assets.name, likeText(filter.name)));
  if (filter.type?.length) conditions.push(inArray(assets.type, filter.type));
  if (filter.status?.length) conditions.push(inArray(assets.status, filter.status));
  if (filter.projectId) conditions.push(sql`${assets.id} IN ${descendantsOf(filter.orgId, filter.projectId)}`);
  if (filter.parentId) conditions.push(eq(assets.parentId, filter.parentId));
  if (filter.areaMin) conditions.push(gte(assets.areaSqm, filter.areaMin));
  if (filter.areaMax) conditions.push(lte(assets.areaSqm, filter.areaMax));
  return and(...conditions)!;
}

function orderOf(sort: string | undefined): SQL[] {
  const descending = sort?.startsWith('-') ?? false;
  const column = { code: assets.code, name: assets.name, areaSqm: assets.areaSqm, createdAt: assets.createdAt }[
    (sort ?? 'code').replace(/^-/, '') as 'code'
  ];
  const primary = descending ? sql`${column} DESC NULLS LAST` : sql`${column} ASC NULLS LAST`;
  return [primary, asc(assets.id)];
}

const flatten = (row: { asset: AssetRow; parentCode: string | null; parentName: string | null }): AssetListRow => ({
  ...row.asset,
  parentCode: row.parentCode,
  parentName: row.parentName,
});

export const assetsRepository = {
  async findById(db: Executor, orgId: string, id: string, forUpdate = false): Promise<AssetRow | undefined> {
    const query = db
      .select()
      .from(assets)
      .where(and(eq(assets.orgId, orgId), eq(assets.id, id)));
    return (forUpdate ? query.for('update') : query).then((rows) => rows[0]);
  },

  async findWithParent(db: Executor, orgId: string, id: string): Promise<AssetListRow | undefined> {
    const [row] = await db
      .select(listColumns)
      .from(assets)
      .leftJoin(parent, eq(parent.id, assets.parentId))
      .where(and(eq(assets.orgId, orgId), eq(assets.id, id)));
    return row && flatten(row);
  },

  async findByCode(db: Executor, orgId: string, code: string): Promise<AssetRow | undefined> {
    const [row] = await db
      .select()
      .from(assets)
      .where(and(eq(assets.orgId, orgId), eq(assets.code, code)));
    return row;
  },

  /** The assets with these codes (id, code, name, type only), for imports. */
  async findByCodes(db: Executor, orgId: string, codes: string[]) {
    const found: { id: string; code: string; name: string; type: AssetType }[] = [];
    for (let i = 0; i < codes.length; i += CHUNK) {
      found.push(
        ...(await db
          .select({ id: assets.id, code: assets.code, name: assets.name, type: assets.type })
          .from(assets)
          .where(and(eq(assets.orgId, orgId), inArray(assets.code, codes.slice(i, i + CHUNK))))),
      );
    }
    return found;
  },

  /** Locks the given assets in id order (the order every caller takes them in, so two callers cannot deadlock). */
  lockMany(db: Executor, orgId: string, ids: string[]): Promise<AssetRow[]> {
    return db
      .select()
      .from(assets)
      .where(and(eq(assets.orgId, orgId), inArray(assets.id, ids)))
      .orderBy(asc(assets.id))
      .for('update');
  },

  async list(db: Executor, filter: AssetFilter, page: number, pageSize: number) {
    const where = whereOf(filter);
    const [items, [total]] = await Promise.all([
      db
        .select(listColumns)
        .from(assets)
        .leftJoin(parent, eq(parent.id, assets.parentId))
        .where(where)
        .orderBy(...orderOf(filter.sort))
        .limit(pageSize)
        .offset((page - 1) * pageSize),
      db.select({ n: count() }).from(assets).where(where),
    ]);
    return { items: items.map(flatten), total: total?.n ?? 0 };
  },

  /** Every asset the filter selects, in list order, at most `limit`. */
  async listAll(db: Executor, filter: AssetFilter, limit: number): Promise<AssetListRow[]> {
    const rows = await db
      .select(listColumns)
      .from(assets)
      .leftJoin(parent, eq(parent.id, assets.parentId))
      .where(whereOf(filter))
      .orderBy(...orderOf(filter.sort))
      .limit(limit);
    return rows.map(flatten);
  },

  /** The asset and everything below it. */
  subtree(db: Executor, orgId: string, rootId: string): Promise<AssetRow[]> {
    return db
      .select()
      .from(assets)
      .where(
        and(eq(assets.orgId, orgId), or(eq(assets.id, rootId), sql`${assets.id} IN ${descendantsOf(orgId, rootId)}`)),
      )
      .orderBy(asc(assets.code));
  },

  children(db: Executor, orgId: string, parentId: string) {
    return db
      .select({ id: assets.id, code: assets.code, type: assets.type })
      .from(assets)
      .where(and(eq(assets.orgId, orgId), eq(assets.parentId, parentId)))
      .orderBy(asc(assets.code));
  },

  async insert(db: Executor, values: NewAssetRow): Promise<AssetRow> {
    const [row] = await db.insert(assets).values(values).returning();
    return row!;
  },

  /** Set-based, in the order given (parents before children, so each chunk finds its parents). */
  async insertMany(db: Executor, rows: NewAssetRow[]): Promise<void> {
    await insertByColumns(db, assets, rows);
    // After a bulk load the planner's idea of the table's size is stale (PGlite never analyzes on its own): the
    // foreign-key checks of the status history rows that follow would scan the table, 15× slower for 5,000 rows.
    if (rows.length >= 1000) await db.execute(sql`ANALYZE assets`);
  },

  async update(db: Executor, id: string, values: Partial<NewAssetRow>): Promise<AssetRow> {
    const [row] = await db
      .update(assets)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(assets.id, id))
      .returning();
    return row!;
  },

  recordStatusChanges(db: Executor, changes: (typeof assetStatusHistory.$inferInsert)[]): Promise<void> {
    return insertByColumns(db, assetStatusHistory, changes);
  },

  async statusHistory(db: Executor, orgId: string, assetId: string, page: number, pageSize: number) {
    const where = and(eq(assetStatusHistory.orgId, orgId), eq(assetStatusHistory.assetId, assetId));
    const [items, [total]] = await Promise.all([
      db
        .select()
        .from(assetStatusHistory)
        .where(where)
        .orderBy(desc(assetStatusHistory.id))
        .limit(pageSize)
        .offset((page - 1) * pageSize),
      db.select({ n: count() }).from(assetStatusHistory).where(where),
    ]);
    return { items, total: total?.n ?? 0 };
  },

  async insertAttachment(db: Executor, values: typeof assetAttachments.$inferInsert): Promise<AttachmentRow> {
    const [row] = await db.insert(assetAttachments).values(values).returning();
    return row!;
  },

  attachments(db: Executor, orgId: string, assetId: string): Promise<AttachmentRow[]> {
    return db
      .select()
      .from(assetAttachments)
      .where(and(eq(assetAttachments.orgId, orgId), eq(assetAttachments.assetId, assetId)))
      .orderBy(asc(assetAttachments.createdAt), asc(assetAttachments.id));
  },

  async findAttachment(db: Executor, orgId: string, assetId: string, id: string): Promise<AttachmentRow | undefined> {
    const [row] = await db
      .select()
      .from(assetAttachments)
      .where(
        and(eq(assetAttachments.orgId, orgId), eq(assetAttachments.assetId, assetId), eq(assetAttachments.id, id)),
      );
    return row;
  },

  async removeAttachment(db: Executor, id: string): Promise<void> {
    await db.delete(assetAttachments).where(eq(assetAttachments.id, id));
  },
};
