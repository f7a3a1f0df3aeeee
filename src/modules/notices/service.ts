import { type SQL, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../../db/client.ts';
import type { CalendarDate } from '../../domain/calendar.ts';
import type { LateFeeTerms } from '../../domain/late-fee.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { billFigures } from '../billing/penalty.ts';
import { type NoticeContent, type NoticeLine, renderPaymentNotice } from './pdf.ts';

/** The pay link of a bill (H5 page with a signed token), supplied by the server from the messages module. */
export type PayLinkFor = (bill: { id: string; orgId: string }) => string;

interface NoticeBillRow {
  id: string;
  number: string;
  kind: 'rent' | 'deposit' | 'charge' | 'final';
  status: 'open' | 'partial' | 'paid' | 'void';
  periodStart: string | null;
  periodEnd: string | null;
  dueDate: string;
  amountFen: string;
  lateFeeTerms: LateFeeTerms | null;
  lateFeeFen: string;
  lateFeeWaivedFen: string;
  principalPaidFen: string;
  lateFeePaidFen: string;
  description: string | null;
  tenantId: string;
  tenantName: string;
  contractNumber: string;
  orgName: string;
  /** Principal parts of the payments applied, by day: [{date, amountFen}]. */
  payments: { date: string; amountFen: number }[] | null;
}

async function noticeBills(db: Executor, orgId: string, where: SQL): Promise<NoticeBillRow[]> {
  return queryRows<NoticeBillRow>(
    db,
    sql`SELECT b.id, b.number, b.kind, b.status, b.period_start::text AS "periodStart", b.period_end::text AS "periodEnd",
               b.due_date::text AS "dueDate", b.amount_fen AS "amountFen", b.late_fee_terms AS "lateFeeTerms",
               b.late_fee_fen AS "lateFeeFen", b.late_fee_waived_fen AS "lateFeeWaivedFen",
               b.principal_paid_fen AS "principalPaidFen", b.late_fee_paid_fen AS "lateFeePaidFen", b.description,
               b.tenant_id AS "tenantId", t.name AS "tenantName", c.number AS "contractNumber", o.name AS "orgName",
               (SELECT jsonb_agg(jsonb_build_object('date', p.applied_on::text, 'amountFen', p.principal_fen)
                                 ORDER BY p.applied_on, p.id)
                  FROM payment_allocations p WHERE p.bill_id = b.id AND p.principal_fen > 0) AS payments
          FROM bills b
          JOIN tenants t ON t.org_id = b.org_id AND t.id = b.tenant_id
          JOIN contracts c ON c.org_id = b.org_id AND c.id = b.contract_id
          JOIN orgs o ON o.id = b.org_id
         WHERE b.org_id = ${orgId} AND ${where}
         ORDER BY b.due_date, b.number`,
  );
}

const KIND_NAMES = { rent: '租金', deposit: '押金', charge: '杂费', final: '租金（结算）' } as const;

function periodText(row: NoticeBillRow): string {
  if (row.kind === 'charge') return row.description || KIND_NAMES.charge;
  if (row.kind === 'deposit') return KIND_NAMES.deposit;
  const range = row.periodStart && row.periodEnd ? ` ${row.periodStart}～${row.periodEnd}` : '';
  return `${KIND_NAMES[row.kind]}${range}`;
}

/** One bill's figures as of the day: penalty from penaltyOf with the bill's principal payments. */
export function noticeLine(row: NoticeBillRow, asOf: CalendarDate, payLink: string): NoticeLine {
  const amountFen = Number(row.amountFen);
  const bill = {
    status: row.status,
    amountFen,
    dueDate: row.dueDate,
    lateFeeTerms: row.lateFeeTerms,
    lateFeeFen: Number(row.lateFeeFen),
    lateFeeWaivedFen: Number(row.lateFeeWaivedFen),
    lateFeePaidFen: Number(row.lateFeePaidFen),
  };
  const figures = billFigures(
    { ...bill, principalPaidFen: Number(row.principalPaidFen) },
    (row.payments ?? []).map((payment) => ({ date: payment.date, amountFen: Number(payment.amountFen) })),
    asOf,
  );
  return {
    billId: row.id,
    number: row.number,
    period: periodText(row),
    dueDate: row.dueDate,
    principalFen: amountFen,
    penaltyFen: figures.lateFeeFen - bill.lateFeeWaivedFen,
    paidFen: figures.paidFen,
    payableFen: figures.payableFen,
    overdueDays: figures.overdueDays,
    payLink,
  };
}

export const noticesService = {
  /** The notice of one bill (not a void one). */
  async billNotice(db: Executor, orgId: string, billId: string, asOf: CalendarDate, payLinkFor: PayLinkFor) {
    const [row] = await noticeBills(db, orgId, sql`b.id = ${billId}`);
    if (!row) throw notFound('bill', billId);
    if (row.status === 'void') throw new AppError(409, 'notice_bill_void', { number: row.number });
    const content: NoticeContent = {
      orgName: row.orgName,
      tenantName: row.tenantName,
      contractNumbers: [row.contractNumber],
      asOf,
      lines: [noticeLine(row, asOf, payLinkFor({ id: row.id, orgId }))],
    };
    return { number: row.number, pdf: await renderPaymentNotice(content) };
  },

  /** The notice of all the tenant's unsettled (open or partial) bills, by due date. */
  async tenantNotice(db: Executor, orgId: string, tenantId: string, asOf: CalendarDate, payLinkFor: PayLinkFor) {
    const [tenant] = await queryRows<{ name: string; code: string; orgName: string }>(
      db,
      sql`SELECT t.name, t.code, o.name AS "orgName" FROM tenants t JOIN orgs o ON o.id = t.org_id
           WHERE t.org_id = ${orgId} AND t.id = ${tenantId}`,
    );
    if (!tenant) throw notFound('tenant', tenantId);
    const rows = await noticeBills(db, orgId, sql`b.tenant_id = ${tenantId} AND b.status IN ('open', 'partial')`);
    const content: NoticeContent = {
      orgName: tenant.orgName,
      tenantName: tenant.name,
      contractNumbers: [...new Set(rows.map((row) => row.contractNumber))],
      asOf,
      lines: rows.map((row) => noticeLine(row, asOf, payLinkFor({ id: row.id, orgId }))),
    };
    return { tenantCode: tenant.code, pdf: await renderPaymentNotice(content) };
  },
};
