// The tenant portal (承租方门户): login with an SMS code, then the tenant's own bills (what settles each today),
// payments and receipts. A tenant only ever reaches their own rows: every query is keyed by the session's tenant.

import { createHmac, randomUUID } from 'node:crypto';
import type { PiiCipher } from '../../crypto/pii.ts';
import type { Orm } from '../../db/client.ts';
import { type CalendarDate, compareDates } from '../../domain/calendar.ts';
import { maskPhone } from '../../domain/masking.ts';
import { mobileProblem, normalizePhone } from '../../domain/phone.ts';
import { AppError, notFound } from '../../http/problem.ts';
import type { Actor } from '../audit/service.ts';
import { auditService } from '../audit/service.ts';
import type { AuthService, ClientInfo, TenantPrincipal } from '../auth/service.ts';
import { billFigures } from '../billing/penalty.ts';
import type { MessageKind } from '../messages/rules.ts';
import type { MessageSender, OutgoingMessage } from '../messages/senders.ts';
import { messagesService } from '../messages/service.ts';
import { billItemText, PAYMENT_METHOD_NAMES, receiptsService } from '../receipts/service.ts';
import {
  LOGIN_CODE_MAX_ATTEMPTS,
  LOGIN_CODE_RESEND_SECONDS,
  LOGIN_CODE_VALID_MINUTES,
  LOGIN_CODES_PER_DAY,
  loginCodeHash,
  loginCodeMatches,
  loginCodeState,
  loginCodeText,
  newLoginCode,
  resendWaitSeconds,
} from './login-code.ts';
import { type BillRow, portalRepository as repo } from './repository.ts';

export const LOGIN_CODE_MESSAGE_KIND: MessageKind = 'login_code';
export const LOGIN_CODE_TEMPLATE = 'portal_login_code';
/** The delivery job leaves a login code alone this long while it is sent straight away (it waits for nobody). */
const DIRECT_SEND_LEASE_MS = LOGIN_CODE_VALID_MINUTES * 60_000;

export interface PortalDeps {
  db: Orm;
  auth: AuthService;
  pii: PiiCipher;
  /** The SMS sender; with the development sender the code is shown in the staff message log. */
  sms: MessageSender;
  /** The server key the login codes are hashed under (derived from the pay-link key). */
  loginCodeKey: Buffer;
  publicBaseUrl: string;
  log: { warn(details: object, message: string): void };
}

/** A key of its own for the login codes, derived from a server secret that already exists. */
export const loginCodeKeyFrom = (secret: Buffer) =>
  createHmac('sha256', secret).update('assetpay portal login codes').digest();

function mobileOf(input: string): string {
  const problem = mobileProblem(input);
  if (problem) throw new AppError(422, problem.key, {}, [{ path: 'body/phone', key: problem.key }]);
  return normalizePhone(input);
}

const isSettled = (bill: BillRow) => bill.status === 'paid';

export function createPortalService(deps: PortalDeps) {
  const { db, pii } = deps;
  /** Login codes being sent after their transaction: awaited when the app closes. */
  const sending = new Set<Promise<void>>();

  async function sendNow(outgoing: OutgoingMessage) {
    const outcome = await messagesService.sendNow(db, deps.sms, outgoing);
    // Left to the delivery job, which retries it like any message.
    if (!outcome.sent) {
      deps.log.warn(
        { messageId: outgoing.id, error: outcome.error },
        'login code SMS not sent; the delivery job retries',
      );
    }
  }

  return {
    /**
     * Sends a login code to the phone if it is a tenant's. The answer is the same whether it is or not (no one learns
     * which numbers are tenants'): a code is stored either way, so the one-a-minute and ten-a-day limits and the
     * wrong-code answers at login are the same too.
     */
    async requestCode(phoneInput: string, client: ClientInfo, now = new Date()) {
      const phone = mobileOf(phoneInput);
      const phoneIndex = pii.blindIndex('phone', phone);
      const queued = await db.transaction(async (tx) => {
        await repo.lockPhone(tx, phoneIndex);
        const latest = await repo.latestCode(tx, phoneIndex);
        const wait = resendWaitSeconds(latest?.createdAt, now);
        if (wait > 0) throw new AppError(429, 'portal_code_wait', { seconds: wait });
        const today = await repo.codesSince(tx, phoneIndex, new Date(now.getTime() - 86_400_000));
        if (today >= LOGIN_CODES_PER_DAY)
          throw new AppError(429, 'portal_code_daily_limit', { limit: LOGIN_CODES_PER_DAY });

        const id = randomUUID();
        const code = newLoginCode();
        await repo.insertCode(tx, {
          id,
          phoneIndex,
          codeHash: loginCodeHash(deps.loginCodeKey, id, code),
          expiresAt: new Date(now.getTime() + LOGIN_CODE_VALID_MINUTES * 60_000),
          ip: client.ip,
          createdAt: now,
        });
        const owner = await repo.tenantByPhone(tx, phoneIndex);
        if (!owner) return null;

        // Only the development sender (nothing leaves the machine) lets staff read the code in the message log.
        const shownBody = deps.sms.provider === 'dev' ? loginCodeText(code) : loginCodeText('******');
        const params = { code, minutes: String(LOGIN_CODE_VALID_MINUTES) };
        // Sent straight after the transaction; the delivery job takes it over only if that fails.
        const message = await messagesService.queueForTenant(tx, deps, {
          orgId: owner.orgId,
          tenantId: owner.id,
          recipient: phone,
          kind: LOGIN_CODE_MESSAGE_KIND,
          templateCode: LOGIN_CODE_TEMPLATE,
          params,
          body: shownBody,
          dedupeKey: `login_code:${id}`,
          sendingUntil: new Date(now.getTime() + DIRECT_SEND_LEASE_MS),
        });
        if (!message) return null;
        const actor: Actor = { kind: 'anonymous', orgId: owner.orgId, id: null, name: maskPhone(phone), ...client };
        await auditService.record(tx, actor, {
          action: 'portal.login_code_send',
          entityType: 'tenant',
          entityId: owner.id,
          after: { messageId: message.id },
        });
        const outgoing: OutgoingMessage = {
          id: message.id,
          channel: 'sms',
          kind: LOGIN_CODE_MESSAGE_KIND,
          recipient: phone,
          templateCode: LOGIN_CODE_TEMPLATE,
          params,
          body: loginCodeText(code),
          payLink: null,
        };
        return outgoing;
      });
      // Sent after the answer: a known phone takes no longer to answer than an unknown one.
      if (queued) {
        const delivery = sendNow(queued).finally(() => sending.delete(delivery));
        sending.add(delivery);
      }
      return { sent: true as const, resendAfterSeconds: LOGIN_CODE_RESEND_SECONDS };
    },

    /** Checks the code against the phone's latest one and opens a tenant session. Every outcome is audited. */
    async login(phoneInput: string, code: string, client: ClientInfo, now = new Date()) {
      const phone = mobileOf(phoneInput);
      const phoneIndex = pii.blindIndex('phone', phone);
      const outcome = await db.transaction(async (tx) => {
        await repo.lockPhone(tx, phoneIndex);
        const latest = await repo.latestCode(tx, phoneIndex);
        const owner = await repo.tenantByPhone(tx, phoneIndex);
        const anonymous: Actor = {
          kind: 'anonymous',
          orgId: owner?.orgId ?? null,
          id: null,
          name: maskPhone(phone),
          ...client,
        };
        const failed = async (reason: string, error: AppError) => {
          await auditService.record(tx, anonymous, {
            action: 'portal.login_failed',
            ...(owner ? { entityType: 'tenant', entityId: owner.id } : {}),
            after: { reason },
          });
          return { error } as const;
        };

        const state = loginCodeState(latest, now);
        if (state === 'missing' || state === 'expired') {
          return failed(state, new AppError(401, 'portal_code_expired'));
        }
        if (state === 'used_up') return failed(state, new AppError(401, 'portal_code_attempts'));
        const current = latest!;
        if (!owner || !loginCodeMatches(deps.loginCodeKey, current.id, code, current.codeHash)) {
          const attempts = current.attempts + 1;
          await repo.updateCode(tx, current.id, { attempts });
          const remaining = LOGIN_CODE_MAX_ATTEMPTS - attempts;
          return failed(
            'wrong_code',
            remaining > 0
              ? new AppError(401, 'portal_code_wrong', { remaining })
              : new AppError(401, 'portal_code_attempts'),
          );
        }
        await repo.updateCode(tx, current.id, { consumedAt: now, attempts: current.attempts + 1 });
        const { token, session } = await deps.auth.openSession(
          { principal: 'tenant', orgId: owner.orgId, tenantId: owner.id },
          client,
          tx,
        );
        await auditService.record(
          tx,
          { kind: 'tenant', orgId: owner.orgId, id: owner.id, name: owner.name, ...client },
          { action: 'portal.login', entityType: 'session', entityId: session.id },
        );
        return { token, tenant: { id: owner.id, name: owner.name } } as const;
      });
      if ('error' in outcome) throw outcome.error;
      return outcome;
    },

    async logout(principal: TenantPrincipal, client: ClientInfo) {
      const tenant = await repo.tenant(db, principal.orgId, principal.tenantId);
      const actor: Actor = {
        kind: 'tenant',
        orgId: principal.orgId,
        id: principal.tenantId,
        name: tenant?.name ?? null,
        ...client,
      };
      await deps.auth.logout(principal, actor);
    },

    async me(principal: TenantPrincipal) {
      const tenant = await repo.tenant(db, principal.orgId, principal.tenantId);
      if (!tenant) throw notFound('tenant', principal.tenantId);
      return { tenant: { id: tenant.id, name: tenant.name, kind: tenant.kind }, orgName: tenant.orgName };
    },

    /** The tenant's bills with what settles each today: unsettled first by due date, then settled ones, latest first. */
    async bills(principal: TenantPrincipal, today: CalendarDate) {
      const rows = await repo.bills(db, principal.orgId, principal.tenantId);
      const ids = rows.map((bill) => bill.id);
      const [payments, openOrders] = await Promise.all([
        repo.principalPayments(db, principal.orgId, ids),
        repo.openOrderNumbers(db, principal.orgId, ids),
      ]);
      const ordered = [
        ...rows.filter((bill) => !isSettled(bill)),
        ...rows
          .filter(isSettled)
          .sort((a, b) => compareDates(b.dueDate, a.dueDate) || b.number.localeCompare(a.number)),
      ];
      return {
        items: ordered.map((bill) => {
          const figures = billFigures(bill, payments.get(bill.id) ?? [], today);
          return {
            id: bill.id,
            number: bill.number,
            kind: bill.kind,
            contractId: bill.contractId,
            periodStart: bill.periodStart,
            periodEnd: bill.periodEnd,
            dueDate: bill.dueDate,
            description: bill.description,
            status: bill.status,
            amountFen: bill.amountFen,
            paidFen: figures.paidFen,
            outstandingFen: figures.outstandingFen,
            lateFeeFen: figures.lateFeeFen,
            lateFeeTodayFen: figures.penaltyOwedFen,
            payableFen: isSettled(bill) ? 0 : figures.payableFen,
            overdue: figures.overdue,
            overdueDays: figures.overdueDays,
            settledOn: bill.settledOn,
            openOrderNo: openOrders.get(bill.id) ?? null,
          };
        }),
        asOf: today,
      };
    },

    /** The tenant's payments, newest first, each with the bills it paid and its receipt. */
    async payments(principal: TenantPrincipal, page: number, pageSize: number) {
      const { items, total } = await repo.payments(db, principal.orgId, principal.tenantId, page, pageSize);
      const allocations = await repo.allocations(
        db,
        principal.orgId,
        items.map((row) => row.payment.id),
      );
      return {
        items: items.map(({ payment, receiptId, receiptNumber }) => ({
          id: payment.id,
          number: payment.number,
          amountFen: payment.amountFen,
          advanceFen: payment.advanceFen,
          method: payment.method,
          methodName: PAYMENT_METHOD_NAMES[payment.method],
          receivedOn: payment.receivedOn,
          createdAt: payment.createdAt.toISOString(),
          reference: payment.reference,
          paymentOrderNo: payment.paymentOrderNo,
          allocations: allocations
            .filter((allocation) => allocation.paymentId === payment.id)
            .map((allocation) => ({
              billId: allocation.billId,
              billNumber: allocation.billNumber,
              item: billItemText(allocation),
              principalFen: allocation.principalFen,
              lateFeeFen: allocation.lateFeeFen,
              amountFen: allocation.principalFen + allocation.lateFeeFen,
            })),
          receiptId,
          receiptNumber,
        })),
        total,
      };
    },

    /** The tenant's own receipt as a PDF; another tenant's is answered as missing. */
    receiptPdf(principal: TenantPrincipal, receiptId: string) {
      return receiptsService.pdf(db, principal.orgId, receiptId, deps.publicBaseUrl, principal.tenantId);
    },

    /** Waits for the login codes still being sent (the app is closing). */
    async settle(): Promise<void> {
      await Promise.allSettled([...sending]);
    },
  };
}

export type PortalService = ReturnType<typeof createPortalService>;
