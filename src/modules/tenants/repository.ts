import { type AnyColumn, and, asc, count, eq, ilike, inArray, ne, or, type SQL, sql } from 'drizzle-orm';
import { insertByColumns } from '../../db/bulk.ts';
import type { Executor } from '../../db/client.ts';
import { tenants } from '../../db/schema.ts';
import { takeNumbers } from '../../db/sequences.ts';

export type TenantRow = typeof tenants.$inferSelect;
export type NewTenantRow = typeof tenants.$inferInsert;

export interface TenantFilter {
  orgId: string;
  keyword?: string;
  kind?: 'individual' | 'enterprise';
  /** Blind index of a phone: matches the tenant's phone or the contact phone. */
  phoneIndex?: string;
  idNumberIndex?: string;
  creditCode?: string;
}

/** Values per `IN (…)` list: well under PostgreSQL's 65,535 parameters. */
const CHUNK = 1000;
const likeText = (text: string) => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/** Who holds an ID number or credit code already: enough to name them in a refusal. */
export interface TenantIdentity {
  id: string;
  code: string;
  name: string;
  idNumberIndex: string | null;
  creditCode: string | null;
}
const identityColumns = {
  id: tenants.id,
  code: tenants.code,
  name: tenants.name,
  idNumberIndex: tenants.idNumberIndex,
  creditCode: tenants.creditCode,
};

function whereOf(filter: TenantFilter): SQL {
  const conditions: SQL[] = [eq(tenants.orgId, filter.orgId)];
  if (filter.keyword) {
    const like = likeText(filter.keyword);
    conditions.push(or(ilike(tenants.name, like), ilike(tenants.code, like), ilike(tenants.creditCode, like))!);
  }
  if (filter.kind) conditions.push(eq(tenants.kind, filter.kind));
  if (filter.phoneIndex) {
    conditions.push(or(eq(tenants.phoneIndex, filter.phoneIndex), eq(tenants.contactPhoneIndex, filter.phoneIndex))!);
  }
  if (filter.idNumberIndex) conditions.push(eq(tenants.idNumberIndex, filter.idNumberIndex));
  if (filter.creditCode) conditions.push(eq(tenants.creditCode, filter.creditCode));
  return and(...conditions)!;
}

export const tenantsRepository = {
  async findById(db: Executor, orgId: string, id: string, forUpdate = false): Promise<TenantRow | undefined> {
    const query = db
      .select()
      .from(tenants)
      .where(and(eq(tenants.orgId, orgId), eq(tenants.id, id)));
    return (forUpdate ? query.for('update') : query).then((rows) => rows[0]);
  },

  /** Tenants of the org holding any of these ID numbers (by blind index) or credit codes, other than `exceptId`. */
  async holders(
    db: Executor,
    orgId: string,
    idNumberIndexes: string[],
    creditCodes: string[],
    exceptId?: string,
  ): Promise<TenantIdentity[]> {
    const found: TenantIdentity[] = [];
    const search = async (condition: SQL) => {
      found.push(
        ...(await db
          .select(identityColumns)
          .from(tenants)
          .where(and(eq(tenants.orgId, orgId), condition, exceptId ? ne(tenants.id, exceptId) : undefined))),
      );
    };
    for (let i = 0; i < idNumberIndexes.length; i += CHUNK) {
      await search(inArray(tenants.idNumberIndex, idNumberIndexes.slice(i, i + CHUNK)));
    }
    for (let i = 0; i < creditCodes.length; i += CHUNK) {
      await search(inArray(tenants.creditCode, creditCodes.slice(i, i + CHUNK)));
    }
    return found;
  },

  async list(db: Executor, filter: TenantFilter, page: number, pageSize: number) {
    const where = whereOf(filter);
    const [items, [total]] = await Promise.all([
      db
        .select()
        .from(tenants)
        .where(where)
        .orderBy(asc(tenants.code))
        .limit(pageSize)
        .offset((page - 1) * pageSize),
      db.select({ n: count() }).from(tenants).where(where),
    ]);
    return { items, total: total?.n ?? 0 };
  },

  listAll(db: Executor, filter: TenantFilter, limit: number): Promise<TenantRow[]> {
    return db.select().from(tenants).where(whereOf(filter)).orderBy(asc(tenants.code)).limit(limit);
  },

  /** Takes `n` consecutive numbers from the org's tenant counter; returns the first. The row lock serialises takers. */
  takeCodeNumbers: (db: Executor, orgId: string, n: number) => takeNumbers(db, orgId, 'tenant_code', n),

  async insert(db: Executor, values: NewTenantRow): Promise<TenantRow> {
    const [row] = await db.insert(tenants).values(values).returning();
    return row!;
  },

  insertMany(db: Executor, rows: NewTenantRow[]): Promise<void> {
    return insertByColumns(db, tenants, rows);
  },

  async update(db: Executor, id: string, values: Partial<NewTenantRow>): Promise<TenantRow> {
    const [row] = await db
      .update(tenants)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(tenants.id, id))
      .returning();
    return row!;
  },

  /**
   * Up to `limit` tenants with any ciphertext not under `currentPrefix`, locked; rows another transaction holds
   * (someone editing that tenant right now) are skipped and picked up by a later batch.
   */
  staleCiphertexts(db: Executor, currentPrefix: string, limit: number) {
    const stale = (column: AnyColumn) =>
      sql`(${column} IS NOT NULL AND left(${column}, ${currentPrefix.length}) <> ${currentPrefix})`;
    return db
      .select({
        id: tenants.id,
        orgId: tenants.orgId,
        idNumberEnc: tenants.idNumberEnc,
        phoneEnc: tenants.phoneEnc,
        contactPhoneEnc: tenants.contactPhoneEnc,
        bankAccountEnc: tenants.bankAccountEnc,
      })
      .from(tenants)
      .where(
        or(
          stale(tenants.idNumberEnc),
          stale(tenants.phoneEnc),
          stale(tenants.contactPhoneEnc),
          stale(tenants.bankAccountEnc),
        ),
      )
      .orderBy(asc(tenants.id))
      .limit(limit)
      .for('update', { skipLocked: true });
  },

  /** One UPDATE for the whole batch. */
  async replaceCiphertexts(
    db: Executor,
    rows: Pick<TenantRow, 'id' | 'idNumberEnc' | 'phoneEnc' | 'contactPhoneEnc' | 'bankAccountEnc'>[],
  ): Promise<void> {
    if (rows.length === 0) return;
    const values = sql.join(
      rows.map(
        (row) =>
          sql`(${row.id}::uuid, ${row.idNumberEnc}::text, ${row.phoneEnc}::text, ${row.contactPhoneEnc}::text, ${row.bankAccountEnc}::text)`,
      ),
      sql`, `,
    );
    // Not `updated_at`: the tenant's data did not change, only how it is sealed.
    await db.execute(sql`
      UPDATE tenants AS t
      SET id_number_enc = v.id_number_enc, phone_enc = v.phone_enc,
          contact_phone_enc = v.contact_phone_enc, bank_account_enc = v.bank_account_enc
      FROM (VALUES ${values}) AS v (id, id_number_enc, phone_enc, contact_phone_enc, bank_account_enc)
      WHERE t.id = v.id`);
  },

  async countStaleCiphertexts(db: Executor, currentPrefix: string): Promise<number> {
    const stale = (column: string) =>
      sql`(${sql.raw(column)} IS NOT NULL AND left(${sql.raw(column)}, ${currentPrefix.length}) <> ${currentPrefix})`;
    const [row] = await db
      .select({ n: count() })
      .from(tenants)
      .where(or(stale('id_number_enc'), stale('phone_enc'), stale('contact_phone_enc'), stale('bank_account_enc')));
    return row?.n ?? 0;
  },
};
