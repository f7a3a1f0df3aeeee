import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Orm } from '../../db/client.ts';
import { staffActor, staffOf } from '../../http/access.ts';
import { registerEntityNames } from '../../http/messages.ts';
import { errorResponses, IdParams, Page } from '../../http/schemas.ts';
import {
  AccountLinesQuery,
  AccountLinesSchema,
  AccountSchema,
  EntryDetailSchema,
  EntryListQuery,
  EntrySchema,
  ReceivablesQuery,
  ReceivablesSchema,
  TrialBalanceQuery,
  TrialBalanceSchema,
  UpdateAccountBody,
} from './schema.ts';
import { ledgerService } from './service.ts';

registerEntityNames({
  ledger_account: { zh: '会计科目', en: 'Ledger account' },
  journal_entry: { zh: '记账凭证', en: 'Journal entry' },
});

export const ledgerRoutes: FastifyPluginAsyncTypebox<{ db: Orm }> = async (app, { db }) => {
  const tags = ['总账'];

  app.get(
    '/ledger/trial-balance',
    {
      config: { access: 'ledger:read' },
      schema: {
        tags,
        summary: '试算平衡表（期初余额、本期借贷发生额、期末余额，按科目方向）',
        querystring: TrialBalanceQuery,
        response: { 200: TrialBalanceSchema, ...errorResponses },
      },
    },
    async (request) => ledgerService.trialBalance(db, staffOf(request).orgId, request.query),
  );

  app.get(
    '/ledger/accounts',
    {
      config: { access: 'ledger:read' },
      schema: { tags, summary: '会计科目表', response: { 200: Type.Array(AccountSchema), ...errorResponses } },
    },
    async (request) => ledgerService.accounts(db, staffOf(request).orgId),
  );

  app.patch(
    '/ledger/accounts/:id',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags,
        summary: '修改科目编号或名称（用途不变；编号在本公司内唯一，重复返回 409）',
        params: IdParams,
        body: UpdateAccountBody,
        response: { 200: AccountSchema, ...errorResponses },
      },
    },
    async (request) => ledgerService.updateAccount(db, staffActor(request), request.params.id, request.body),
  );

  app.get(
    '/ledger/accounts/:id/lines',
    {
      config: { access: 'ledger:read' },
      schema: {
        tags,
        summary: '明细账：科目的分录行与逐行余额（含 from 之前的期初余额；可按承租方、合同筛选）',
        params: IdParams,
        querystring: AccountLinesQuery,
        response: { 200: AccountLinesSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      return ledgerService.accountLines(db, staffOf(request).orgId, request.params.id, filter, page, pageSize);
    },
  );

  app.get(
    '/ledger/receivables',
    {
      config: { access: 'ledger:read' },
      schema: {
        tags,
        summary: '应收账款明细余额（按承租方或合同；默认只列余额不为零的）',
        querystring: ReceivablesQuery,
        response: { 200: ReceivablesSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { page, pageSize, ...options } = request.query;
      return ledgerService.receivables(db, staffOf(request).orgId, options, page, pageSize);
    },
  );

  app.get(
    '/ledger/entries',
    {
      config: { access: 'ledger:read' },
      schema: {
        tags,
        summary: '记账凭证列表（按日期、类型、来源、账单筛选；新的在前）',
        querystring: EntryListQuery,
        response: { 200: Page(EntrySchema), ...errorResponses },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      const { items, total } = await ledgerService.entries(db, staffOf(request).orgId, filter, page, pageSize);
      return { items, total, page, pageSize };
    },
  );

  app.get(
    '/ledger/entries/:id',
    {
      config: { access: 'ledger:read' },
      schema: {
        tags,
        summary: '记账凭证详情（分录行带科目编号与名称、承租方、合同、账单）',
        params: IdParams,
        response: { 200: EntryDetailSchema, ...errorResponses },
      },
    },
    async (request) => ledgerService.entry(db, staffOf(request).orgId, request.params.id),
  );
};
