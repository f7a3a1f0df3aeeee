import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { PiiCipher } from '../../crypto/pii.ts';
import type { Orm } from '../../db/client.ts';
import { RuleViolations } from '../../domain/field-rules.ts';
import { MAX_ATTACHMENT_BYTES } from '../../domain/file-type.ts';
import { staffActor, staffOf } from '../../http/access.ts';
import { sendDownload, uploadedFile } from '../../http/files.ts';
import { registerEntityNames } from '../../http/messages.ts';
import { errorResponses, IdParams, Page } from '../../http/schemas.ts';
import type { FileStore } from '../../storage/file-store.ts';
import { defaultLeaseTemplate } from './default-template.ts';
import { DOCUMENT_FIELDS, DOCUMENT_LOOPS } from './document.ts';
import { termsViolationsError } from './schedule.routes.ts';
import {
  ActivateBody,
  AttachmentParams,
  CommentBody,
  ContractAttachmentSchema,
  ContractDetailSchema,
  ContractListQuery,
  ContractSchema,
  ContractSettingsSchema,
  CreateContractBody,
  ExpiringQuery,
  ExpiringSchema,
  PlaceholdersSchema,
  RejectBody,
  TemplateSchema,
  TerminateBody,
  UpdateContractBody,
  UpdateContractSettingsBody,
} from './schema.ts';
import { attachmentView, type ContractsContext, contractsService, DOCX_TYPE, templateView } from './service.ts';

registerEntityNames({
  contract: { zh: '合同', en: 'Contract' },
  contract_attachment: { zh: '合同附件', en: 'Contract attachment' },
  contract_template: { zh: '合同模板', en: 'Contract template' },
});

const withProblems = { ...errorResponses, 422: Type.Ref('Problem') };

/** Runs a use case, turning the contract terms' rule violations into a 422 naming each `terms/…` field. */
async function checkedTerms<T>(request: FastifyRequest, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RuleViolations) throw termsViolationsError(error, request, 'terms/');
    throw error;
  }
}

export const contractsRoutes: FastifyPluginAsyncTypebox<{ db: Orm; pii: PiiCipher; files: FileStore }> = async (
  app,
  { db, pii, files },
) => {
  const tags = ['合同'];
  const ctx: ContractsContext = { db, pii, files };
  await app.register(multipart, { limits: { fileSize: MAX_ATTACHMENT_BYTES, files: 1, fields: 5, parts: 6 } });

  /** The detail of a contract, answered after every step of the workflow. */
  const detail = (request: FastifyRequest, id: string) => contractsService.get(db, staffOf(request).orgId, id);

  app.get(
    '/contracts',
    {
      config: { access: 'contract:read' },
      schema: {
        tags,
        summary: '合同列表（按状态、承租方、资产、到期天数、关键字筛选）',
        querystring: ContractListQuery,
        response: { 200: Page(ContractSchema) },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      const { items, total } = await contractsService.list(
        db,
        { ...filter, orgId: staffOf(request).orgId },
        page,
        pageSize,
      );
      return { items, total, page, pageSize };
    },
  );

  app.post(
    '/contracts',
    {
      config: { access: 'contract:write' },
      schema: {
        tags,
        summary: '新建合同草稿',
        description:
          '承租方与资产须属本公司，资产须为房间/铺位、车位、土地、仓库或厂房；条款按租金计划规则和公司租期上限校验；' +
          '与已签订合同的租期重叠时返回 409 并指出冲突的合同编号。',
        body: CreateContractBody,
        response: { 201: ContractDetailSchema, ...withProblems },
      },
    },
    async (request, reply) => {
      const row = await checkedTerms(request, () => contractsService.create(ctx, staffActor(request), request.body));
      return reply.status(201).send(await detail(request, row.id));
    },
  );

  app.get(
    '/contracts/expiring',
    {
      config: { access: 'contract:read' },
      schema: {
        tags,
        summary: '即将到期的合同（生效中，N 天内到期，默认按到期提醒天数）',
        querystring: ExpiringQuery,
        response: { 200: ExpiringSchema },
      },
    },
    async (request) => contractsService.expiring(db, staffOf(request).orgId, request.query.withinDays),
  );

  app.get(
    '/contracts/:id',
    {
      config: { access: 'contract:read' },
      schema: {
        tags,
        summary: '合同详情：条款、租金计划、审批记录、附件、状态历史',
        params: IdParams,
        response: { 200: ContractDetailSchema, ...errorResponses },
      },
    },
    async (request) => detail(request, request.params.id),
  );

  app.patch(
    '/contracts/:id',
    {
      config: { access: 'contract:write' },
      schema: {
        tags,
        summary: '修改合同草稿（仅草稿可改）',
        params: IdParams,
        body: UpdateContractBody,
        response: { 200: ContractDetailSchema, ...withProblems },
      },
    },
    async (request) => {
      await checkedTerms(request, () =>
        contractsService.update(ctx, staffActor(request), request.params.id, request.body),
      );
      return detail(request, request.params.id);
    },
  );

  app.post(
    '/contracts/:id/submit',
    {
      config: { access: 'contract:write' },
      schema: {
        tags,
        summary: '提交审批（年租金达到公开招租标准的须先填写招租记录）',
        params: IdParams,
        response: { 200: ContractDetailSchema, ...withProblems },
      },
    },
    async (request) => {
      await checkedTerms(request, () => contractsService.submit(ctx, staffActor(request), request.params.id));
      return detail(request, request.params.id);
    },
  );

  app.post(
    '/contracts/:id/approve',
    {
      config: { access: 'contract:approve' },
      schema: {
        tags,
        summary: '审批通过当前一级（多级审批时下一级须由另一位审批人审批）',
        params: IdParams,
        body: CommentBody,
        response: { 200: ContractDetailSchema, ...errorResponses },
      },
    },
    async (request) => {
      await contractsService.approve(ctx, staffActor(request), request.params.id, request.body.comment);
      return detail(request, request.params.id);
    },
  );

  app.post(
    '/contracts/:id/reject',
    {
      config: { access: 'contract:approve' },
      schema: {
        tags,
        summary: '驳回（合同退回草稿，须填写理由）',
        params: IdParams,
        body: RejectBody,
        response: { 200: ContractDetailSchema, ...errorResponses },
      },
    },
    async (request) => {
      await contractsService.reject(ctx, staffActor(request), request.params.id, request.body.comment);
      return detail(request, request.params.id);
    },
  );

  app.post(
    '/contracts/:id/activate',
    {
      config: { access: 'contract:write' },
      schema: {
        tags,
        summary: '签订生效（资产变为已出租；同一资产同一天只能有一份生效合同）',
        params: IdParams,
        body: ActivateBody,
        response: { 200: ContractDetailSchema, ...withProblems },
      },
    },
    async (request) => {
      await contractsService.activate(ctx, staffActor(request), request.params.id, request.body);
      return detail(request, request.params.id);
    },
  );

  app.post(
    '/contracts/:id/terminate',
    {
      config: { access: 'contract:write' },
      schema: {
        tags,
        summary: '提前终止：租金计至终止日（最后一期按天折算），保证金生成退款申请',
        params: IdParams,
        body: TerminateBody,
        response: { 200: ContractDetailSchema, ...withProblems },
      },
    },
    async (request) => {
      await contractsService.terminate(ctx, staffActor(request), request.params.id, request.body);
      return detail(request, request.params.id);
    },
  );

  app.post(
    '/contracts/:id/renew',
    {
      config: { access: 'contract:write' },
      schema: {
        tags,
        summary: '续签：生成关联的新合同草稿，自原合同结束日次日起，条款按原合同预填',
        params: IdParams,
        response: { 201: ContractDetailSchema, ...withProblems },
      },
    },
    async (request, reply) => {
      const row = await checkedTerms(request, () =>
        contractsService.renew(ctx, staffActor(request), request.params.id),
      );
      return reply.status(201).send(await detail(request, row.id));
    },
  );

  app.get(
    '/contracts/:id/document',
    {
      config: { access: 'contract:read' },
      schema: { tags, summary: '下载合同文本（.docx，按公司模板生成，附租金明细表）', params: IdParams },
    },
    async (request, reply) => {
      const { fileName, content } = await contractsService.document(ctx, staffOf(request).orgId, request.params.id);
      return sendDownload(reply, { fileName, contentType: DOCX_TYPE, body: content });
    },
  );

  app.post(
    '/contracts/:id/attachments',
    {
      config: { access: 'contract:write' },
      schema: {
        tags,
        summary: '上传合同附件（签字盖章扫描件：JPG、PNG、WebP、PDF 或 Word .docx），≤ 10 MB',
        description: 'multipart/form-data，字段 file。类型按文件内容判断。',
        consumes: ['multipart/form-data'],
        params: IdParams,
        response: {
          201: ContractAttachmentSchema,
          413: Type.Ref('Problem'),
          415: Type.Ref('Problem'),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const file = await uploadedFile(request, MAX_ATTACHMENT_BYTES);
      const row = await contractsService.addAttachment(ctx, staffActor(request), request.params.id, file);
      return reply.status(201).send(attachmentView(row));
    },
  );

  app.get(
    '/contracts/:id/attachments/:attachmentId',
    {
      config: { access: 'contract:read' },
      schema: { tags, summary: '下载合同附件', params: AttachmentParams },
    },
    async (request, reply) => {
      const { attachment, content } = await contractsService.readAttachment(
        ctx,
        staffOf(request).orgId,
        request.params.id,
        request.params.attachmentId,
      );
      const inline = attachment.contentType.startsWith('image/') || attachment.contentType === 'application/pdf';
      return sendDownload(reply, {
        fileName: attachment.fileName,
        contentType: attachment.contentType,
        body: content,
        disposition: inline ? 'inline' : 'attachment',
      });
    },
  );

  app.get(
    '/settings/contracts',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags: ['系统'],
        summary: '合同设置：审批级数、公开招租标准、租期上限、到期提醒天数、编号前缀',
        response: { 200: ContractSettingsSchema },
      },
    },
    async (request) => contractsService.settings(db, staffOf(request).orgId),
  );

  app.patch(
    '/settings/contracts',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags: ['系统'],
        summary: '修改合同设置（只影响之后提交的合同）',
        body: UpdateContractSettingsBody,
        response: { 200: ContractSettingsSchema, ...withProblems },
      },
    },
    async (request) => contractsService.updateSettings(db, staffActor(request), request.body),
  );

  const templateTags = ['合同模板'];

  app.get(
    '/contract-templates',
    {
      config: { access: 'contract:read' },
      schema: {
        tags: templateTags,
        summary: '公司上传的合同模板（active 为正在使用的；都未使用时按系统默认模板生成）',
        response: { 200: Type.Object({ items: Type.Array(TemplateSchema) }) },
      },
    },
    async (request) => ({
      items: (await contractsService.templates(db, staffOf(request).orgId)).map(templateView),
    }),
  );

  app.post(
    '/contract-templates',
    {
      config: { access: 'settings:manage' },
      schema: {
        tags: templateTags,
        summary: '上传合同模板（.docx），校验占位符后启用',
        description:
          'multipart/form-data，字段 file。占位符写作 {tenantName}，表格行循环写作 {#schedule}…{/schedule}；' +
          '有无法识别的占位符或写法错误时返回 422 并逐个列出。',
        consumes: ['multipart/form-data'],
        response: { 201: TemplateSchema, 413: Type.Ref('Problem'), ...withProblems },
      },
    },
    async (request, reply) => {
      const file = await uploadedFile(request, MAX_ATTACHMENT_BYTES);
      const row = await contractsService.uploadTemplate(ctx, staffActor(request), file);
      return reply.status(201).send(templateView(row));
    },
  );

  app.get(
    '/contract-templates/placeholders',
    {
      config: { access: 'contract:read' },
      schema: { tags: templateTags, summary: '模板可用的占位符及含义', response: { 200: PlaceholdersSchema } },
    },
    async () => ({
      fields: Object.entries(DOCUMENT_FIELDS).map(([name, description]) => ({ name, description })),
      loops: Object.entries(DOCUMENT_LOOPS).map(([name, fields]) => ({
        name,
        fields: Object.entries(fields).map(([field, description]) => ({ name: field, description })),
      })),
    }),
  );

  app.get(
    '/contract-templates/default',
    {
      config: { access: 'contract:read' },
      schema: { tags: templateTags, summary: '下载系统默认的房屋租赁合同模板（可在 Word 中修改后上传）' },
    },
    async (_request, reply) =>
      sendDownload(reply, {
        fileName: '房屋租赁合同-默认模板.docx',
        contentType: DOCX_TYPE,
        body: defaultLeaseTemplate(),
      }),
  );

  app.get(
    '/contract-templates/:id/file',
    {
      config: { access: 'contract:read' },
      schema: { tags: templateTags, summary: '下载上传的模板', params: IdParams },
    },
    async (request, reply) => {
      const { template, content } = await contractsService.readTemplate(ctx, staffOf(request).orgId, request.params.id);
      return sendDownload(reply, { fileName: template.fileName, contentType: DOCX_TYPE, body: content });
    },
  );

  for (const [action, active] of [
    ['activate', true],
    ['deactivate', false],
  ] as const) {
    app.post(
      `/contract-templates/:id/${action}`,
      {
        config: { access: 'settings:manage' },
        schema: {
          tags: templateTags,
          summary: active ? '启用该模板' : '停用该模板（改用系统默认模板）',
          params: IdParams,
          response: { 200: TemplateSchema, ...errorResponses },
        },
      },
      async (request) =>
        templateView(await contractsService.setTemplateActive(db, staffActor(request), request.params.id, active)),
    );
  }
};
