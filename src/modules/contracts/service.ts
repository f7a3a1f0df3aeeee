import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { PiiCipher } from '../../crypto/pii.ts';
import type { Executor, Orm } from '../../db/client.ts';
import { constraintViolation } from '../../db/errors.ts';
import { type CalendarDate, chinaDate, compareDates, daysBetween } from '../../domain/calendar.ts';
import {
  actionAllowed,
  annualRentFen,
  approvalLevelsFor,
  type ContractAction,
  type ContractSettings,
  type ContractStatus,
  contractNumber,
  contractSettingsOf,
  contractSettingsProblems,
  LEASABLE_ASSET_TYPES,
  renewalTerms,
  tenderRequired,
  terminatedTerms,
} from '../../domain/contract-rules.ts';
import { sniffAttachmentType } from '../../domain/file-type.ts';
import { formatYuan } from '../../domain/money.ts';
import { type ContractTerms, type RentSchedule, rentSchedule } from '../../domain/rent-schedule.ts';
import { checkedAttachment } from '../../http/files.ts';
import type { FieldProblem } from '../../http/problem.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { bodyProblemsError } from '../../http/rule-problems.ts';
import { type FileStore, storeThenRecord } from '../../storage/file-store.ts';
import { assetsService } from '../assets/service.ts';
import { type Actor, auditService, systemActor } from '../audit/service.ts';
import { cutPlanAtTermination, planContract } from '../billing/plan.ts';
import { notificationsService } from '../notifications/service.ts';
import { orgName, orgSettingsSection, replaceOrgSettingsSection } from '../orgs/service.ts';
import { tenantsService } from '../tenants/service.ts';
import { defaultLeaseTemplate } from './default-template.ts';
import { checkTemplate, fillTemplate, leaseDocumentData, TemplateUnreadable } from './document.ts';
import {
  type ApprovalRow,
  type ContractAssetView,
  type ContractAttachmentRow,
  type ContractFilter,
  type ContractRow,
  type Overlap,
  contractsRepository as repo,
  type TemplateRow,
} from './repository.ts';

/** What the contract use cases need: the database, the keys to tenants' personal data, the file store. */
export interface ContractsContext {
  db: Orm;
  pii: PiiCipher;
  files: FileStore;
}

type OrgActor = Actor & { orgId: string };

const SETTINGS_SECTION = 'contracts';
export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export interface ContractInput {
  tenantId: string;
  assetIds: string[];
  terms: ContractTerms;
  purpose?: string | null;
  tenderAnnouncementNo?: string | null;
  dealConfirmationNo?: string | null;
  remarks?: string | null;
}

/** Today in China: what due dates, expiry and signing dates are compared with. */
export const today = (): CalendarDate => chinaDate(new Date());

const optionalText = (value: string | null | undefined) =>
  value === undefined ? undefined : value === null || value.trim() === '' ? null : value.trim();

const assetView = (asset: ContractAssetView) => ({
  id: asset.assetId,
  code: asset.code,
  name: asset.name,
  type: asset.type,
  areaSqm: asset.areaSqm,
  status: asset.status,
});

/** A contract as lists show it. */
export function contractView(row: ContractRow, tenantName: string, assets: ContractAssetView[]) {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    tenantId: row.tenantId,
    tenantName,
    assetIds: assets.map((asset) => asset.assetId),
    assets: assets.map(assetView),
    terms: row.terms,
    startDate: row.startDate,
    endDate: row.endDate,
    monthlyRentFen: row.monthlyRentFen,
    annualRentFen: row.annualRentFen,
    totalRentFen: row.totalRentFen,
    depositFen: row.depositFen,
    purpose: row.purpose,
    tenderAnnouncementNo: row.tenderAnnouncementNo,
    dealConfirmationNo: row.dealConfirmationNo,
    remarks: row.remarks,
    approvalLevels: row.approvalLevels,
    signDate: row.signDate,
    terminationDate: row.terminationDate,
    terminationReason: row.terminationReason,
    renewedFromId: row.renewedFromId,
    createdByName: row.createdByName,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type ContractView = ReturnType<typeof contractView>;

/** What the audit log keeps of a contract: enough to see what changed, never the tenant's personal data. */
function auditSnapshot(row: ContractRow, assetIds: string[]) {
  return {
    number: row.number,
    status: row.status,
    tenantId: row.tenantId,
    assetIds,
    terms: row.terms,
    annualRentFen: row.annualRentFen,
    purpose: row.purpose,
    tenderAnnouncementNo: row.tenderAnnouncementNo,
    dealConfirmationNo: row.dealConfirmationNo,
    remarks: row.remarks,
  };
}

const approvalView = (row: ApprovalRow) => ({
  round: row.round,
  level: row.level,
  decision: row.decision,
  approverId: row.approverId,
  approverName: row.approverName,
  comment: row.comment,
  decidedAt: row.decidedAt.toISOString(),
});

export function attachmentView(row: ContractAttachmentRow) {
  return {
    id: row.id,
    contractId: row.contractId,
    fileName: row.fileName,
    contentType: row.contentType,
    sizeBytes: row.sizeBytes,
    sha256: row.sha256,
    uploadedByName: row.uploadedByName,
    createdAt: row.createdAt.toISOString(),
  };
}

export function templateView(row: TemplateRow) {
  return {
    id: row.id,
    name: row.name,
    fileName: row.fileName,
    sizeBytes: row.sizeBytes,
    sha256: row.sha256,
    placeholders: row.placeholders,
    active: row.active,
    uploadedByName: row.uploadedByName,
    createdAt: row.createdAt.toISOString(),
  };
}

function wrongStatus(row: ContractRow, action: ContractAction): AppError {
  return new AppError(409, 'contract_wrong_status', {
    number: row.number,
    status: [`contract_status_${row.status}`],
    action: [`contract_action_${action}`],
  });
}

function overlapError(overlap: Overlap): AppError {
  return new AppError(409, 'contract_overlap', {
    code: overlap.assetCode,
    number: overlap.number,
    from: overlap.from,
    to: overlap.to,
  });
}

async function lockedContract(tx: Executor, orgId: string, id: string, action: ContractAction) {
  const row = await repo.findById(tx, orgId, id, true);
  if (!row) throw notFound('contract', id);
  if (!actionAllowed(action, row.status)) throw wrongStatus(row, action);
  return row;
}

/** The schedule of terms under the org's term limit; throws RuleViolations naming each field. */
function scheduleOf(terms: ContractTerms, settings: ContractSettings): RentSchedule {
  return rentSchedule(terms, { maxTermYears: settings.maxTermYears });
}

/** The columns computed from the terms. */
function amountsOf(terms: ContractTerms, schedule: RentSchedule) {
  return {
    terms,
    startDate: terms.startDate,
    endDate: terms.endDate,
    monthlyRentFen: schedule.monthlyRentFen,
    annualRentFen: annualRentFen(schedule.monthlyRentFen),
    totalRentFen: schedule.totalRentFen,
    depositFen: schedule.deposit?.amountFen ?? 0,
  };
}

/**
 * The tenant and units exist in the org; units are of a leasable type and not disposed; no signed contract holds them
 * on a day of the term. Read through the tenants and assets services.
 */
async function checkParties(
  ctx: ContractsContext,
  tx: Executor,
  orgId: string,
  contractId: string,
  input: { tenantId: string; assetIds: string[]; startDate: CalendarDate; endDate: CalendarDate },
) {
  try {
    await tenantsService.get({ db: tx as Orm, pii: ctx.pii }, orgId, input.tenantId);
  } catch (error) {
    if (!(error instanceof AppError && error.status === 404)) throw error;
    const params = { id: input.tenantId };
    throw new AppError(422, 'contract_tenant_not_found', params, [
      { path: 'body/tenantId', key: 'contract_tenant_not_found', params },
    ]);
  }
  const problems: FieldProblem[] = [];
  for (const [index, assetId] of input.assetIds.entries()) {
    const path = `body/assetIds/${index}`;
    const asset = await assetsService.get(tx as Orm, orgId, assetId).catch((error) => {
      if (error instanceof AppError && error.status === 404) return null;
      throw error;
    });
    if (!asset) {
      problems.push({ path, key: 'contract_asset_not_found', params: { id: assetId } });
    } else if (!(LEASABLE_ASSET_TYPES as readonly string[]).includes(asset.type)) {
      const params = { code: asset.code, type: [`asset_type_${asset.type}` as const] };
      problems.push({ path, key: 'contract_asset_not_leasable_type', params });
    } else if (asset.status === 'disposed') {
      const params = { code: asset.code, status: ['asset_status_disposed' as const] };
      problems.push({ path, key: 'asset_not_leasable', params });
    }
  }
  const [first] = problems;
  if (first) {
    throw problems.length === 1
      ? new AppError(422, first.key, first.params, problems)
      : new AppError(422, 'validation_failed', {}, problems);
  }
  const [overlap] = await repo.overlaps(tx, contractId, input.assetIds, input.startDate, input.endDate);
  if (overlap) throw overlapError(overlap);
}

/** Gives the units back when a lease has ended, except those another active contract holds. */
async function releaseUnits(tx: Executor, actor: OrgActor, row: ContractRow, reason: string) {
  const assetIds = await repo.assetIdsOf(tx, row.id);
  const heldElsewhere = await repo.assetsHeldByOtherActive(tx, row.id, assetIds);
  const free = assetIds.filter((id) => !heldElsewhere.has(id));
  if (free.length > 0) await assetsService.recordLeaseEnded(tx, actor, { assetIds: free, contractId: row.id, reason });
  return repo.update(tx, row.id, { releasedAt: new Date() });
}

/** A deposit refund request for the refund workflow when a lease with a deposit ends. */
async function requestDepositRefund(tx: Executor, actor: OrgActor, row: ContractRow, reason: 'terminated' | 'expired') {
  if (row.depositFen <= 0) return null;
  const request = await repo.insertRefundRequest(tx, {
    orgId: row.orgId,
    contractId: row.id,
    tenantId: row.tenantId,
    amountFen: row.depositFen,
    reason,
    requestedBy: actor.id,
    requestedByName: actor.name,
  });
  await auditService.record(tx, actor, {
    action: 'deposit_refund.request',
    entityType: 'contract',
    entityId: row.id,
    after: { id: request.id, amountFen: request.amountFen, reason },
  });
  return request;
}

/** Runs work that activates units, turning the database's exclusion constraint into a 409 naming the contract. */
async function withOverlapGuard<T>(db: Orm, contractId: string, orgId: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (constraintViolation(error, '23P01') !== 'contract_assets_no_overlap') throw error;
    // The transaction has rolled back; what won the race is committed now.
    const row = await repo.findById(db, orgId, contractId);
    const assetIds = row ? await repo.assetIdsOf(db, contractId) : [];
    const [overlap] = row ? await repo.overlaps(db, contractId, assetIds, row.startDate, row.endDate) : [];
    throw overlap ? overlapError(overlap) : error;
  }
}

export const contractsService = {
  async settings(db: Executor, orgId: string): Promise<ContractSettings> {
    return contractSettingsOf(await orgSettingsSection(db, orgId, SETTINGS_SECTION));
  },

  async updateSettings(db: Orm, actor: OrgActor, changes: Partial<ContractSettings>): Promise<ContractSettings> {
    return db.transaction(async (tx) => {
      const before = await this.settings(tx, actor.orgId);
      const after = { ...before, ...changes };
      const problem = bodyProblemsError(contractSettingsProblems(after));
      if (problem) throw problem;
      await replaceOrgSettingsSection(tx, actor.orgId, SETTINGS_SECTION, after);
      await auditService.record(tx, actor, {
        action: 'settings.contracts_update',
        entityType: 'org',
        entityId: actor.orgId,
        before,
        after,
      });
      return after;
    });
  },

  async list(db: Orm, filter: ContractFilter, page: number, pageSize: number) {
    const { items, total } = await repo.list(db, { today: today(), ...filter }, page, pageSize);
    return { items: items.map((row) => contractView(row, row.tenantName, row.assets)), total };
  },

  /** One contract with its schedule, approvals, attachments, history (from the audit log) and renewal links. */
  async get(db: Orm, orgId: string, id: string) {
    const row = await repo.findWithTenantName(db, orgId, id);
    if (!row) throw notFound('contract', id);
    const [assets, approvals, attachments, history, refund, renewal, settings] = await Promise.all([
      repo.assetsOf(db, [id]),
      repo.approvals(db, id),
      repo.attachments(db, orgId, id),
      auditService.list(db, { orgId, entityType: 'contract', entityId: id }, 1, 200),
      repo.refundRequestOf(db, id),
      repo.list(db, { orgId, renewedFromId: id }, 1, 1),
      this.settings(db, orgId),
    ]);
    const schedule = rentSchedule(row.terms);
    const round = approvals.filter((approval) => approval.round === row.approvalRound);
    const approved = round.filter((approval) => approval.decision === 'approved').length;
    return {
      ...contractView(row, row.tenantName, assets.get(id) ?? []),
      tenderRequired: tenderRequired(row.annualRentFen, settings),
      requiredApprovalLevels: row.approvalLevels ?? approvalLevelsFor(row.annualRentFen, settings),
      schedule: {
        monthlyRentFen: schedule.monthlyRentFen,
        periods: schedule.periods,
        deposit: schedule.deposit,
        totalRentFen: schedule.totalRentFen,
      },
      approval: {
        round: row.approvalRound,
        approvedLevels: approved,
        nextLevel: row.status === 'pending_approval' ? approved + 1 : null,
        approverIds: round.filter((approval) => approval.decision === 'approved').map((a) => a.approverId),
        steps: approvals.map(approvalView),
      },
      attachments: attachments.map(attachmentView),
      history: history.items
        .map((entry) => {
          const after = (entry.after ?? {}) as { status?: string; comment?: string | null };
          const before = (entry.before ?? {}) as { status?: string };
          return {
            at: entry.at.toISOString(),
            action: entry.action,
            actorName: entry.actorName,
            fromStatus: before.status ?? null,
            toStatus: after.status ?? null,
            comment: after.comment ?? null,
          };
        })
        .reverse(),
      activatedAt: row.activatedAt?.toISOString() ?? null,
      finalSettlement: row.finalSettlement,
      depositRefundRequest: refund
        ? { id: refund.id, amountFen: refund.amountFen, reason: refund.reason, status: refund.status }
        : null,
      renewal: renewal.items[0] ? { id: renewal.items[0].id, number: renewal.items[0].number } : null,
    };
  },

  /** A new draft, numbered gap-free per org and year. */
  async create(
    ctx: ContractsContext,
    actor: OrgActor,
    input: ContractInput & { renewedFromId?: string },
  ): Promise<ContractRow> {
    const settings = await this.settings(ctx.db, actor.orgId);
    const schedule = scheduleOf(input.terms, settings);
    const assetIds = [...new Set(input.assetIds)];
    return ctx.db.transaction(async (tx) => {
      const id = randomUUID();
      await checkParties(ctx, tx, actor.orgId, id, {
        tenantId: input.tenantId,
        assetIds,
        startDate: input.terms.startDate,
        endDate: input.terms.endDate,
      });
      const year = Number(today().slice(0, 4));
      const sequence = await repo.takeNumber(tx, actor.orgId, year);
      const row = await repo.insert(tx, {
        id,
        orgId: actor.orgId,
        number: contractNumber(settings.numberPrefix, year, sequence),
        tenantId: input.tenantId,
        ...amountsOf(input.terms, schedule),
        purpose: optionalText(input.purpose) ?? null,
        tenderAnnouncementNo: optionalText(input.tenderAnnouncementNo) ?? null,
        dealConfirmationNo: optionalText(input.dealConfirmationNo) ?? null,
        remarks: optionalText(input.remarks) ?? null,
        renewedFromId: input.renewedFromId ?? null,
        createdBy: actor.id,
        createdByName: actor.name,
      });
      await repo.insertAssets(tx, actor.orgId, id, assetIds, row.startDate, row.endDate);
      await auditService.record(tx, actor, {
        action: 'contract.create',
        entityType: 'contract',
        entityId: id,
        after: { ...auditSnapshot(row, assetIds), renewedFromId: row.renewedFromId },
      });
      return row;
    });
  },

  /** Changes a draft: any of tenant, units, terms, purpose, tender record, remarks. */
  async update(ctx: ContractsContext, actor: OrgActor, id: string, changes: Partial<ContractInput>) {
    const settings = await this.settings(ctx.db, actor.orgId);
    const schedule = changes.terms ? scheduleOf(changes.terms, settings) : undefined;
    return ctx.db.transaction(async (tx) => {
      const before = await lockedContract(tx, actor.orgId, id, 'update');
      const beforeAssets = await repo.assetIdsOf(tx, id);
      const terms = changes.terms ?? before.terms;
      const assetIds = changes.assetIds ? [...new Set(changes.assetIds)] : beforeAssets;
      await checkParties(ctx, tx, actor.orgId, id, {
        tenantId: changes.tenantId ?? before.tenantId,
        assetIds,
        startDate: terms.startDate,
        endDate: terms.endDate,
      });
      const after = await repo.update(tx, id, {
        ...(changes.tenantId !== undefined ? { tenantId: changes.tenantId } : {}),
        ...(changes.terms && schedule ? amountsOf(changes.terms, schedule) : {}),
        ...(changes.purpose !== undefined ? { purpose: optionalText(changes.purpose) } : {}),
        ...(changes.tenderAnnouncementNo !== undefined
          ? { tenderAnnouncementNo: optionalText(changes.tenderAnnouncementNo) }
          : {}),
        ...(changes.dealConfirmationNo !== undefined
          ? { dealConfirmationNo: optionalText(changes.dealConfirmationNo) }
          : {}),
        ...(changes.remarks !== undefined ? { remarks: optionalText(changes.remarks) } : {}),
      });
      if (changes.assetIds || changes.terms) {
        await repo.replaceAssets(tx, actor.orgId, id, assetIds, after.startDate, after.endDate);
      }
      await auditService.record(tx, actor, {
        action: 'contract.update',
        entityType: 'contract',
        entityId: id,
        before: auditSnapshot(before, beforeAssets),
        after: auditSnapshot(after, assetIds),
      });
      return after;
    });
  },

  /** Sends a draft for approval: terms checked under today's settings, tender record present where required. */
  async submit(ctx: ContractsContext, actor: OrgActor, id: string) {
    const settings = await this.settings(ctx.db, actor.orgId);
    return ctx.db.transaction(async (tx) => {
      const before = await lockedContract(tx, actor.orgId, id, 'submit');
      scheduleOf(before.terms, settings);
      if (
        tenderRequired(before.annualRentFen, settings) &&
        !(before.tenderAnnouncementNo && before.dealConfirmationNo)
      ) {
        const params = {
          annualRent: formatYuan(before.annualRentFen),
          threshold: formatYuan(settings.tenderThresholdFen),
        };
        const errors = [
          ...(before.tenderAnnouncementNo ? [] : ['tenderAnnouncementNo']),
          ...(before.dealConfirmationNo ? [] : ['dealConfirmationNo']),
        ].map((field) => ({ path: `body/${field}`, key: 'contract_tender_required' as const, params }));
        throw new AppError(422, 'contract_tender_required', params, errors);
      }
      const assetIds = await repo.assetIdsOf(tx, id);
      const [overlap] = await repo.overlaps(tx, id, assetIds, before.startDate, before.endDate);
      if (overlap) throw overlapError(overlap);
      const levels = approvalLevelsFor(before.annualRentFen, settings);
      const after = await repo.update(tx, id, {
        status: 'pending_approval',
        approvalLevels: levels,
        approvalRound: before.approvalRound + 1,
      });
      await auditService.record(tx, actor, {
        action: 'contract.submit',
        entityType: 'contract',
        entityId: id,
        before: { status: before.status },
        after: { status: after.status, approvalLevels: levels, round: after.approvalRound },
      });
      return after;
    });
  },

  /** One level of approval; the last level makes the contract approved. A level after the first needs a new approver. */
  async approve(ctx: ContractsContext, actor: OrgActor, id: string, comment?: string | null) {
    return this.decide(ctx, actor, id, 'approved', optionalText(comment) ?? null);
  },

  /** Sends the contract back to draft with the approver's reasons. */
  async reject(ctx: ContractsContext, actor: OrgActor, id: string, comment: string) {
    return this.decide(ctx, actor, id, 'rejected', optionalText(comment) ?? null);
  },

  async decide(
    ctx: ContractsContext,
    actor: OrgActor,
    id: string,
    decision: 'approved' | 'rejected',
    comment: string | null,
  ) {
    try {
      return await ctx.db.transaction(async (tx) => {
        const before = await lockedContract(tx, actor.orgId, id, decision === 'approved' ? 'approve' : 'reject');
        const round = (await repo.approvals(tx, id)).filter((row) => row.round === before.approvalRound);
        const approved = round.filter((row) => row.decision === 'approved');
        const level = approved.length + 1;
        const mine = approved.find((row) => row.approverId === actor.id);
        if (decision === 'approved' && mine) {
          throw new AppError(409, 'contract_same_approver', { level: mine.level, next: level });
        }
        await repo.insertApproval(tx, {
          orgId: actor.orgId,
          contractId: id,
          round: before.approvalRound,
          level,
          decision,
          approverId: actor.id,
          approverName: actor.name,
          comment,
        });
        const status: ContractStatus =
          decision === 'rejected' ? 'draft' : level >= (before.approvalLevels ?? 1) ? 'approved' : 'pending_approval';
        const after = status === before.status ? before : await repo.update(tx, id, { status });
        await auditService.record(tx, actor, {
          action: decision === 'approved' ? 'contract.approve' : 'contract.reject',
          entityType: 'contract',
          entityId: id,
          before: { status: before.status },
          after: { status: after.status, level, of: before.approvalLevels, comment },
        });
        return after;
      });
    } catch (error) {
      // Two approvers deciding the same level at once: the unique keys decide, the loser is told.
      const constraint = constraintViolation(error, '23505');
      if (constraint === 'contract_approvals_level_key' || constraint === 'contract_approvals_approver_key') {
        throw new AppError(409, 'contract_approval_taken');
      }
      throw error;
    }
  },

  /**
   * The contract is signed: its units are held for the term (the database refuses a unit held twice on one day, so
   * of two activations racing for a unit exactly one wins) and become leased, in one transaction.
   */
  async activate(ctx: ContractsContext, actor: OrgActor, id: string, input: { signDate: CalendarDate }) {
    if (compareDates(input.signDate, today()) > 0) {
      const params = { signDate: input.signDate };
      throw new AppError(422, 'contract_sign_date_future', params, [
        { path: 'body/signDate', key: 'contract_sign_date_future', params },
      ]);
    }
    return withOverlapGuard(ctx.db, id, actor.orgId, () =>
      ctx.db.transaction(async (tx) => {
        const before = await lockedContract(tx, actor.orgId, id, 'activate');
        const assetIds = await repo.assetIdsOf(tx, id);
        // First hold the units (waiting here for a racing activation to finish; an overlap is refused by the
        // exclusion constraint and named by withOverlapGuard), then lease them.
        await repo.holdAssets(tx, id, before.startDate, before.endDate);
        await assetsService.recordLease(tx, actor, { assetIds, contractId: id, reason: `合同 ${before.number} 生效` });
        const after = await repo.update(tx, id, {
          status: 'active',
          signDate: input.signDate,
          activatedAt: new Date(),
        });
        await planContract(tx, { ...after, finalSettlement: null });
        await auditService.record(tx, actor, {
          action: 'contract.activate',
          entityType: 'contract',
          entityId: id,
          before: { status: before.status },
          after: { status: after.status, signDate: input.signDate },
        });
        return after;
      }),
    );
  },

  /**
   * Ends an active contract early. The final settlement for billing is the schedule of the terms cut at the
   * termination date (the last period prorated by days); a deposit becomes a refund request; the units are given
   * back once the termination date has passed (now, or by the daily job).
   */
  async terminate(
    ctx: ContractsContext,
    actor: OrgActor,
    id: string,
    input: { terminationDate: CalendarDate; reason: string },
  ) {
    return ctx.db.transaction(async (tx) => {
      const before = await lockedContract(tx, actor.orgId, id, 'terminate');
      const date = input.terminationDate;
      if (compareDates(date, before.startDate) <= 0 || compareDates(date, before.endDate) >= 0) {
        const params = { startDate: before.startDate, endDate: before.endDate };
        throw new AppError(422, 'contract_termination_date_outside', params, [
          { path: 'body/terminationDate', key: 'contract_termination_date_outside', params },
        ]);
      }
      const settlement = finalSettlement(before.terms, date);
      let after = await repo.update(tx, id, {
        status: 'terminated',
        terminationDate: date,
        terminationReason: input.reason.trim(),
        finalSettlement: settlement,
      });
      await repo.cutAssetPeriod(tx, id, before.startDate, date);
      await cutPlanAtTermination(tx, actor, { ...after, finalSettlement: settlement });
      await auditService.record(tx, actor, {
        action: 'contract.terminate',
        entityType: 'contract',
        entityId: id,
        before: { status: before.status },
        after: {
          status: after.status,
          terminationDate: date,
          comment: input.reason.trim(),
          finalSettlement: settlement,
        },
      });
      await requestDepositRefund(tx, actor, after, 'terminated');
      if (compareDates(date, today()) < 0)
        after = await releaseUnits(tx, actor, after, `合同 ${after.number} 提前终止`);
      return after;
    });
  },

  /** A new draft linked to the old contract, prefilled from it, starting the day after it ends. */
  async renew(ctx: ContractsContext, actor: OrgActor, id: string) {
    const old = await repo.findById(ctx.db, actor.orgId, id);
    if (!old) throw notFound('contract', id);
    if (!actionAllowed('renew', old.status)) throw wrongStatus(old, 'renew');
    const existing = (await repo.list(ctx.db, { orgId: actor.orgId, renewedFromId: id }, 1, 1)).items[0];
    if (existing) throw new AppError(409, 'contract_renewal_exists', { number: old.number, renewal: existing.number });
    const settings = await this.settings(ctx.db, actor.orgId);
    const assetIds = await repo.assetIdsOf(ctx.db, id);
    try {
      return await this.create(ctx, actor, {
        tenantId: old.tenantId,
        assetIds,
        terms: renewalTerms(old.terms, settings.maxTermYears),
        purpose: old.purpose,
        remarks: `续签自合同 ${old.number}`,
        renewedFromId: id,
      });
    } catch (error) {
      if (constraintViolation(error, '23505') !== 'contracts_renewal_key') throw error;
      const renewal = (await repo.list(ctx.db, { orgId: actor.orgId, renewedFromId: id }, 1, 1)).items[0];
      throw new AppError(409, 'contract_renewal_exists', { number: old.number, renewal: renewal?.number ?? '' });
    }
  },

  /**
   * The daily job: active contracts past their end date expire, and units of contracts that have ended are given
   * back; active contracts ending within each org's alert window are announced to its asset managers once.
   */
  async runDaily(db: Orm, asOf: CalendarDate = today()) {
    return db.transaction(async (tx) => {
      let expired = 0;
      let released = 0;
      for (const row of await repo.endedUnreleased(tx, asOf)) {
        const actor = { ...systemActor, orgId: row.orgId };
        let current = row;
        if (row.status === 'active') {
          current = await repo.update(tx, row.id, { status: 'expired' });
          await auditService.record(tx, actor, {
            action: 'contract.expire',
            entityType: 'contract',
            entityId: row.id,
            before: { status: row.status },
            after: { status: current.status, endDate: row.endDate },
          });
          await requestDepositRefund(tx, actor, current, 'expired');
          expired += 1;
        }
        await releaseUnits(tx, actor, current, `合同 ${row.number} ${row.status === 'active' ? '到期' : '提前终止'}`);
        released += 1;
      }
      const alerted = await announceExpiring(tx, asOf);
      return { expired, released, alerted };
    });
  },

  /** Active contracts ending within `withinDays` (the org's alert window by default), soonest first. */
  async expiring(db: Orm, orgId: string, withinDays?: number, asOf: CalendarDate = today()) {
    const days = withinDays ?? (await this.settings(db, orgId)).expiryAlertDays;
    const rows = await repo.endingWithin(db, orgId, asOf, days);
    const assets = await repo.assetsOf(
      db,
      rows.map((row) => row.contract.id),
    );
    return {
      withinDays: days,
      items: rows.map(({ contract, tenantName }) => ({
        ...contractView(contract, tenantName, assets.get(contract.id) ?? []),
        daysLeft: daysBetween(asOf, contract.endDate),
      })),
    };
  },

  /** The contract drafted from the org's template (or the default one) as a .docx. */
  async document(ctx: ContractsContext, orgId: string, id: string): Promise<{ fileName: string; content: Buffer }> {
    const row = await repo.findById(ctx.db, orgId, id);
    if (!row) throw notFound('contract', id);
    const [tenant, assets, lessorName, template] = await Promise.all([
      tenantsService.get({ db: ctx.db, pii: ctx.pii }, orgId, row.tenantId),
      repo.assetsOf(ctx.db, [id]),
      orgName(ctx.db, orgId),
      this.templateContent(ctx, orgId),
    ]);
    const data = leaseDocumentData({
      number: row.number,
      lessorName,
      tenant,
      assets: assets.get(id) ?? [],
      terms: row.terms,
      schedule: rentSchedule(row.terms),
      annualRentFen: row.annualRentFen,
      purpose: row.purpose,
      tenderAnnouncementNo: row.tenderAnnouncementNo,
      dealConfirmationNo: row.dealConfirmationNo,
      signDate: row.signDate,
      today: today(),
    });
    return { fileName: `租赁合同-${row.number}.docx`, content: fillTemplate(template, data) };
  },

  /** The template in use: the org's active upload, or the default. */
  async templateContent(ctx: ContractsContext, orgId: string): Promise<Buffer> {
    const active = await repo.activeTemplate(ctx.db, orgId);
    if (!active) return defaultLeaseTemplate();
    const stream = await ctx.files.read(active.storageKey);
    if (!stream) throw new AppError(404, 'attachment_missing_content');
    return streamToBuffer(stream);
  },

  templates(db: Orm, orgId: string) {
    return repo.templates(db, orgId);
  },

  /** Checks an uploaded .docx template's placeholders, naming each unknown one, and puts it in use. */
  async uploadTemplate(ctx: ContractsContext, actor: OrgActor, file: { fileName: string; content: Buffer }) {
    if (sniffAttachmentType(file.content)?.extension !== 'docx')
      throw new AppError(422, 'contract_template_unreadable');
    let check: ReturnType<typeof checkTemplate>;
    try {
      check = checkTemplate(file.content);
    } catch (error) {
      if (error instanceof TemplateUnreadable) throw new AppError(422, 'contract_template_unreadable');
      throw error;
    }
    if (check.syntaxErrors.length > 0) {
      throw new AppError(
        422,
        'contract_template_syntax',
        { count: check.syntaxErrors.length, details: check.syntaxErrors.join('；') },
        check.syntaxErrors.map((message) => ({ path: 'file', message })),
      );
    }
    if (check.unknown.length > 0) {
      throw new AppError(
        422,
        'contract_template_unknown_placeholders',
        { names: check.unknown.map((name) => `{${name}}`).join('、') },
        check.unknown.map((name) => ({ path: `file/{${name}}`, message: name })),
      );
    }
    const id = randomUUID();
    const key = `contract-templates/${actor.orgId}/${id}.docx`;
    return storeThenRecord(ctx.files, { key, content: file.content, contentType: DOCX_TYPE }, () =>
      ctx.db.transaction(async (tx) => {
        await repo.deactivateTemplates(tx, actor.orgId);
        const row = await repo.insertTemplate(tx, {
          id,
          orgId: actor.orgId,
          name: file.fileName.replace(/\.docx$/i, '').slice(0, 100) || '租赁合同模板',
          fileName: file.fileName,
          sizeBytes: file.content.length,
          sha256: createHash('sha256').update(file.content).digest('hex'),
          storageKey: key,
          placeholders: check.placeholders,
          active: true,
          uploadedBy: actor.id,
          uploadedByName: actor.name,
        });
        await auditService.record(tx, actor, {
          action: 'contract_template.upload',
          entityType: 'contract_template',
          entityId: id,
          after: templateView(row),
        });
        return row;
      }),
    );
  },

  /** Puts an uploaded template in use (`active`), or stops using it so the default drafts again. */
  async setTemplateActive(db: Orm, actor: OrgActor, id: string, active: boolean) {
    return db.transaction(async (tx) => {
      const before = await repo.findTemplate(tx, actor.orgId, id, true);
      if (!before) throw notFound('contract_template', id);
      await repo.deactivateTemplates(tx, actor.orgId);
      const after = active ? await repo.setTemplateActive(tx, id, true) : { ...before, active: false };
      await auditService.record(tx, actor, {
        action: active ? 'contract_template.activate' : 'contract_template.deactivate',
        entityType: 'contract_template',
        entityId: id,
        before: { active: before.active },
        after: { active: after.active },
      });
      return after;
    });
  },

  async readTemplate(ctx: ContractsContext, orgId: string, id: string) {
    const row = await repo.findTemplate(ctx.db, orgId, id);
    if (!row) throw notFound('contract_template', id);
    const content = await ctx.files.read(row.storageKey);
    if (!content) throw new AppError(404, 'attachment_missing_content');
    return { template: row, content };
  },

  /** Stores a signed scan or other document (JPEG, PNG, WebP, PDF, .docx by their first bytes) with the contract. */
  async addAttachment(
    ctx: ContractsContext,
    actor: OrgActor,
    contractId: string,
    file: { fileName: string; content: Buffer },
  ) {
    const { type, sizeBytes, sha256 } = checkedAttachment(file.content);
    if (!(await repo.findById(ctx.db, actor.orgId, contractId))) throw notFound('contract', contractId);
    const id = randomUUID();
    const key = `contracts/${actor.orgId}/${contractId}/${id}.${type.extension}`;
    return storeThenRecord(ctx.files, { key, content: file.content, contentType: type.mime }, () =>
      ctx.db.transaction(async (tx) => {
        if (!(await repo.findById(tx, actor.orgId, contractId, true))) throw notFound('contract', contractId);
        const row = await repo.insertAttachment(tx, {
          id,
          orgId: actor.orgId,
          contractId,
          fileName: file.fileName,
          contentType: type.mime,
          sizeBytes,
          sha256,
          storageKey: key,
          uploadedBy: actor.id,
          uploadedByName: actor.name,
        });
        await auditService.record(tx, actor, {
          action: 'contract.attachment_add',
          entityType: 'contract',
          entityId: contractId,
          after: attachmentView(row),
        });
        return row;
      }),
    );
  },

  async readAttachment(
    ctx: ContractsContext,
    orgId: string,
    contractId: string,
    attachmentId: string,
  ): Promise<{ attachment: ContractAttachmentRow; content: Readable }> {
    const attachment = await repo.findAttachment(ctx.db, orgId, contractId, attachmentId);
    if (!attachment) throw notFound('contract_attachment', attachmentId);
    const content = await ctx.files.read(attachment.storageKey);
    if (!content) throw new AppError(404, 'attachment_missing_content');
    return { attachment, content };
  },
};

/**
 * What an early termination leaves for billing: the schedule up to the termination date (the period holding it cut
 * and prorated by days), the periods no longer owed, and the rent owed in all.
 */
export function finalSettlement(terms: ContractTerms, terminationDate: CalendarDate) {
  const full = rentSchedule(terms);
  const cut = rentSchedule(terminatedTerms(terms, terminationDate));
  const finalPeriod = cut.periods.at(-1)!;
  return {
    terminationDate,
    periods: cut.periods,
    finalPeriod: { ...finalPeriod, scheduledAmountFen: full.periods[finalPeriod.index]!.amountFen },
    cancelledPeriods: full.periods.slice(cut.periods.length),
    rentThroughTerminationFen: cut.totalRentFen,
    originalTotalRentFen: full.totalRentFen,
  };
}
export type FinalSettlement = ReturnType<typeof finalSettlement>;

async function announceExpiring(tx: Executor, asOf: CalendarDate): Promise<number> {
  let alerted = 0;
  const settingsByOrg = new Map<string, ContractSettings>();
  // The widest window any org could use; each org's own window is applied below.
  for (const { contract, tenantName } of await repo.endingWithin(tx, null, asOf, 3660)) {
    let settings = settingsByOrg.get(contract.orgId);
    if (!settings) {
      settings = await contractsService.settings(tx, contract.orgId);
      settingsByOrg.set(contract.orgId, settings);
    }
    const daysLeft = daysBetween(asOf, contract.endDate);
    if (daysLeft > settings.expiryAlertDays) continue;
    const sent = await notificationsService.notifyOnce(tx, {
      orgId: contract.orgId,
      recipientRole: 'asset_manager',
      kind: 'contract_expiring',
      entityType: 'contract',
      entityId: contract.id,
      title: `合同 ${contract.number} 将于 ${contract.endDate} 到期`,
      body: `承租方 ${tenantName} 的租赁合同 ${contract.number} 将于 ${contract.endDate} 到期（剩余 ${daysLeft} 天），请及时联系承租方办理续签或退租。`,
      dedupeKey: `contract_expiring:${contract.id}:${contract.endDate}`,
    });
    if (!sent) continue;
    alerted += 1;
    await auditService.record(
      tx,
      { ...systemActor, orgId: contract.orgId },
      {
        action: 'contract.expiry_alert',
        entityType: 'contract',
        entityId: contract.id,
        after: { endDate: contract.endDate, daysLeft, recipientRole: 'asset_manager' },
      },
    );
  }
  return alerted;
}

async function streamToBuffer(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
