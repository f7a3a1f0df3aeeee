import type { PiiCipher } from '../../crypto/pii.ts';
import type { Executor, Orm } from '../../db/client.ts';
import { uniqueViolation } from '../../db/errors.ts';
import { isXlsx } from '../../domain/file-type.ts';
import { maskBankAccount, maskIdNumber, maskPhone } from '../../domain/masking.ts';
import { normalizePhone } from '../../domain/phone.ts';
import { normalizeResidentId } from '../../domain/resident-id.ts';
import { exportWorkbook, readSheet, templateWorkbook } from '../../excel/sheets.ts';
import { type ImportOutcome, MAX_IMPORT_ROWS, type RowProblem, sheetProblem } from '../../http/imports.ts';
import { AppError, type FieldProblem, notFound } from '../../http/problem.ts';
import { type Actor, auditService } from '../audit/service.ts';
import { type FieldIssue, type TenantFields, tenantFieldProblems } from './fields.ts';
import { type NewTenantRow, type TenantFilter, type TenantRow, tenantsRepository } from './repository.ts';
import {
  COLUMN_OF,
  kindName,
  type ParsedTenantRow,
  parseTenantRow,
  T,
  TENANT_COLUMNS,
  TENANT_EXPORT_COLUMNS,
  TENANT_SHEET,
} from './spreadsheet.ts';

/** What the tenant service needs: the database and the keys to personal data. */
export interface TenantsContext {
  db: Orm;
  pii: PiiCipher;
}

type OrgActor = Actor & { orgId: string };
type Kind = 'individual' | 'enterprise';

export const MAX_EXPORT_ROWS = 100_000;
const PREVIEW_ROWS = 50;
const CODE_PREFIX = 'CZ';
const codeOf = (n: number) => `${CODE_PREFIX}${String(n).padStart(6, '0')}`;

export interface NewTenant extends TenantFields {
  kind: Kind;
  name: string;
  phone: string;
}

export interface TenantSearch {
  orgId: string;
  keyword?: string;
  kind?: Kind;
  phone?: string;
  idNumber?: string;
  creditCode?: string;
}

/** The personal data of a tenant in clear. */
export interface RevealedPii {
  idNumber: string | null;
  phone: string;
  contactPhone: string | null;
  bankAccount: string | null;
}

function decrypt(pii: PiiCipher, row: TenantRow): RevealedPii {
  return {
    idNumber: row.idNumberEnc ? pii.decrypt('id_number', row.idNumberEnc) : null,
    phone: pii.decrypt('phone', row.phoneEnc),
    contactPhone: row.contactPhoneEnc ? pii.decrypt('contact_phone', row.contactPhoneEnc) : null,
    bankAccount: row.bankAccountEnc ? pii.decrypt('bank_account', row.bankAccountEnc) : null,
  };
}

function masked(plain: RevealedPii): RevealedPii {
  return {
    idNumber: plain.idNumber && maskIdNumber(plain.idNumber),
    phone: maskPhone(plain.phone),
    contactPhone: plain.contactPhone && maskPhone(plain.contactPhone),
    bankAccount: plain.bankAccount && maskBankAccount(plain.bankAccount),
  };
}

/** A tenant as the API, the audit log and exports show it: personal data masked, unless `reveal` gives it in clear. */
export function tenantView(pii: PiiCipher, row: TenantRow, reveal = false) {
  const plain = decrypt(pii, row);
  const shown = reveal ? plain : masked(plain);
  return {
    id: row.id,
    code: row.code,
    kind: row.kind,
    name: row.name,
    idNumber: shown.idNumber,
    creditCode: row.creditCode,
    legalRepresentative: row.legalRepresentative,
    contactName: row.contactName,
    phone: shown.phone,
    contactPhone: shown.contactPhone,
    address: row.address,
    bankName: row.bankName,
    bankAccount: shown.bankAccount,
    remarks: row.remarks,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type TenantView = ReturnType<typeof tenantView>;

/** The encrypted columns and blind indexes for the personal fields that are given (undefined: unchanged). */
function sealed(pii: PiiCipher, fields: TenantFields): Partial<NewTenantRow> {
  const values: Partial<NewTenantRow> = {};
  if (fields.idNumber !== undefined) {
    values.idNumberEnc = fields.idNumber && pii.encrypt('id_number', fields.idNumber);
    values.idNumberIndex = fields.idNumber && pii.blindIndex('id_number', fields.idNumber);
  }
  if (fields.phone) {
    values.phoneEnc = pii.encrypt('phone', fields.phone);
    values.phoneIndex = pii.blindIndex('phone', fields.phone);
  }
  if (fields.contactPhone !== undefined) {
    values.contactPhoneEnc = fields.contactPhone && pii.encrypt('contact_phone', fields.contactPhone);
    values.contactPhoneIndex = fields.contactPhone && pii.blindIndex('phone', fields.contactPhone);
  }
  if (fields.bankAccount !== undefined) {
    values.bankAccountEnc = fields.bankAccount && pii.encrypt('bank_account', fields.bankAccount);
  }
  if (fields.name) values.name = fields.name;
  if (fields.creditCode !== undefined) values.creditCode = fields.creditCode;
  if (fields.legalRepresentative !== undefined) values.legalRepresentative = fields.legalRepresentative;
  if (fields.contactName !== undefined) values.contactName = fields.contactName;
  if (fields.address !== undefined) values.address = fields.address;
  if (fields.bankName !== undefined) values.bankName = fields.bankName;
  if (fields.remarks !== undefined) values.remarks = fields.remarks;
  return values;
}

/** A request's field problems: the one message itself when there is one, else the list. */
function invalidFields(issues: FieldIssue[]): AppError {
  const errors: FieldProblem[] = issues.map((issue) => ({
    path: `body/${issue.field}`,
    key: issue.key,
    ...(issue.params ? { params: issue.params } : {}),
  }));
  const [only] = issues;
  return issues.length === 1 && only
    ? new AppError(400, only.key, only.params ?? {}, errors)
    : new AppError(400, 'validation_failed', {}, errors);
}

const takenError = (holder: { name: string; code: string; idNumberIndex: string | null }, byIdNumber: boolean) =>
  new AppError(409, byIdNumber ? 'tenant_id_number_taken' : 'tenant_credit_code_taken', {
    name: holder.name,
    code: holder.code,
  });

/** Refuses an ID number or credit code another tenant of the org already has, naming that tenant. */
async function assertNotRegistered(
  tx: Executor,
  orgId: string,
  values: Partial<NewTenantRow>,
  exceptId?: string,
): Promise<void> {
  const indexes = values.idNumberIndex ? [values.idNumberIndex] : [];
  const codes = values.creditCode ? [values.creditCode] : [];
  if (indexes.length === 0 && codes.length === 0) return;
  const [holder] = await tenantsRepository.holders(tx, orgId, indexes, codes, exceptId);
  if (holder) throw takenError(holder, holder.idNumberIndex !== null && holder.idNumberIndex === values.idNumberIndex);
}

async function withIdentityUniqueness<T>(
  ctx: TenantsContext,
  orgId: string,
  values: Partial<NewTenantRow>,
  work: () => Promise<T>,
) {
  try {
    return await work();
  } catch (error) {
    // Two people registering the same person at once: the unique index decides; the loser is told who won.
    const constraint = uniqueViolation(error);
    if (constraint === 'tenants_id_number_key' || constraint === 'tenants_credit_code_key') {
      await assertNotRegistered(ctx.db, orgId, values);
    }
    // An import (no single identity to name) racing another registration: nothing was written.
    if (constraint?.startsWith('tenants_')) throw new AppError(409, 'import_concurrent_change');
    throw error;
  }
}

function filterOf(pii: PiiCipher, search: TenantSearch): TenantFilter {
  const filter: TenantFilter = { orgId: search.orgId };
  if (search.keyword) filter.keyword = search.keyword;
  if (search.kind) filter.kind = search.kind;
  if (search.phone) filter.phoneIndex = pii.blindIndex('phone', normalizePhone(search.phone));
  if (search.idNumber) filter.idNumberIndex = pii.blindIndex('id_number', normalizeResidentId(search.idNumber));
  if (search.creditCode) filter.creditCode = search.creditCode.replace(/\s+/g, '').toUpperCase();
  return filter;
}

export const tenantsService = {
  async list({ db, pii }: TenantsContext, search: TenantSearch, page: number, pageSize: number) {
    const { items, total } = await tenantsRepository.list(db, filterOf(pii, search), page, pageSize);
    return { items: items.map((row) => tenantView(pii, row)), total };
  },

  async get({ db, pii }: TenantsContext, orgId: string, id: string): Promise<TenantView> {
    const row = await tenantsRepository.findById(db, orgId, id);
    if (!row) throw notFound('tenant', id);
    return tenantView(pii, row);
  },

  async create(ctx: TenantsContext, actor: OrgActor, input: NewTenant): Promise<TenantView> {
    const { kind, ...fields } = input;
    const { normalized, problems } = tenantFieldProblems(kind, fields, { creating: true });
    if (problems.length > 0) throw invalidFields(problems);
    const values = sealed(ctx.pii, normalized);
    return withIdentityUniqueness(ctx, actor.orgId, values, () =>
      ctx.db.transaction(async (tx) => {
        await assertNotRegistered(tx, actor.orgId, values);
        const number = await tenantsRepository.takeCodeNumbers(tx, actor.orgId, 1);
        const row = await tenantsRepository.insert(tx, {
          ...(values as NewTenantRow),
          orgId: actor.orgId,
          code: codeOf(number),
          kind,
        });
        const view = tenantView(ctx.pii, row);
        await auditService.record(tx, actor, {
          action: 'tenant.create',
          entityType: 'tenant',
          entityId: row.id,
          after: view,
        });
        return view;
      }),
    );
  },

  async update(ctx: TenantsContext, actor: OrgActor, id: string, changes: TenantFields): Promise<TenantView> {
    return ctx.db.transaction(async (tx) => {
      const before = await tenantsRepository.findById(tx, actor.orgId, id, true);
      if (!before) throw notFound('tenant', id);
      const { normalized, problems } = tenantFieldProblems(before.kind, changes, { creating: false });
      if (problems.length > 0) throw invalidFields(problems);
      const values = sealed(ctx.pii, normalized);
      await assertNotRegistered(tx, actor.orgId, values, id);
      const after = await tenantsRepository.update(tx, id, values);
      await auditService.record(tx, actor, {
        action: 'tenant.update',
        entityType: 'tenant',
        entityId: id,
        // Masks of a changed number may look alike: the audit names the fields that changed.
        before: { ...tenantView(ctx.pii, before), changedFields: Object.keys(changes) },
        after: tenantView(ctx.pii, after),
      });
      return tenantView(ctx.pii, after);
    });
  },

  /** The tenant's personal data in clear, for someone holding pii:reveal; every reveal is audited. */
  async reveal(
    ctx: TenantsContext,
    actor: OrgActor,
    id: string,
    reason?: string,
  ): Promise<RevealedPii & { id: string }> {
    return ctx.db.transaction(async (tx) => {
      const row = await tenantsRepository.findById(tx, actor.orgId, id);
      if (!row) throw notFound('tenant', id);
      const plain = decrypt(ctx.pii, row);
      await auditService.record(tx, actor, {
        action: 'tenant.pii_reveal',
        entityType: 'tenant',
        entityId: id,
        after: {
          fields: Object.entries(plain)
            .filter(([, value]) => value !== null)
            .map(([field]) => field),
          reason: reason ?? null,
        },
      });
      return { id, ...plain };
    });
  },

  importTemplate(): Promise<Buffer> {
    return templateWorkbook(TENANT_SHEET, TENANT_COLUMNS);
  },

  async importSheet(
    ctx: TenantsContext,
    actor: OrgActor,
    file: { fileName: string; content: Buffer },
    dryRun: boolean,
  ) {
    if (!isXlsx(file.content)) throw new AppError(400, 'import_not_xlsx');
    const sheetRows = await readSheet(file.content, TENANT_COLUMNS, MAX_IMPORT_ROWS).catch((error) => {
      throw sheetProblem(error);
    });
    const problems: RowProblem[] = [];
    const parsed = sheetRows.map((row) => parseTenantRow(row, problems));
    return this.importTenants(ctx, actor, parsed, { dryRun, problems, source: file.fileName });
  },

  /**
   * Checks a tenant import across rows (the same ID number or credit code twice in the sheet, or already
   * registered) and writes it all in one transaction, set-based, or writes nothing.
   */
  async importTenants(
    ctx: TenantsContext,
    actor: OrgActor,
    parsed: ParsedTenantRow[],
    options: { dryRun: boolean; problems?: RowProblem[]; source: string },
  ): Promise<ImportOutcome<ReturnType<typeof previewOf>>> {
    const problems = [...(options.problems ?? [])];
    const rows = parsed
      .filter((row) => row.fields !== null)
      .map((row) => ({
        row: row.row,
        kind: row.fields!.kind,
        fields: row.fields!,
        values: sealed(ctx.pii, row.fields!),
      }));
    const preview = rows.slice(0, PREVIEW_ROWS).map(previewOf);
    const outcome = (created: number) => ({ total: parsed.length, problems, created, preview });

    const check = async (executor: Executor) => {
      checkDuplicatesInSheet(rows, problems);
      const holders = await tenantsRepository.holders(
        executor,
        actor.orgId,
        rows.map((row) => row.values.idNumberIndex).filter((index): index is string => !!index),
        rows.map((row) => row.values.creditCode).filter((code): code is string => !!code),
      );
      const byIndex = new Map(holders.filter((h) => h.idNumberIndex).map((h) => [h.idNumberIndex!, h]));
      const byCode = new Map(holders.filter((h) => h.creditCode).map((h) => [h.creditCode!, h]));
      for (const row of rows) {
        const person = row.values.idNumberIndex ? byIndex.get(row.values.idNumberIndex) : undefined;
        if (person)
          problems.push({
            row: row.row,
            column: T.idNumber,
            key: 'tenant_id_number_taken',
            params: { name: person.name, code: person.code },
          });
        const company = row.values.creditCode ? byCode.get(row.values.creditCode) : undefined;
        if (company)
          problems.push({
            row: row.row,
            column: T.creditCode,
            key: 'tenant_credit_code_taken',
            params: { name: company.name, code: company.code },
          });
      }
      const columns = Object.values(COLUMN_OF);
      problems.sort((a, b) => a.row - b.row || columns.indexOf(a.column) - columns.indexOf(b.column));
    };

    if (options.dryRun) {
      await check(ctx.db);
      return outcome(0);
    }
    const created = await withIdentityUniqueness(ctx, actor.orgId, {}, () =>
      ctx.db.transaction(async (tx) => {
        await check(tx);
        if (problems.length > 0 || rows.length === 0) return 0;
        const first = await tenantsRepository.takeCodeNumbers(tx, actor.orgId, rows.length);
        const inserts = rows.map(
          (row, i) => ({ ...row.values, orgId: actor.orgId, kind: row.kind, code: codeOf(first + i) }) as NewTenantRow,
        );
        await tenantsRepository.insertMany(tx, inserts);
        await auditService.record(tx, actor, {
          action: 'tenant.import',
          entityType: 'tenant',
          after: { source: options.source, count: inserts.length, codes: inserts.map((row) => row.code) },
        });
        return inserts.length;
      }),
    );
    return outcome(created);
  },

  /**
   * The tenants the search selects as a workbook, personal data masked; `reveal` (only for a holder of
   * pii:reveal, checked by the caller) writes it in clear and is audited.
   */
  async exportWorkbook(ctx: TenantsContext, actor: OrgActor, search: TenantSearch, reveal: boolean): Promise<Buffer> {
    const rows = await tenantsRepository.listAll(ctx.db, filterOf(ctx.pii, search), MAX_EXPORT_ROWS);
    if (reveal) {
      await ctx.db.transaction((tx) =>
        auditService.record(tx, actor, {
          action: 'tenant.pii_reveal',
          entityType: 'tenant',
          after: {
            export: true,
            count: rows.length,
            filter: { ...search, phone: search.phone && '***', idNumber: search.idNumber && '***' },
          },
        }),
      );
    }
    return exportWorkbook(
      TENANT_SHEET,
      TENANT_EXPORT_COLUMNS,
      rows.map((row) => {
        const view = tenantView(ctx.pii, row, reveal);
        return [
          view.code,
          kindName(view.kind),
          view.name,
          view.idNumber,
          view.creditCode,
          view.phone,
          view.legalRepresentative,
          view.contactName,
          view.contactPhone,
          view.address,
          view.bankName,
          view.bankAccount,
          view.remarks,
        ];
      }),
    );
  },

  /**
   * Re-encrypts every tenant's personal data still under an older key with the current one, in batches, each
   * batch its own short transaction, so the server keeps serving (it decrypts old and new alike meanwhile).
   */
  async rotateKey(
    { db, pii }: TenantsContext,
    options: { batchSize?: number; onBatch?: (done: number) => void } = {},
  ): Promise<{ reencrypted: number; remaining: number; keyId: string }> {
    const batchSize = options.batchSize ?? 500;
    let reencrypted = 0;
    for (let idle = 0; idle < 20; ) {
      const done = await db.transaction(async (tx) => {
        const batch = await tenantsRepository.staleCiphertexts(tx, pii.currentPrefix, batchSize);
        await tenantsRepository.replaceCiphertexts(
          tx,
          batch.map((row) => ({
            id: row.id,
            idNumberEnc: row.idNumberEnc && pii.reencrypt('id_number', row.idNumberEnc),
            phoneEnc: pii.reencrypt('phone', row.phoneEnc),
            contactPhoneEnc: row.contactPhoneEnc && pii.reencrypt('contact_phone', row.contactPhoneEnc),
            bankAccountEnc: row.bankAccountEnc && pii.reencrypt('bank_account', row.bankAccountEnc),
          })),
        );
        return batch.length;
      });
      reencrypted += done;
      if (done > 0) {
        options.onBatch?.(reencrypted);
        continue;
      }
      // Nothing unlocked was left: stop when nothing is left at all, else wait for the editors' locks.
      if ((await tenantsRepository.countStaleCiphertexts(db, pii.currentPrefix)) === 0) break;
      idle++;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return {
      reencrypted,
      remaining: await tenantsRepository.countStaleCiphertexts(db, pii.currentPrefix),
      keyId: pii.currentKeyId,
    };
  },
};

function checkDuplicatesInSheet(rows: { row: number; values: Partial<NewTenantRow> }[], problems: RowProblem[]): void {
  const firstIdNumber = new Map<string, number>();
  const firstCreditCode = new Map<string, number>();
  for (const { row, values } of rows) {
    for (const [key, seen, column] of [
      [values.idNumberIndex, firstIdNumber, T.idNumber],
      [values.creditCode, firstCreditCode, T.creditCode],
    ] as const) {
      if (!key) continue;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, row);
      else problems.push({ row, column, key: 'import_duplicate_in_file', params: { row: first } });
    }
  }
}

function previewOf({ row, kind, fields }: { row: number; kind: Kind; fields: TenantFields }) {
  return {
    row,
    kind,
    name: fields.name ?? '',
    idNumber: fields.idNumber ? maskIdNumber(fields.idNumber) : null,
    creditCode: fields.creditCode ?? null,
    phone: fields.phone ? maskPhone(fields.phone) : '',
  };
}
