// Drizzle's view of the tables; the SQL in ./migrations is the source of truth and is applied at start.
import {
  bigint,
  bigserial,
  boolean,
  customType,
  date,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { ASSET_STATUSES, ASSET_TYPES, TAX_METHODS } from '../domain/asset-rules.ts';
import { CONTRACT_STATUSES } from '../domain/contract-rules.ts';
import type { LateFeeTerms } from '../domain/late-fee.ts';
import type { ContractTerms } from '../domain/rent-schedule.ts';

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const orgs = pgTable('orgs', {
  id: uuid('id').primaryKey().defaultRandom(),
  code: text('code').notNull(),
  name: text('name').notNull(),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
});

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id')
    .notNull()
    .references(() => orgs.id),
  username: text('username').notNull(),
  displayName: text('display_name').notNull(),
  passwordHash: text('password_hash').notNull(),
  roles: text('roles').array().notNull(),
  status: text('status', { enum: ['active', 'disabled'] })
    .notNull()
    .default('active'),
  failedLogins: integer('failed_logins').notNull().default(0),
  lockedUntil: timestamptz('locked_until'),
  passwordChangedAt: timestamptz('password_changed_at').notNull().defaultNow(),
  lastLoginAt: timestamptz('last_login_at'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

export const sessions = pgTable('sessions', {
  id: uuid('id').primaryKey().defaultRandom(),
  tokenHash: text('token_hash').notNull(),
  principal: text('principal', { enum: ['staff', 'tenant'] }).notNull(),
  orgId: uuid('org_id').notNull(),
  userId: uuid('user_id'),
  tenantId: uuid('tenant_id'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  lastSeenAt: timestamptz('last_seen_at').notNull().defaultNow(),
  expiresAt: timestamptz('expires_at').notNull(),
  ip: text('ip'),
  userAgent: text('user_agent'),
});

export const auditChain = pgTable('audit_chain', {
  chain: text('chain').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
});

export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  chain: text('chain').notNull(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  orgId: uuid('org_id'),
  at: timestamptz('at').notNull(),
  actorKind: text('actor_kind', { enum: ['staff', 'tenant', 'system', 'anonymous'] }).notNull(),
  actorId: uuid('actor_id'),
  actorName: text('actor_name'),
  action: text('action').notNull(),
  entityType: text('entity_type'),
  entityId: text('entity_id'),
  before: jsonb('before'),
  after: jsonb('after'),
  ip: text('ip'),
  userAgent: text('user_agent'),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
});

// 0002_assets_tenants.sql

export const orgSequences = pgTable(
  'org_sequences',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    name: text('name').notNull(),
    value: bigint('value', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.orgId, table.name] })],
);

export const assets = pgTable('assets', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id')
    .notNull()
    .references(() => orgs.id),
  code: text('code').notNull(),
  name: text('name').notNull(),
  type: text('type', { enum: ASSET_TYPES }).notNull(),
  parentId: uuid('parent_id'),
  /** The top-level asset it sits under (itself at the top): kept by the triggers of migration 0015, never written. */
  projectId: uuid('project_id'),
  areaSqm: numeric('area_sqm', { precision: 12, scale: 2 }),
  address: text('address'),
  propertyCertificateNo: text('property_certificate_no'),
  bookValueFen: bigint('book_value_fen', { mode: 'number' }),
  acquisitionDate: date('acquisition_date', { mode: 'string' }),
  taxMethod: text('tax_method', { enum: TAX_METHODS }),
  status: text('status', { enum: ASSET_STATUSES }).notNull().default('vacant'),
  remarks: text('remarks'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

export const assetStatusHistory = pgTable('asset_status_history', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  orgId: uuid('org_id').notNull(),
  assetId: uuid('asset_id').notNull(),
  fromStatus: text('from_status', { enum: ASSET_STATUSES }),
  toStatus: text('to_status', { enum: ASSET_STATUSES }).notNull(),
  reason: text('reason'),
  contractId: uuid('contract_id'),
  actorId: uuid('actor_id'),
  actorName: text('actor_name'),
  changedAt: timestamptz('changed_at').notNull().defaultNow(),
});

export const assetAttachments = pgTable('asset_attachments', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id').notNull(),
  assetId: uuid('asset_id').notNull(),
  kind: text('kind', { enum: ['photo', 'document'] }).notNull(),
  fileName: text('file_name').notNull(),
  contentType: text('content_type').notNull(),
  sizeBytes: integer('size_bytes').notNull(),
  sha256: text('sha256').notNull(),
  storageKey: text('storage_key').notNull(),
  uploadedBy: uuid('uploaded_by'),
  uploadedByName: text('uploaded_by_name'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
});

export const tenants = pgTable('tenants', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id')
    .notNull()
    .references(() => orgs.id),
  code: text('code').notNull(),
  kind: text('kind', { enum: ['individual', 'enterprise'] }).notNull(),
  name: text('name').notNull(),
  idNumberEnc: text('id_number_enc'),
  idNumberIndex: text('id_number_index'),
  creditCode: text('credit_code'),
  legalRepresentative: text('legal_representative'),
  contactName: text('contact_name'),
  phoneEnc: text('phone_enc').notNull(),
  phoneIndex: text('phone_index').notNull(),
  contactPhoneEnc: text('contact_phone_enc'),
  contactPhoneIndex: text('contact_phone_index'),
  address: text('address'),
  bankName: text('bank_name'),
  bankAccountEnc: text('bank_account_enc'),
  remarks: text('remarks'),
  wechatOpenid: text('wechat_openid'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

// 0003_contracts.sql

/** A PostgreSQL daterange as its text, e.g. '[2026-01-15,2029-01-15)'. */
const daterange = customType<{ data: string }>({ dataType: () => 'daterange' });

export const contracts = pgTable('contracts', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id')
    .notNull()
    .references(() => orgs.id),
  number: text('number').notNull(),
  tenantId: uuid('tenant_id').notNull(),
  status: text('status', { enum: CONTRACT_STATUSES }).notNull().default('draft'),
  terms: jsonb('terms').$type<ContractTerms>().notNull(),
  startDate: date('start_date', { mode: 'string' }).notNull(),
  endDate: date('end_date', { mode: 'string' }).notNull(),
  monthlyRentFen: bigint('monthly_rent_fen', { mode: 'number' }).notNull(),
  annualRentFen: bigint('annual_rent_fen', { mode: 'number' }).notNull(),
  totalRentFen: bigint('total_rent_fen', { mode: 'number' }).notNull(),
  depositFen: bigint('deposit_fen', { mode: 'number' }).notNull().default(0),
  purpose: text('purpose'),
  tenderAnnouncementNo: text('tender_announcement_no'),
  dealConfirmationNo: text('deal_confirmation_no'),
  remarks: text('remarks'),
  approvalLevels: integer('approval_levels'),
  approvalRound: integer('approval_round').notNull().default(0),
  signDate: date('sign_date', { mode: 'string' }),
  activatedAt: timestamptz('activated_at'),
  terminationDate: date('termination_date', { mode: 'string' }),
  terminationReason: text('termination_reason'),
  finalSettlement: jsonb('final_settlement'),
  releasedAt: timestamptz('released_at'),
  plannedAt: timestamptz('planned_at'),
  renewedFromId: uuid('renewed_from_id'),
  createdBy: uuid('created_by'),
  createdByName: text('created_by_name'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

export const contractAssets = pgTable(
  'contract_assets',
  {
    contractId: uuid('contract_id').notNull(),
    assetId: uuid('asset_id').notNull(),
    orgId: uuid('org_id').notNull(),
    position: integer('position').notNull(),
    period: daterange('period').notNull(),
    active: boolean('active').notNull().default(false),
  },
  (table) => [primaryKey({ columns: [table.contractId, table.assetId] })],
);

export const contractApprovals = pgTable('contract_approvals', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  orgId: uuid('org_id').notNull(),
  contractId: uuid('contract_id').notNull(),
  round: integer('round').notNull(),
  level: integer('level').notNull(),
  decision: text('decision', { enum: ['approved', 'rejected'] }).notNull(),
  approverId: uuid('approver_id'),
  approverName: text('approver_name'),
  comment: text('comment'),
  decidedAt: timestamptz('decided_at').notNull().defaultNow(),
});

export const contractAttachments = pgTable('contract_attachments', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id').notNull(),
  contractId: uuid('contract_id').notNull(),
  fileName: text('file_name').notNull(),
  contentType: text('content_type').notNull(),
  sizeBytes: integer('size_bytes').notNull(),
  sha256: text('sha256').notNull(),
  storageKey: text('storage_key').notNull(),
  uploadedBy: uuid('uploaded_by'),
  uploadedByName: text('uploaded_by_name'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
});

export const contractTemplates = pgTable('contract_templates', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id')
    .notNull()
    .references(() => orgs.id),
  name: text('name').notNull(),
  fileName: text('file_name').notNull(),
  sizeBytes: integer('size_bytes').notNull(),
  sha256: text('sha256').notNull(),
  storageKey: text('storage_key').notNull(),
  placeholders: jsonb('placeholders').$type<string[]>().notNull(),
  active: boolean('active').notNull().default(false),
  uploadedBy: uuid('uploaded_by'),
  uploadedByName: text('uploaded_by_name'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
});

export const depositRefundRequests = pgTable('deposit_refund_requests', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id').notNull(),
  contractId: uuid('contract_id').notNull(),
  tenantId: uuid('tenant_id').notNull(),
  amountFen: bigint('amount_fen', { mode: 'number' }).notNull(),
  reason: text('reason', { enum: ['terminated', 'expired'] }).notNull(),
  status: text('status', { enum: ['pending', 'approved', 'rejected', 'refunded'] })
    .notNull()
    .default('pending'),
  requestedBy: uuid('requested_by'),
  requestedByName: text('requested_by_name'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  // 0010: the refund answering it, and when its status last changed.
  refundId: uuid('refund_id'),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

export const notifications = pgTable('notifications', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id')
    .notNull()
    .references(() => orgs.id),
  recipientRole: text('recipient_role').notNull(),
  channel: text('channel').notNull().default('in_app'),
  kind: text('kind').notNull(),
  entityType: text('entity_type'),
  entityId: text('entity_id'),
  title: text('title').notNull(),
  body: text('body').notNull(),
  dedupeKey: text('dedupe_key').notNull(),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
});

// 0004_billing_ledger.sql

const fen = (name: string) => bigint(name, { mode: 'number' });
const day = (name: string) => date(name, { mode: 'string' });

export const ledgerAccounts = pgTable('ledger_accounts', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id').notNull(),
  purpose: text('purpose').notNull(),
  code: text('code').notNull(),
  name: text('name').notNull(),
  normalSide: text('normal_side', { enum: ['debit', 'credit'] }).notNull(),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
});

export const JOURNAL_ENTRY_KINDS = [
  'bill_issued',
  'late_fee',
  'waiver',
  'payment',
  'settlement',
  'refund',
  'reversal',
  'adjustment',
] as const;

export const journalEntries = pgTable('journal_entries', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id').notNull(),
  entryNo: bigint('entry_no', { mode: 'number' }).generatedAlwaysAsIdentity(),
  entryDate: day('entry_date').notNull(),
  kind: text('kind', { enum: JOURNAL_ENTRY_KINDS }).notNull(),
  memo: text('memo').notNull(),
  sourceType: text('source_type'),
  sourceId: uuid('source_id'),
  reversesEntryId: uuid('reverses_entry_id'),
  createdBy: uuid('created_by'),
  createdByName: text('created_by_name'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
});

export const journalLines = pgTable('journal_lines', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  entryId: uuid('entry_id').notNull(),
  orgId: uuid('org_id').notNull(),
  accountId: uuid('account_id').notNull(),
  debitFen: fen('debit_fen').notNull().default(0),
  creditFen: fen('credit_fen').notNull().default(0),
  tenantId: uuid('tenant_id'),
  contractId: uuid('contract_id'),
  billId: uuid('bill_id'),
});

export const BILL_KINDS = ['rent', 'deposit', 'charge', 'final'] as const;
export const BILL_STATUSES = ['open', 'partial', 'paid', 'void'] as const;

export const billPlan = pgTable(
  'bill_plan',
  {
    orgId: uuid('org_id').notNull(),
    contractId: uuid('contract_id').notNull(),
    tenantId: uuid('tenant_id').notNull(),
    kind: text('kind', { enum: ['rent', 'deposit', 'final'] }).notNull(),
    periodIndex: integer('period_index').notNull(),
    periodStart: day('period_start').notNull(),
    periodEnd: day('period_end').notNull(),
    dueDate: day('due_date').notNull(),
    amountFen: fen('amount_fen').notNull(),
    netFen: fen('net_fen').notNull(),
    taxFen: fen('tax_fen').notNull(),
    cancelled: boolean('cancelled').notNull().default(false),
  },
  (table) => [primaryKey({ columns: [table.contractId, table.kind, table.periodIndex] })],
);

export const billingRuns = pgTable('billing_runs', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id').notNull(),
  throughDate: day('through_date').notNull(),
  trigger: text('trigger', { enum: ['manual', 'schedule'] }).notNull(),
  issued: integer('issued').notNull().default(0),
  skipped: integer('skipped').notNull().default(0),
  amountFen: fen('amount_fen').notNull().default(0),
  startedBy: uuid('started_by'),
  startedByName: text('started_by_name'),
  startedAt: timestamptz('started_at').notNull().defaultNow(),
  finishedAt: timestamptz('finished_at'),
});

export const bills = pgTable('bills', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id').notNull(),
  number: text('number').notNull(),
  contractId: uuid('contract_id').notNull(),
  tenantId: uuid('tenant_id').notNull(),
  kind: text('kind', { enum: BILL_KINDS }).notNull(),
  periodIndex: integer('period_index'),
  revision: integer('revision').notNull().default(0),
  periodStart: day('period_start'),
  periodEnd: day('period_end'),
  dueDate: day('due_date').notNull(),
  amountFen: fen('amount_fen').notNull(),
  netFen: fen('net_fen').notNull(),
  taxFen: fen('tax_fen').notNull(),
  taxRate: text('tax_rate').notNull().default('0'),
  lateFeeTerms: jsonb('late_fee_terms').$type<LateFeeTerms | null>(),
  lateFeeFen: fen('late_fee_fen').notNull().default(0),
  lateFeeWaivedFen: fen('late_fee_waived_fen').notNull().default(0),
  principalPaidFen: fen('principal_paid_fen').notNull().default(0),
  lateFeePaidFen: fen('late_fee_paid_fen').notNull().default(0),
  status: text('status', { enum: BILL_STATUSES }).notNull().default('open'),
  chargeItem: text('charge_item'),
  description: text('description'),
  billingRunId: uuid('billing_run_id'),
  replacesBillId: uuid('replaces_bill_id'),
  voidReason: text('void_reason'),
  voidedAt: timestamptz('voided_at'),
  voidedBy: uuid('voided_by'),
  voidedByName: text('voided_by_name'),
  settledOn: day('settled_on'),
  issuedBy: uuid('issued_by'),
  issuedByName: text('issued_by_name'),
  issuedAt: timestamptz('issued_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

export const BILL_LINE_KINDS = ['rent', 'deposit', 'charge', 'final', 'late_fee', 'late_fee_waiver'] as const;

export const billLines = pgTable('bill_lines', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  billId: uuid('bill_id').notNull(),
  orgId: uuid('org_id').notNull(),
  kind: text('kind', { enum: BILL_LINE_KINDS }).notNull(),
  description: text('description').notNull(),
  amountFen: fen('amount_fen').notNull(),
  netFen: fen('net_fen').notNull(),
  taxFen: fen('tax_fen').notNull(),
  asOf: day('as_of'),
  journalEntryId: uuid('journal_entry_id'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
});

export const PAYMENT_METHODS = ['bank_transfer', 'cash', 'pos', 'wechatpay', 'alipay', 'unionpay', 'deposit'] as const;

export const payments = pgTable('payments', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id').notNull(),
  number: text('number').notNull(),
  tenantId: uuid('tenant_id').notNull(),
  method: text('method', { enum: PAYMENT_METHODS }).notNull(),
  amountFen: fen('amount_fen').notNull(),
  advanceFen: fen('advance_fen').notNull().default(0),
  receivedOn: day('received_on').notNull(),
  reference: text('reference'),
  paymentOrderNo: text('payment_order_no'),
  remarks: text('remarks'),
  journalEntryId: uuid('journal_entry_id'),
  recordedBy: uuid('recorded_by'),
  recordedByName: text('recorded_by_name'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
});

export const paymentAllocations = pgTable('payment_allocations', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  orgId: uuid('org_id').notNull(),
  paymentId: uuid('payment_id').notNull(),
  billId: uuid('bill_id').notNull(),
  appliedOn: day('applied_on').notNull(),
  principalFen: fen('principal_fen').notNull(),
  lateFeeFen: fen('late_fee_fen').notNull(),
});

export const lateFeeWaivers = pgTable('late_fee_waivers', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id').notNull(),
  billId: uuid('bill_id').notNull(),
  amountFen: fen('amount_fen').notNull(),
  reason: text('reason').notNull(),
  status: text('status', { enum: ['pending', 'approved', 'rejected'] })
    .notNull()
    .default('pending'),
  requestedBy: uuid('requested_by'),
  requestedByName: text('requested_by_name'),
  requestedAt: timestamptz('requested_at').notNull().defaultNow(),
  decidedBy: uuid('decided_by'),
  decidedByName: text('decided_by_name'),
  decidedAt: timestamptz('decided_at'),
  decisionNote: text('decision_note'),
  journalEntryId: uuid('journal_entry_id'),
});

export const outboundMessages = pgTable('outbound_messages', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id').notNull(),
  channel: text('channel', { enum: ['sms', 'wechat'] }).notNull(),
  kind: text('kind').notNull(),
  tenantId: uuid('tenant_id'),
  billId: uuid('bill_id'),
  recipientEnc: text('recipient_enc').notNull(),
  recipientMasked: text('recipient_masked').notNull(),
  templateCode: text('template_code').notNull(),
  params: jsonb('params').$type<Record<string, string>>().notNull().default({}),
  body: text('body').notNull(),
  payLink: text('pay_link'),
  status: text('status', { enum: ['pending', 'sent', 'failed', 'dead'] })
    .notNull()
    .default('pending'),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: timestamptz('next_attempt_at').notNull().defaultNow(),
  provider: text('provider'),
  providerMessageId: text('provider_message_id'),
  lastError: text('last_error'),
  dedupeKey: text('dedupe_key').notNull(),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  sentAt: timestamptz('sent_at'),
});

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    statusCode: integer('status_code'),
    response: jsonb('response'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.scope, table.key] })],
);

// Online payment (0005_online_payment.sql).

export const PROVIDERS = ['wechatpay', 'alipay', 'unionpay'] as const;
export type Provider = (typeof PROVIDERS)[number];
export const PAY_CHANNELS = [
  'wechat_native',
  'wechat_h5',
  'wechat_jsapi',
  'alipay_qr',
  'alipay_wap',
  'alipay_page',
  'unionpay',
] as const;
export type PayChannel = (typeof PAY_CHANNELS)[number];
export const PAYMENT_ORDER_STATUSES = ['created', 'succeeded', 'closed', 'failed', 'refunding', 'refunded'] as const;
export type PaymentOrderStatus = (typeof PAYMENT_ORDER_STATUSES)[number];
export const ORDER_CLOSE_REASONS = ['expired', 'replaced', 'cancelled', 'bill_settled'] as const;
export const SUSPENSE_REASONS = [
  'unknown_order',
  'order_closed',
  'order_failed',
  'amount_mismatch',
  'order_paid_twice',
] as const;
export type SuspenseReason = (typeof SUSPENSE_REASONS)[number];

export const channelSettings = pgTable(
  'channel_settings',
  {
    orgId: uuid('org_id').notNull(),
    provider: text('provider', { enum: PROVIDERS }).notNull(),
    enabled: boolean('enabled').notNull().default(true),
    settings: jsonb('settings').$type<Record<string, string>>().notNull(),
    secretsEnc: text('secrets_enc').notNull(),
    notifyIdentity: text('notify_identity').notNull(),
    updatedBy: uuid('updated_by'),
    updatedByName: text('updated_by_name'),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.orgId, table.provider] })],
);

export const paymentOrders = pgTable('payment_orders', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id').notNull(),
  orderNo: text('order_no').notNull(),
  provider: text('provider', { enum: PROVIDERS }).notNull(),
  channel: text('channel', { enum: PAY_CHANNELS }).notNull(),
  tenantId: uuid('tenant_id').notNull(),
  amountFen: fen('amount_fen').notNull(),
  pricedOn: day('priced_on').notNull(),
  status: text('status', { enum: PAYMENT_ORDER_STATUSES }).notNull().default('created'),
  description: text('description').notNull(),
  merchantId: text('merchant_id').notNull(),
  appId: text('app_id'),
  payAction: jsonb('pay_action').$type<Record<string, unknown>>(),
  createdVia: text('created_via', { enum: ['portal', 'pay_link'] }).notNull(),
  clientIp: text('client_ip'),
  expiresAt: timestamptz('expires_at').notNull(),
  transactionId: text('transaction_id'),
  paidAt: timestamptz('paid_at'),
  paymentId: uuid('payment_id'),
  closedAt: timestamptz('closed_at'),
  closeReason: text('close_reason', { enum: ORDER_CLOSE_REASONS }),
  failureReason: text('failure_reason'),
  lastQueriedAt: timestamptz('last_queried_at'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

export const paymentOrderBills = pgTable(
  'payment_order_bills',
  {
    orderId: uuid('order_id').notNull(),
    orgId: uuid('org_id').notNull(),
    billId: uuid('bill_id').notNull(),
    amountFen: fen('amount_fen').notNull(),
    open: boolean('open').notNull().default(true),
  },
  (table) => [primaryKey({ columns: [table.orderId, table.billId] })],
);

export const suspenseItems = pgTable('suspense_items', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id').notNull(),
  number: text('number').notNull(),
  provider: text('provider', { enum: PROVIDERS }).notNull(),
  transactionId: text('transaction_id').notNull(),
  orderNo: text('order_no'),
  paymentOrderId: uuid('payment_order_id'),
  amountFen: fen('amount_fen').notNull(),
  reason: text('reason', { enum: SUSPENSE_REASONS }).notNull(),
  detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
  receivedOn: day('received_on').notNull(),
  paidAt: timestamptz('paid_at'),
  journalEntryId: uuid('journal_entry_id').notNull(),
  // 0010: refunding while a refund of it to the payer is under way.
  status: text('status', { enum: ['open', 'refunding', 'resolved'] })
    .notNull()
    .default('open'),
  resolution: text('resolution', { enum: ['applied', 'refunded', 'written_off'] }),
  resolvedPaymentId: uuid('resolved_payment_id'),
  resolutionNote: text('resolution_note'),
  resolvedBy: uuid('resolved_by'),
  resolvedByName: text('resolved_by_name'),
  resolvedAt: timestamptz('resolved_at'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  refundId: uuid('refund_id'),
});

export const receipts = pgTable('receipts', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id').notNull(),
  year: integer('year').notNull(),
  sequence: integer('sequence').notNull(),
  number: text('number').notNull(),
  paymentId: uuid('payment_id').notNull(),
  tenantId: uuid('tenant_id').notNull(),
  amountFen: fen('amount_fen').notNull(),
  issuedOn: day('issued_on').notNull(),
  verifyCode: text('verify_code').notNull(),
  status: text('status', { enum: ['valid', 'void'] })
    .notNull()
    .default('valid'),
  voidReason: text('void_reason'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
});

export const REFUND_KINDS = ['overpayment', 'deposit', 'suspense'] as const;
export const REFUND_METHODS = ['original_channel', 'offline'] as const;
export const REFUND_STATUSES = ['requested', 'approved', 'rejected', 'paying', 'refunded', 'failed'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];
/** One deduction from a deposit: a repair, or unpaid rent applied to the named bill. */
export interface RefundDeduction {
  item: string;
  amountFen: number;
  billId?: string | null;
}

export const refunds = pgTable('refunds', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id').notNull(),
  refundNo: text('refund_no').notNull(),
  // Null only for a suspense item whose payer is not a known tenant.
  tenantId: uuid('tenant_id'),
  kind: text('kind', { enum: REFUND_KINDS }).notNull(),
  paymentId: uuid('payment_id'),
  paymentOrderId: uuid('payment_order_id'),
  provider: text('provider', { enum: PROVIDERS }),
  depositBillId: uuid('deposit_bill_id'),
  contractId: uuid('contract_id'),
  depositPaidFen: fen('deposit_paid_fen'),
  deductions: jsonb('deductions').$type<RefundDeduction[]>().notNull().default([]),
  amountFen: fen('amount_fen').notNull(),
  reason: text('reason').notNull(),
  method: text('method', { enum: REFUND_METHODS }).notNull(),
  status: text('status', { enum: REFUND_STATUSES }).notNull().default('requested'),
  requestedBy: uuid('requested_by'),
  requestedByName: text('requested_by_name'),
  requestedAt: timestamptz('requested_at').notNull().defaultNow(),
  decidedBy: uuid('decided_by'),
  decidedByName: text('decided_by_name'),
  decidedAt: timestamptz('decided_at'),
  decisionNote: text('decision_note'),
  channelRefundId: text('channel_refund_id'),
  failureReason: text('failure_reason'),
  paidBy: uuid('paid_by'),
  paidByName: text('paid_by_name'),
  paidReference: text('paid_reference'),
  refundedAt: timestamptz('refunded_at'),
  deductionEntryId: uuid('deduction_entry_id'),
  journalEntryId: uuid('journal_entry_id'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  // 0010
  depositRefundRequestId: uuid('deposit_refund_request_id'),
  suspenseItemId: uuid('suspense_item_id'),
});

export const portalLoginCodes = pgTable('portal_login_codes', {
  id: uuid('id').primaryKey().defaultRandom(),
  phoneIndex: text('phone_index').notNull(),
  codeHash: text('code_hash').notNull(),
  attempts: integer('attempts').notNull().default(0),
  expiresAt: timestamptz('expires_at').notNull(),
  consumedAt: timestamptz('consumed_at'),
  ip: text('ip'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
});

export const RECONCILIATION_LINE_OUTCOMES = [
  'matched',
  'repaired',
  'amount_differs',
  'missing_here',
  'settled_before',
  'refund',
  'refund_matched',
  'refund_differs',
  'refund_missing_here',
] as const;
export const RECONCILIATION_DIFFERENCE_KINDS = [
  'amount_differs',
  'missing_here',
  'missing_in_channel',
  'refund_differs',
  'refund_missing_here',
  'refund_missing_in_channel',
] as const;
export type ReconciliationDifferenceKind = (typeof RECONCILIATION_DIFFERENCE_KINDS)[number];
export const RECONCILIATION_DIFFERENCE_STATUSES = ['open', 'awaiting_approval', 'resolved'] as const;
export type ReconciliationDifferenceStatus = (typeof RECONCILIATION_DIFFERENCE_STATUSES)[number];
export const RECONCILIATION_ACTIONS = ['acknowledge', 'settle'] as const;
export type ReconciliationAction = (typeof RECONCILIATION_ACTIONS)[number];

export const reconciliationRuns = pgTable('reconciliation_runs', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id').notNull(),
  provider: text('provider', { enum: PROVIDERS }).notNull(),
  statementDate: day('statement_date').notNull(),
  fileFormat: text('file_format', { enum: ['wechat_csv', 'alipay_zip', 'unionpay_text'] }).notNull(),
  fileHash: text('file_hash').notNull(),
  status: text('status', { enum: ['staged', 'completed'] })
    .notNull()
    .default('staged'),
  lineCount: integer('line_count').notNull().default(0),
  paymentCount: integer('payment_count').notNull().default(0),
  refundCount: integer('refund_count').notNull().default(0),
  matchedCount: integer('matched_count').notNull().default(0),
  repairedCount: integer('repaired_count').notNull().default(0),
  differenceCount: integer('difference_count').notNull().default(0),
  channelPaidFen: fen('channel_paid_fen').notNull().default(0),
  channelRefundFen: fen('channel_refund_fen').notNull().default(0),
  channelFeeFen: fen('channel_fee_fen').notNull().default(0),
  settledGrossFen: fen('settled_gross_fen').notNull().default(0),
  settledFeeFen: fen('settled_fee_fen').notNull().default(0),
  refundMatchedCount: integer('refund_matched_count').notNull().default(0),
  settledRefundFen: fen('settled_refund_fen').notNull().default(0),
  settlementEntryId: uuid('settlement_entry_id'),
  createdBy: uuid('created_by'),
  createdByName: text('created_by_name'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  completedAt: timestamptz('completed_at'),
});

export const reconciliationLines = pgTable(
  'reconciliation_lines',
  {
    runId: uuid('run_id').notNull(),
    lineNo: integer('line_no').notNull(),
    orgId: uuid('org_id').notNull(),
    provider: text('provider', { enum: PROVIDERS }).notNull(),
    kind: text('kind', { enum: ['payment', 'refund'] }).notNull(),
    transactionId: text('transaction_id').notNull(),
    orderNo: text('order_no').notNull(),
    refundNo: text('refund_no'),
    originalTransactionId: text('original_transaction_id'),
    amountFen: fen('amount_fen').notNull(),
    feeFen: fen('fee_fen').notNull(),
    occurredAt: timestamptz('occurred_at').notNull(),
    outcome: text('outcome', { enum: RECONCILIATION_LINE_OUTCOMES }),
    paymentOrderId: uuid('payment_order_id'),
    refundId: uuid('refund_id'),
  },
  (table) => [primaryKey({ columns: [table.runId, table.lineNo] })],
);

export const reconciliationDifferences = pgTable('reconciliation_differences', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id').notNull(),
  runId: uuid('run_id').notNull(),
  provider: text('provider', { enum: PROVIDERS }).notNull(),
  kind: text('kind', { enum: RECONCILIATION_DIFFERENCE_KINDS }).notNull(),
  lineNo: integer('line_no'),
  orderNo: text('order_no'),
  transactionId: text('transaction_id'),
  paymentOrderId: uuid('payment_order_id'),
  channelAmountFen: fen('channel_amount_fen'),
  ourAmountFen: fen('our_amount_fen'),
  status: text('status', { enum: RECONCILIATION_DIFFERENCE_STATUSES }).notNull().default('open'),
  resolutionNote: text('resolution_note'),
  resolvedBy: uuid('resolved_by'),
  resolvedByName: text('resolved_by_name'),
  resolvedAt: timestamptz('resolved_at'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  // 0008: refunds, and how a person (or a later run) resolved it.
  refundNo: text('refund_no'),
  refundId: uuid('refund_id'),
  channelFeeFen: fen('channel_fee_fen'),
  action: text('action', { enum: RECONCILIATION_ACTIONS }),
  proposedBy: uuid('proposed_by'),
  proposedByName: text('proposed_by_name'),
  proposedAt: timestamptz('proposed_at'),
  decidedBy: uuid('decided_by'),
  decidedByName: text('decided_by_name'),
  decidedAt: timestamptz('decided_at'),
  decisionNote: text('decision_note'),
  suspenseItemId: uuid('suspense_item_id'),
  journalEntryId: uuid('journal_entry_id'),
  autoResolvedByRunId: uuid('auto_resolved_by_run_id'),
});

// 银行流水导入与勾对 (migration 0009).
export const BANK_STATEMENT_LINE_STATUSES = ['unmatched', 'confirmed', 'ignored'] as const;
export const BANK_STATEMENT_MATCH_KINDS = ['link_payment', 'link_settlement', 'recorded'] as const;
export interface BankStatementColumns {
  date: string;
  credit?: string | null;
  debit?: string | null;
  amount?: string | null;
  direction?: string | null;
  creditMarks?: string[] | null;
  payerName?: string | null;
  payerAccount?: string | null;
  reference?: string | null;
  serial?: string | null;
}

export const bankStatementMappings = pgTable('bank_statement_mappings', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id')
    .notNull()
    .references(() => orgs.id),
  name: text('name').notNull(),
  accountLabel: text('account_label').notNull(),
  accountNoEnc: text('account_no_enc'),
  accountNoMasked: text('account_no_masked'),
  headerRow: integer('header_row').notNull().default(1),
  columns: jsonb('columns').$type<BankStatementColumns>().notNull(),
  dateFormat: text('date_format').notNull(),
  encoding: text('encoding', { enum: ['utf8', 'gbk'] })
    .notNull()
    .default('utf8'),
  createdBy: uuid('created_by'),
  createdByName: text('created_by_name'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

export const bankStatementImports = pgTable('bank_statement_imports', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id').notNull(),
  mappingId: uuid('mapping_id').notNull(),
  fileName: text('file_name').notNull(),
  fileFormat: text('file_format', { enum: ['csv', 'xlsx'] }).notNull(),
  fileHash: text('file_hash').notNull(),
  lineCount: integer('line_count').notNull(),
  newLineCount: integer('new_line_count').notNull(),
  creditFen: fen('credit_fen').notNull(),
  debitFen: fen('debit_fen').notNull(),
  firstDate: day('first_date'),
  lastDate: day('last_date'),
  importedBy: uuid('imported_by'),
  importedByName: text('imported_by_name'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
});

export const bankStatementLines = pgTable('bank_statement_lines', {
  id: uuid('id').primaryKey().defaultRandom(),
  orgId: uuid('org_id').notNull(),
  mappingId: uuid('mapping_id').notNull(),
  importId: uuid('import_id').notNull(),
  lineNo: integer('line_no').notNull(),
  valueDate: day('value_date').notNull(),
  direction: text('direction', { enum: ['credit', 'debit'] }).notNull(),
  amountFen: fen('amount_fen').notNull(),
  payerName: text('payer_name'),
  payerAccountEnc: text('payer_account_enc'),
  payerAccountMasked: text('payer_account_masked'),
  reference: text('reference'),
  bankSerial: text('bank_serial'),
  status: text('status', { enum: BANK_STATEMENT_LINE_STATUSES }).notNull().default('unmatched'),
  matchKind: text('match_kind', { enum: BANK_STATEMENT_MATCH_KINDS }),
  paymentId: uuid('payment_id'),
  reconciliationRunId: uuid('reconciliation_run_id'),
  decidedBy: uuid('decided_by'),
  decidedByName: text('decided_by_name'),
  decidedAt: timestamptz('decided_at'),
  note: text('note'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
});

// Accounting vouchers (#8): our ledger account → the subject in the org's accounting software (用友/金蝶).
export const voucherAccountMappings = pgTable('voucher_account_mappings', {
  orgId: uuid('org_id').notNull(),
  accountId: uuid('account_id').notNull(),
  externalCode: text('external_code').notNull(),
  externalName: text('external_name').notNull(),
  updatedBy: uuid('updated_by'),
  updatedByName: text('updated_by_name'),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});
