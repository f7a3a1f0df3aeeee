import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Executor, Orm } from '../../db/client.ts';
import { uniqueViolation } from '../../db/errors.ts';
import {
  ASSET_TYPE_LEVEL,
  type AssetStatus,
  type AssetType,
  type HierarchyProblem,
  hierarchyProblem,
  type ManualStatus,
  manualStatusChangeProblem,
  type TaxMethod,
} from '../../domain/asset-rules.ts';
import { normalizeArea } from '../../domain/decimal-text.ts';
import { isXlsx } from '../../domain/file-type.ts';
import { exportWorkbook, readSheet, templateWorkbook } from '../../excel/sheets.ts';
import { checkedAttachment } from '../../http/files.ts';
import { type ImportOutcome, MAX_IMPORT_ROWS, type RowProblem, sheetProblem } from '../../http/imports.ts';
import type { MessageKey, MessageParams } from '../../http/messages.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { type FileStore, storeThenRecord } from '../../storage/file-store.ts';
import { type Actor, auditService } from '../audit/service.ts';
import {
  type AssetFilter,
  type AssetListRow,
  type AssetRow,
  type AttachmentRow,
  assetsRepository,
  type NewAssetRow,
  type StatusChangeRow,
} from './repository.ts';
import {
  ASSET_COLUMNS,
  ASSET_SHEET,
  type AssetDraft,
  assetExportRow,
  H,
  type ParsedAssetRow,
  parseAssetRow,
} from './spreadsheet.ts';

/** Someone acting within one organisation. */
type OrgActor = Actor & { orgId: string };

/** Exports stop here; a larger registry is exported by filter (project, type). */
export const MAX_EXPORT_ROWS = 100_000;
const PREVIEW_ROWS = 50;

/** An asset as the API shows it. */
export function assetView(row: AssetRow & { parentCode?: string | null; parentName?: string | null }) {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    type: row.type,
    parentId: row.parentId,
    parentCode: row.parentCode ?? null,
    parentName: row.parentName ?? null,
    areaSqm: row.areaSqm,
    status: row.status,
    address: row.address,
    propertyCertificateNo: row.propertyCertificateNo,
    bookValueFen: row.bookValueFen,
    acquisitionDate: row.acquisitionDate,
    taxMethod: row.taxMethod,
    remarks: row.remarks,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type AssetView = ReturnType<typeof assetView>;

export function statusChangeView(row: StatusChangeRow) {
  return {
    id: row.id,
    fromStatus: row.fromStatus,
    toStatus: row.toStatus,
    reason: row.reason,
    contractId: row.contractId,
    actorName: row.actorName,
    changedAt: row.changedAt.toISOString(),
  };
}

export function attachmentView(row: AttachmentRow) {
  return {
    id: row.id,
    assetId: row.assetId,
    kind: row.kind,
    fileName: row.fileName,
    contentType: row.contentType,
    sizeBytes: row.sizeBytes,
    sha256: row.sha256,
    uploadedByName: row.uploadedByName,
    createdAt: row.createdAt.toISOString(),
  };
}

export interface AssetNode {
  id: string;
  code: string;
  name: string;
  type: AssetType;
  status: AssetStatus;
  areaSqm: string | null;
  children: AssetNode[];
}

export interface NewAsset {
  code: string;
  name: string;
  type: AssetType;
  status?: ManualStatus;
  parentId?: string | null;
  areaSqm?: string | null;
  address?: string | null;
  propertyCertificateNo?: string | null;
  bookValueFen?: number | null;
  acquisitionDate?: string | null;
  taxMethod?: TaxMethod | null;
  remarks?: string | null;
}

export interface AssetChanges extends Partial<Omit<NewAsset, 'status'>> {
  /** Any status may be asked for; `leased` is refused (only a contract sets it). */
  status?: AssetStatus;
  statusReason?: string;
}

/** Message parameters naming asset types in the reader's language. */
function hierarchyParams(problem: HierarchyProblem): MessageParams {
  const params: MessageParams = {
    type: [`asset_type_${problem.params.type}`],
    allowed: [`asset_parents_of_${problem.params.type}`],
  };
  if ('parentType' in problem.params) params.parentType = [`asset_type_${problem.params.parentType}`];
  return params;
}

function hierarchyError(problem: HierarchyProblem): AppError {
  const params = hierarchyParams(problem);
  return new AppError(422, problem.key, params, [{ path: 'body/parentId', key: problem.key, params }]);
}

const codeTaken = (code: string, name: string) => new AppError(409, 'asset_code_taken', { code, name });

/** The text of an optional field as stored: trimmed, empty meaning none. */
const optionalText = (value: string | null | undefined) =>
  value === undefined ? undefined : value === null || value.trim() === '' ? null : value.trim();

async function checkedParent(tx: Executor, orgId: string, type: AssetType, parentId: string | null) {
  const parent = parentId ? await assetsRepository.findById(tx, orgId, parentId) : undefined;
  if (parentId && !parent) {
    throw new AppError(422, 'asset_parent_not_found', { parent: parentId }, [
      { path: 'body/parentId', key: 'asset_parent_not_found', params: { parent: parentId } },
    ]);
  }
  const problem = hierarchyProblem(type, parent?.type ?? null);
  if (problem) throw hierarchyError(problem);
  return parent;
}

async function withCodeUniqueness<T>(code: string | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    // Two people saving the same new code at once: the database's unique key decides, the loser gets a 409.
    if (uniqueViolation(error) === 'assets_code_key') {
      throw code ? codeTaken(code, code) : new AppError(409, 'import_concurrent_change');
    }
    throw error;
  }
}

export const assetsService = {
  list(db: Orm, filter: AssetFilter, page: number, pageSize: number) {
    return assetsRepository.list(db, filter, page, pageSize);
  },

  async get(db: Orm, orgId: string, id: string): Promise<AssetListRow> {
    const row = await assetsRepository.findWithParent(db, orgId, id);
    if (!row) throw notFound('asset', id);
    return row;
  },

  async create(db: Orm, actor: OrgActor, input: NewAsset): Promise<AssetRow> {
    const code = input.code.trim();
    return withCodeUniqueness(code, () =>
      db.transaction(async (tx) => {
        await checkedParent(tx, actor.orgId, input.type, input.parentId ?? null);
        const existing = await assetsRepository.findByCode(tx, actor.orgId, code);
        if (existing) throw codeTaken(code, existing.name);
        const row = await assetsRepository.insert(tx, {
          orgId: actor.orgId,
          code,
          name: input.name.trim(),
          type: input.type,
          parentId: input.parentId ?? null,
          areaSqm: input.areaSqm ? normalizeArea(input.areaSqm) : null,
          status: input.status ?? 'vacant',
          address: optionalText(input.address) ?? null,
          propertyCertificateNo: optionalText(input.propertyCertificateNo) ?? null,
          bookValueFen: input.bookValueFen ?? null,
          acquisitionDate: input.acquisitionDate ?? null,
          taxMethod: input.taxMethod ?? null,
          remarks: optionalText(input.remarks) ?? null,
        });
        await assetsRepository.recordStatusChanges(tx, [
          {
            orgId: actor.orgId,
            assetId: row.id,
            fromStatus: null,
            toStatus: row.status,
            reason: '登记',
            actorId: actor.id,
            actorName: actor.name,
          },
        ]);
        await auditService.record(tx, actor, {
          action: 'asset.create',
          entityType: 'asset',
          entityId: row.id,
          after: assetView(row),
        });
        return row;
      }),
    );
  },

  /** Changes fields, place in the hierarchy and status (never to or from `leased`: contracts own that). */
  async update(db: Orm, actor: OrgActor, id: string, changes: AssetChanges): Promise<AssetRow> {
    const code = changes.code?.trim();
    return withCodeUniqueness(code, () =>
      db.transaction(async (tx) => {
        const before = await assetsRepository.findById(tx, actor.orgId, id, true);
        if (!before) throw notFound('asset', id);

        if (changes.status !== undefined) {
          const problem = manualStatusChangeProblem(before.status, changes.status);
          if (problem) {
            const status = problem.key === 'asset_status_leased_by_contract' ? 422 : 409;
            throw new AppError(status, problem.key, {}, [{ path: 'body/status', key: problem.key }]);
          }
        }
        const type = changes.type ?? before.type;
        const parentId = changes.parentId !== undefined ? changes.parentId : before.parentId;
        if (parentId === id) throw hierarchyError({ key: 'asset_must_be_top_level', params: { type } });
        if (changes.type !== undefined || changes.parentId !== undefined) {
          await checkedParent(tx, actor.orgId, type, parentId);
        }
        if (changes.type !== undefined && changes.type !== before.type) {
          for (const child of await assetsRepository.children(tx, actor.orgId, id)) {
            if (hierarchyProblem(child.type, type)) {
              throw new AppError(422, 'asset_children_not_allowed', {
                type: [`asset_type_${type}`],
                childCode: child.code,
                childType: [`asset_type_${child.type}`],
              });
            }
          }
        }
        if (code !== undefined && code !== before.code) {
          const existing = await assetsRepository.findByCode(tx, actor.orgId, code);
          if (existing) throw codeTaken(code, existing.name);
        }

        const values: Partial<NewAssetRow> = {};
        if (code !== undefined) values.code = code;
        if (changes.name !== undefined) values.name = changes.name.trim();
        if (changes.type !== undefined) values.type = changes.type;
        if (changes.parentId !== undefined) values.parentId = changes.parentId;
        if (changes.areaSqm !== undefined)
          values.areaSqm = changes.areaSqm === null ? null : normalizeArea(changes.areaSqm);
        if (changes.address !== undefined) values.address = optionalText(changes.address);
        if (changes.propertyCertificateNo !== undefined) {
          values.propertyCertificateNo = optionalText(changes.propertyCertificateNo);
        }
        if (changes.bookValueFen !== undefined) values.bookValueFen = changes.bookValueFen;
        if (changes.acquisitionDate !== undefined) values.acquisitionDate = changes.acquisitionDate;
        if (changes.taxMethod !== undefined) values.taxMethod = changes.taxMethod;
        if (changes.remarks !== undefined) values.remarks = optionalText(changes.remarks);
        if (changes.status !== undefined) values.status = changes.status;

        const after = await assetsRepository.update(tx, id, values);
        if (after.status !== before.status) {
          await assetsRepository.recordStatusChanges(tx, [
            {
              orgId: actor.orgId,
              assetId: id,
              fromStatus: before.status,
              toStatus: after.status,
              reason: changes.statusReason?.trim() || null,
              actorId: actor.id,
              actorName: actor.name,
            },
          ]);
        }
        await auditService.record(tx, actor, {
          action: after.status !== before.status ? 'asset.update_status' : 'asset.update',
          entityType: 'asset',
          entityId: id,
          before: assetView(before),
          after: assetView(after),
        });
        return after;
      }),
    );
  },

  /**
   * For the contracts module, inside its transaction: the assets of a contract that has become active are leased.
   * Each must be vacant or reserved (reserved for this tenant, typically); locks are taken in id order.
   */
  async recordLease(
    tx: Executor,
    actor: OrgActor,
    input: { assetIds: string[]; contractId: string; reason?: string },
  ): Promise<void> {
    const ids = [...new Set(input.assetIds)].sort();
    const rows = await assetsRepository.lockMany(tx, actor.orgId, ids);
    for (const id of ids) if (!rows.some((row) => row.id === id)) throw notFound('asset', id);
    for (const row of rows) {
      if (row.status !== 'vacant' && row.status !== 'reserved' && row.status !== 'leased') {
        throw new AppError(409, 'asset_not_leasable', { code: row.code, status: [`asset_status_${row.status}`] });
      }
    }
    await setStatusByContract(tx, actor, rows, 'leased', input.contractId, input.reason ?? '合同生效');
  },

  /**
   * For the contracts module, inside its transaction: a contract has ended (expired or terminated) and no other
   * active contract covers these assets (the contracts module knows that), so they are vacant again.
   */
  async recordLeaseEnded(
    tx: Executor,
    actor: OrgActor,
    input: { assetIds: string[]; contractId: string; reason?: string },
  ): Promise<void> {
    const ids = [...new Set(input.assetIds)].sort();
    const rows = await assetsRepository.lockMany(tx, actor.orgId, ids);
    const leased = rows.filter((row) => row.status === 'leased');
    await setStatusByContract(tx, actor, leased, 'vacant', input.contractId, input.reason ?? '合同终止');
  },

  /** The asset and everything below it, as a tree. */
  async tree(db: Orm, orgId: string, id: string): Promise<AssetNode> {
    const rows = await assetsRepository.subtree(db, orgId, id);
    const nodes = new Map<string, AssetNode>(
      rows.map((row) => [
        row.id,
        {
          id: row.id,
          code: row.code,
          name: row.name,
          type: row.type,
          status: row.status,
          areaSqm: row.areaSqm,
          children: [],
        },
      ]),
    );
    const root = nodes.get(id);
    if (!root) throw notFound('asset', id);
    for (const row of rows) {
      if (row.id !== id && row.parentId) nodes.get(row.parentId)?.children.push(nodes.get(row.id)!);
    }
    return root;
  },

  async statusHistory(db: Orm, orgId: string, id: string, page: number, pageSize: number) {
    await this.get(db, orgId, id);
    return assetsRepository.statusHistory(db, orgId, id, page, pageSize);
  },

  /** Checks an asset import across rows and against the registry, and writes it all in one transaction or not at all. */
  async importAssets(
    db: Orm,
    actor: OrgActor,
    parsed: ParsedAssetRow[],
    options: { dryRun: boolean; problems?: RowProblem[]; source: string },
  ): Promise<ImportOutcome<ReturnType<typeof previewOf>>> {
    const problems = [...(options.problems ?? [])];
    const drafts = parsed.map((row) => row.draft).filter((draft): draft is AssetDraft => draft !== null);
    const preview = drafts.slice(0, PREVIEW_ROWS).map(previewOf);
    const check = async (executor: Executor) => {
      const inserts = await checkImport(executor, actor.orgId, parsed, problems);
      problems.sort((a, b) => a.row - b.row || columnOrder(a.column) - columnOrder(b.column));
      return inserts;
    };
    const outcome = (created: number) => ({ total: parsed.length, problems, created, preview });

    if (options.dryRun) {
      await check(db);
      return outcome(0);
    }
    const created = await withCodeUniqueness(undefined, () =>
      db.transaction(async (tx) => {
        const rows = await check(tx);
        if (problems.length > 0) return 0;
        await assetsRepository.insertMany(tx, rows);
        await assetsRepository.recordStatusChanges(
          tx,
          rows.map((row) => ({
            orgId: actor.orgId,
            assetId: row.id!,
            fromStatus: null,
            toStatus: row.status!,
            reason: '导入',
            actorId: actor.id,
            actorName: actor.name,
          })),
        );
        await auditService.record(tx, actor, {
          action: 'asset.import',
          entityType: 'asset',
          after: { source: options.source, count: rows.length, codes: rows.map((row) => row.code) },
        });
        return rows.length;
      }),
    );
    return outcome(created);
  },

  /** Reads an uploaded .xlsx (the import template's columns) and imports it; see importAssets. */
  async importSheet(db: Orm, actor: OrgActor, file: { fileName: string; content: Buffer }, dryRun: boolean) {
    if (!isXlsx(file.content)) throw new AppError(400, 'import_not_xlsx');
    const sheetRows = await readSheet(file.content, ASSET_COLUMNS, MAX_IMPORT_ROWS).catch((error) => {
      throw sheetProblem(error);
    });
    const problems: RowProblem[] = [];
    const parsed = sheetRows.map((row) => parseAssetRow(row, problems));
    return this.importAssets(db, actor, parsed, { dryRun, problems, source: file.fileName });
  },

  importTemplate(): Promise<Buffer> {
    return templateWorkbook(ASSET_SHEET, ASSET_COLUMNS);
  },

  async exportWorkbook(db: Orm, filter: AssetFilter): Promise<Buffer> {
    const rows = await assetsRepository.listAll(db, filter, MAX_EXPORT_ROWS);
    return exportWorkbook(ASSET_SHEET, ASSET_COLUMNS, rows.map(assetExportRow));
  },

  async attachments(db: Orm, orgId: string, assetId: string) {
    await this.get(db, orgId, assetId);
    return assetsRepository.attachments(db, orgId, assetId);
  },

  /** Stores a photo or document checked by its first bytes, then records it; the file is removed if recording fails. */
  async addAttachment(
    db: Orm,
    files: FileStore,
    actor: OrgActor,
    assetId: string,
    file: { fileName: string; content: Buffer },
  ): Promise<AttachmentRow> {
    const { type, sizeBytes, sha256 } = checkedAttachment(file.content);
    await this.get(db, actor.orgId, assetId);
    const id = randomUUID();
    const key = `assets/${actor.orgId}/${assetId}/${id}.${type.extension}`;
    return storeThenRecord(files, { key, content: file.content, contentType: type.mime }, () =>
      db.transaction(async (tx) => {
        if (!(await assetsRepository.findById(tx, actor.orgId, assetId, true))) throw notFound('asset', assetId);
        const row = await assetsRepository.insertAttachment(tx, {
          id,
          orgId: actor.orgId,
          assetId,
          kind: type.kind,
          fileName: file.fileName,
          contentType: type.mime,
          sizeBytes,
          sha256,
          storageKey: key,
          uploadedBy: actor.id,
          uploadedByName: actor.name,
        });
        await auditService.record(tx, actor, {
          action: 'asset.attachment_add',
          entityType: 'asset',
          entityId: assetId,
          after: attachmentView(row),
        });
        return row;
      }),
    );
  },

  async readAttachment(
    db: Orm,
    files: FileStore,
    orgId: string,
    assetId: string,
    attachmentId: string,
  ): Promise<{ attachment: AttachmentRow; content: Readable }> {
    const attachment = await assetsRepository.findAttachment(db, orgId, assetId, attachmentId);
    if (!attachment) throw notFound('asset_attachment', attachmentId);
    const content = await files.read(attachment.storageKey);
    if (!content) throw new AppError(404, 'attachment_missing_content');
    return { attachment, content };
  },

  async removeAttachment(db: Orm, files: FileStore, actor: OrgActor, assetId: string, attachmentId: string) {
    const removed = await db.transaction(async (tx) => {
      const attachment = await assetsRepository.findAttachment(tx, actor.orgId, assetId, attachmentId);
      if (!attachment) throw notFound('asset_attachment', attachmentId);
      await assetsRepository.removeAttachment(tx, attachmentId);
      await auditService.record(tx, actor, {
        action: 'asset.attachment_remove',
        entityType: 'asset',
        entityId: assetId,
        before: attachmentView(attachment),
      });
      return attachment;
    });
    // After the commit: a failed removal leaves an orphan file, never a record without its file.
    await files.remove(removed.storageKey).catch(() => {});
  },
};

async function setStatusByContract(
  tx: Executor,
  actor: OrgActor,
  rows: AssetRow[],
  status: AssetStatus,
  contractId: string,
  reason: string,
) {
  for (const before of rows) {
    if (before.status === status) continue;
    const after = await assetsRepository.update(tx, before.id, { status });
    await assetsRepository.recordStatusChanges(tx, [
      {
        orgId: actor.orgId,
        assetId: before.id,
        fromStatus: before.status,
        toStatus: status,
        reason,
        contractId,
        actorId: actor.id,
        actorName: actor.name,
      },
    ]);
    await auditService.record(tx, actor, {
      action: 'asset.update_status',
      entityType: 'asset',
      entityId: before.id,
      before: assetView(before),
      after: { ...assetView(after), contractId },
    });
  }
}

function previewOf(draft: AssetDraft) {
  return {
    row: draft.row,
    code: draft.code,
    name: draft.name,
    type: draft.type,
    parentCode: draft.parentCode,
    areaSqm: draft.areaSqm,
    status: draft.status,
  };
}

const HEADERS: string[] = Object.values(H);
const columnOrder = (column: string) => HEADERS.indexOf(column);

/**
 * The checks across rows: codes unique in the sheet and in the registry, parents found (in the registry or the
 * sheet) and of an allowed type. Returns the rows to insert, parents before children.
 */
async function checkImport(
  db: Executor,
  orgId: string,
  parsed: ParsedAssetRow[],
  problems: RowProblem[],
): Promise<NewAssetRow[]> {
  const wrong = (row: number, column: string, key: MessageKey, params?: MessageParams) =>
    problems.push({ row, column, key, ...(params ? { params } : {}) });

  const inSheet = new Map<string, { row: number; type: AssetType | null }>();
  for (const { row, code, type } of parsed) {
    if (code === null) continue;
    const first = inSheet.get(code);
    if (first) wrong(row, H.code, 'import_duplicate_in_file', { row: first.row });
    else inSheet.set(code, { row, type });
  }
  const existing = new Map(
    (await assetsRepository.findByCodes(db, orgId, [...inSheet.keys()])).map((asset) => [asset.code, asset]),
  );
  for (const { row, code } of parsed) {
    const taken = code === null ? undefined : existing.get(code);
    if (taken) wrong(row, H.code, 'asset_code_taken', { code: taken.code, name: taken.name });
  }
  const drafts = parsed.map((row) => row.draft).filter((draft): draft is AssetDraft => draft !== null);
  const outsideParents = [
    ...new Set(drafts.map((draft) => draft.parentCode).filter((code): code is string => !!code && !inSheet.has(code))),
  ];
  const registryParents = new Map(
    (await assetsRepository.findByCodes(db, orgId, outsideParents)).map((asset) => [asset.code, asset]),
  );
  for (const draft of drafts) {
    let parentType: AssetType | null = null;
    if (draft.parentCode) {
      const parent = inSheet.get(draft.parentCode) ?? registryParents.get(draft.parentCode);
      if (!parent) {
        wrong(draft.row, H.parentCode, 'import_parent_unknown', { code: draft.parentCode });
        continue;
      }
      if (parent.type === null) continue;
      parentType = parent.type;
    }
    const problem = hierarchyProblem(draft.type, parentType);
    if (problem) wrong(draft.row, draft.parentCode ? H.parentCode : H.type, problem.key, hierarchyParams(problem));
  }
  if (problems.length > 0) return [];

  const ids = new Map(drafts.map((draft) => [draft.code, randomUUID()]));
  return [...drafts]
    .sort((a, b) => ASSET_TYPE_LEVEL[a.type] - ASSET_TYPE_LEVEL[b.type] || a.row - b.row)
    .map((draft) => ({
      id: ids.get(draft.code)!,
      orgId,
      code: draft.code,
      name: draft.name,
      type: draft.type,
      parentId: draft.parentCode ? (ids.get(draft.parentCode) ?? registryParents.get(draft.parentCode)!.id) : null,
      areaSqm: draft.areaSqm,
      status: draft.status,
      address: draft.address,
      propertyCertificateNo: draft.propertyCertificateNo,
      bookValueFen: draft.bookValueFen,
      acquisitionDate: draft.acquisitionDate,
      taxMethod: draft.taxMethod,
      remarks: draft.remarks,
    }));
}
