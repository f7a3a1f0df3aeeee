import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Orm } from '../../db/client.ts';
import { MAX_ATTACHMENT_BYTES, MAX_IMPORT_BYTES } from '../../domain/file-type.ts';
import { chinaTimestamp } from '../../excel/sheets.ts';
import { staffActor, staffOf } from '../../http/access.ts';
import { sendDownload, uploadedFile, XLSX_TYPE } from '../../http/files.ts';
import { answerImport, ImportQuery, ImportReport } from '../../http/imports.ts';
import { errorResponses, IdParams, Page, PageQuery } from '../../http/schemas.ts';
import type { FileStore } from '../../storage/file-store.ts';
import {
  AssetExportQuery,
  AssetImportPreview,
  AssetListQuery,
  AssetNodeSchema,
  AssetSchema,
  AttachmentParams,
  AttachmentSchema,
  CreateAssetBody,
  StatusChangeSchema,
  UpdateAssetBody,
} from './schema.ts';
import { assetsService, assetView, attachmentView, statusChangeView } from './service.ts';

const uploadLimits = { fileSize: Math.max(MAX_ATTACHMENT_BYTES, MAX_IMPORT_BYTES), files: 1, fields: 5, parts: 6 };

export const assetsRoutes: FastifyPluginAsyncTypebox<{ db: Orm; files: FileStore }> = async (app, { db, files }) => {
  const tags = ['资产台账'];
  await app.register(multipart, { limits: uploadLimits });

  app.get(
    '/assets',
    {
      config: { access: 'asset:read' },
      schema: {
        tags,
        summary: '资产列表（分页、筛选）',
        querystring: AssetListQuery,
        response: { 200: Page(AssetSchema) },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      const { items, total } = await assetsService.list(
        db,
        { ...filter, orgId: staffOf(request).orgId },
        page,
        pageSize,
      );
      return { items: items.map(assetView), total, page, pageSize };
    },
  );

  app.post(
    '/assets',
    {
      config: { access: 'asset:write' },
      schema: { tags, summary: '登记资产', body: CreateAssetBody, response: { 201: AssetSchema, ...errorResponses } },
    },
    async (request, reply) => {
      const actor = staffActor(request);
      const row = await assetsService.create(db, actor, request.body);
      return reply.status(201).send(assetView(await assetsService.get(db, actor.orgId, row.id)));
    },
  );

  app.get(
    '/assets/import-template',
    { config: { access: 'asset:read' }, schema: { tags, summary: '下载资产导入模板（.xlsx）' } },
    async (_request, reply) =>
      sendDownload(reply, {
        fileName: '资产导入模板.xlsx',
        contentType: XLSX_TYPE,
        body: await assetsService.importTemplate(),
      }),
  );

  app.post(
    '/assets/import',
    {
      config: { access: 'asset:write' },
      schema: {
        tags,
        summary: '从 Excel 导入资产：dryRun=true 只预览；否则全部写入或一行也不写',
        description:
          'multipart/form-data，字段 file 为 .xlsx（≤ 10 MB）。有错误时返回 422，errors 中每项含 row、column、message。',
        consumes: ['multipart/form-data'],
        querystring: ImportQuery,
        response: { 200: ImportReport(AssetImportPreview), 201: ImportReport(AssetImportPreview), ...errorResponses },
      },
    },
    async (request, reply) => {
      const file = await uploadedFile(request, MAX_IMPORT_BYTES);
      const outcome = await assetsService.importSheet(db, staffActor(request), file, request.query.dryRun);
      return answerImport(request, reply, outcome, request.query.dryRun);
    },
  );

  app.get(
    '/assets/export',
    {
      config: { access: 'asset:read' },
      schema: { tags, summary: '按当前筛选导出资产台账（.xlsx）', querystring: AssetExportQuery },
    },
    async (request, reply) =>
      sendDownload(reply, {
        fileName: `资产台账_${chinaTimestamp()}.xlsx`,
        contentType: XLSX_TYPE,
        body: await assetsService.exportWorkbook(db, { ...request.query, orgId: staffOf(request).orgId }),
      }),
  );

  app.get(
    '/assets/:id',
    {
      config: { access: 'asset:read' },
      schema: { tags, summary: '资产详情', params: IdParams, response: { 200: AssetSchema, ...errorResponses } },
    },
    async (request) => assetView(await assetsService.get(db, staffOf(request).orgId, request.params.id)),
  );

  app.patch(
    '/assets/:id',
    {
      config: { access: 'asset:write' },
      schema: {
        tags,
        summary: '修改资产（含上级、状态；“已出租”只能由合同设置）',
        params: IdParams,
        body: UpdateAssetBody,
        response: { 200: AssetSchema, 422: Type.Ref('Problem'), ...errorResponses },
      },
    },
    async (request) => {
      const actor = staffActor(request);
      await assetsService.update(db, actor, request.params.id, request.body);
      return assetView(await assetsService.get(db, actor.orgId, request.params.id));
    },
  );

  app.get(
    '/assets/:id/tree',
    {
      config: { access: 'asset:read' },
      schema: {
        tags,
        summary: '资产及其全部下级（树形，如一个项目的楼栋、楼层、房间）',
        params: IdParams,
        response: { 200: AssetNodeSchema, ...errorResponses },
      },
    },
    async (request) => assetsService.tree(db, staffOf(request).orgId, request.params.id),
  );

  app.get(
    '/assets/:id/status-history',
    {
      config: { access: 'asset:read' },
      schema: {
        tags,
        summary: '资产状态变更历史（新的在前）',
        params: IdParams,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: Page(StatusChangeSchema), ...errorResponses },
      },
    },
    async (request) => {
      const { page, pageSize } = request.query;
      const { items, total } = await assetsService.statusHistory(
        db,
        staffOf(request).orgId,
        request.params.id,
        page,
        pageSize,
      );
      return { items: items.map(statusChangeView), total, page, pageSize };
    },
  );

  app.get(
    '/assets/:id/attachments',
    {
      config: { access: 'asset:read' },
      schema: {
        tags,
        summary: '资产的照片和文件',
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(AttachmentSchema) }), ...errorResponses },
      },
    },
    async (request) => ({
      items: (await assetsService.attachments(db, staffOf(request).orgId, request.params.id)).map(attachmentView),
    }),
  );

  app.post(
    '/assets/:id/attachments',
    {
      config: { access: 'asset:write' },
      schema: {
        tags,
        summary: '上传照片（JPG、PNG、WebP）或文件（PDF、Word .docx），≤ 10 MB',
        description: 'multipart/form-data，字段 file。类型按文件内容判断，不看扩展名。',
        consumes: ['multipart/form-data'],
        params: IdParams,
        response: { 201: AttachmentSchema, 413: Type.Ref('Problem'), 415: Type.Ref('Problem'), ...errorResponses },
      },
    },
    async (request, reply) => {
      const file = await uploadedFile(request, MAX_ATTACHMENT_BYTES);
      const row = await assetsService.addAttachment(db, files, staffActor(request), request.params.id, file);
      return reply.status(201).send(attachmentView(row));
    },
  );

  app.get(
    '/assets/:id/attachments/:attachmentId',
    {
      config: { access: 'asset:read' },
      schema: { tags, summary: '下载附件（图片和 PDF 可直接在浏览器中查看）', params: AttachmentParams },
    },
    async (request, reply) => {
      const { attachment, content } = await assetsService.readAttachment(
        db,
        files,
        staffOf(request).orgId,
        request.params.id,
        request.params.attachmentId,
      );
      return sendDownload(reply, {
        fileName: attachment.fileName,
        contentType: attachment.contentType,
        body: content,
        disposition:
          attachment.kind === 'photo' || attachment.contentType === 'application/pdf' ? 'inline' : 'attachment',
      });
    },
  );

  app.delete(
    '/assets/:id/attachments/:attachmentId',
    {
      config: { access: 'asset:write' },
      schema: {
        tags,
        summary: '删除附件',
        params: AttachmentParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await assetsService.removeAttachment(
        db,
        files,
        staffActor(request),
        request.params.id,
        request.params.attachmentId,
      );
      return reply.status(204).send(null);
    },
  );
};
