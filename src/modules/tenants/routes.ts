import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { PiiCipher } from '../../crypto/pii.ts';
import type { Orm } from '../../db/client.ts';
import { MAX_IMPORT_BYTES } from '../../domain/file-type.ts';
import { chinaTimestamp } from '../../excel/sheets.ts';
import { staffActor, staffOf } from '../../http/access.ts';
import { sendDownload, uploadedFile, XLSX_TYPE } from '../../http/files.ts';
import { answerImport, ImportQuery, ImportReport } from '../../http/imports.ts';
import { AppError } from '../../http/problem.ts';
import { errorResponses, IdParams, Page } from '../../http/schemas.ts';
import {
  CreateTenantBody,
  RevealBody,
  RevealedSchema,
  TenantExportQuery,
  TenantImportPreview,
  TenantListQuery,
  TenantSchema,
  UpdateTenantBody,
} from './schema.ts';
import { type TenantsContext, tenantsService } from './service.ts';

export const tenantsRoutes: FastifyPluginAsyncTypebox<{ db: Orm; pii: PiiCipher }> = async (app, { db, pii }) => {
  const tags = ['承租方'];
  const ctx: TenantsContext = { db, pii };
  await app.register(multipart, { limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 5, parts: 6 } });

  app.get(
    '/tenants',
    {
      config: { access: 'tenant:read' },
      schema: {
        tags,
        summary: '承租方列表（身份证号、电话脱敏）；可按完整手机号或身份证号精确查找',
        querystring: TenantListQuery,
        response: { 200: Page(TenantSchema) },
      },
    },
    async (request) => {
      const { page, pageSize, ...search } = request.query;
      const { items, total } = await tenantsService.list(
        ctx,
        { ...search, orgId: staffOf(request).orgId },
        page,
        pageSize,
      );
      return { items, total, page, pageSize };
    },
  );

  app.post(
    '/tenants',
    {
      config: { access: 'tenant:write' },
      schema: {
        tags,
        summary: '登记承租方（身份证号、统一社会信用代码校验；同一证件号不能重复登记）',
        body: CreateTenantBody,
        response: { 201: TenantSchema, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await tenantsService.create(ctx, staffActor(request), request.body)),
  );

  app.get(
    '/tenants/import-template',
    { config: { access: 'tenant:read' }, schema: { tags, summary: '下载承租方导入模板（.xlsx）' } },
    async (_request, reply) =>
      sendDownload(reply, {
        fileName: '承租方导入模板.xlsx',
        contentType: XLSX_TYPE,
        body: await tenantsService.importTemplate(),
      }),
  );

  app.post(
    '/tenants/import',
    {
      config: { access: 'tenant:write' },
      schema: {
        tags,
        summary: '从 Excel 导入承租方：dryRun=true 只预览；否则全部写入或一行也不写',
        description:
          'multipart/form-data，字段 file 为 .xlsx（≤ 10 MB）。有错误时返回 422，errors 中每项含 row、column、message。',
        consumes: ['multipart/form-data'],
        querystring: ImportQuery,
        response: { 200: ImportReport(TenantImportPreview), 201: ImportReport(TenantImportPreview), ...errorResponses },
      },
    },
    async (request, reply) => {
      const file = await uploadedFile(request, MAX_IMPORT_BYTES);
      const outcome = await tenantsService.importSheet(ctx, staffActor(request), file, request.query.dryRun);
      return answerImport(request, reply, outcome, request.query.dryRun);
    },
  );

  app.get(
    '/tenants/export',
    {
      config: { access: 'tenant:read' },
      schema: {
        tags,
        summary: '按当前筛选导出承租方（.xlsx）；个人信息脱敏，reveal=true 且有 pii:reveal 权限时为明文并记入审计',
        querystring: TenantExportQuery,
      },
    },
    async (request, reply) => {
      const { reveal, ...search } = request.query;
      const staff = staffOf(request);
      if (reveal && !staff.permissions.includes('pii:reveal')) {
        throw new AppError(403, 'forbidden', { permission: 'pii:reveal' });
      }
      const body = await tenantsService.exportWorkbook(
        ctx,
        staffActor(request),
        { ...search, orgId: staff.orgId },
        reveal,
      );
      return sendDownload(reply, { fileName: `承租方_${chinaTimestamp()}.xlsx`, contentType: XLSX_TYPE, body });
    },
  );

  app.get(
    '/tenants/:id',
    {
      config: { access: 'tenant:read' },
      schema: {
        tags,
        summary: '承租方详情（个人信息脱敏）',
        params: IdParams,
        response: { 200: TenantSchema, ...errorResponses },
      },
    },
    async (request) => tenantsService.get(ctx, staffOf(request).orgId, request.params.id),
  );

  app.patch(
    '/tenants/:id',
    {
      config: { access: 'tenant:write' },
      schema: {
        tags,
        summary: '修改承租方（类型不能改）',
        params: IdParams,
        body: UpdateTenantBody,
        response: { 200: TenantSchema, ...errorResponses },
      },
    },
    async (request) => tenantsService.update(ctx, staffActor(request), request.params.id, request.body),
  );

  app.post(
    '/tenants/:id/reveal',
    {
      config: { access: 'pii:reveal' },
      schema: {
        tags,
        summary: '查看承租方的明文身份证号、电话和银行账号（记入审计日志）',
        params: IdParams,
        body: RevealBody,
        response: { 200: RevealedSchema, ...errorResponses },
      },
      // The body (a reason) is optional: a bare POST is a reveal without one.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => tenantsService.reveal(ctx, staffActor(request), request.params.id, request.body.reason),
  );
};
