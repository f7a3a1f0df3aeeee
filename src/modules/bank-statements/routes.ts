import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { PiiCipher } from '../../crypto/pii.ts';
import type { Orm } from '../../db/client.ts';
import { MAX_IMPORT_BYTES } from '../../domain/file-type.ts';
import { staffActor, staffOf } from '../../http/access.ts';
import { uploadedFile } from '../../http/files.ts';
import { answeredInOneTransaction } from '../../http/idempotency.ts';
import { languageOf, registerEntityNames, translate } from '../../http/messages.ts';
import { errorResponses, IdParams, Page } from '../../http/schemas.ts';
import {
  ConfirmBody,
  IgnoreBody,
  ImportListQuery,
  ImportQuery,
  ImportResultSchema,
  ImportSchema,
  LineListQuery,
  LineSchema,
  MappingBody,
  MappingSchema,
  PreviewQuery,
  PreviewSchema,
  SuggestionSchema,
  UndoBody,
} from './schema.ts';
import { bankStatementsService as service } from './service.ts';

registerEntityNames({
  bank_statement_mapping: { zh: '银行流水映射', en: 'Bank statement mapping' },
  bank_statement_import: { zh: '银行流水导入', en: 'Bank statement import' },
  bank_statement_line: { zh: '银行流水', en: 'Bank statement line' },
});

const tags = ['银行流水'];
const problems = { ...errorResponses, 413: Type.Ref('Problem'), 415: Type.Ref('Problem'), 422: Type.Ref('Problem') };

export const bankStatementsRoutes: FastifyPluginAsyncTypebox<{ db: Orm; pii: PiiCipher }> = async (
  app,
  { db, pii },
) => {
  const context = { db, pii };
  await app.register(multipart, { limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 5, parts: 6 } });

  app.get(
    '/bank-statements/mappings',
    {
      config: { access: 'reconciliation:read' },
      schema: { tags, summary: '银行流水列映射（每个银行账户一个）', response: { 200: Type.Array(MappingSchema) } },
    },
    async (request) => service.mappings(db, staffOf(request).orgId),
  );

  app.get(
    '/bank-statements/mappings/:id',
    {
      config: { access: 'reconciliation:read' },
      schema: {
        tags,
        summary: '银行流水列映射',
        params: IdParams,
        response: { 200: MappingSchema, ...errorResponses },
      },
    },
    async (request) => service.mapping(db, staffOf(request).orgId, request.params.id),
  );

  app.post(
    '/bank-statements/mappings',
    {
      config: { access: 'reconciliation:write' },
      schema: {
        tags,
        summary:
          '新建列映射：标题行、各列（日期、收入/支出或金额+方向、对方户名、对方账号、摘要、流水号）、日期格式、编码',
        body: MappingBody,
        response: { 201: MappingSchema, ...problems },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service.createMapping(context, staffActor(request), request.body)),
  );

  app.put(
    '/bank-statements/mappings/:id',
    {
      config: { access: 'reconciliation:write' },
      schema: {
        tags,
        summary: '修改列映射',
        params: IdParams,
        body: MappingBody,
        response: { 200: MappingSchema, ...problems },
      },
    },
    async (request) => service.updateMapping(context, staffActor(request), request.params.id, request.body),
  );

  app.delete(
    '/bank-statements/mappings/:id',
    {
      config: { access: 'reconciliation:write' },
      schema: { tags, summary: '删除未使用过的列映射', params: IdParams, response: { 204: Type.Null(), ...problems } },
    },
    async (request, reply) => {
      await service.deleteMapping(db, staffActor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/bank-statements/preview',
    {
      config: { access: 'reconciliation:read' },
      schema: {
        tags,
        summary: '预览流水文件：标题行各列与前几行；指定映射时按映射读出的流水与每行错误（不写入）',
        description: 'multipart/form-data，字段 file 为 CSV（UTF-8 或 GBK）或 .xlsx（≤ 10 MB）。',
        consumes: ['multipart/form-data'],
        querystring: PreviewQuery,
        response: { 200: PreviewSchema, ...problems },
      },
    },
    async (request) => {
      const file = await uploadedFile(request, MAX_IMPORT_BYTES);
      const preview = await service.preview(db, staffOf(request).orgId, file, request.query);
      const language = languageOf(request.headers['accept-language']);
      const { problems: rowProblems, ...rest } = preview;
      return {
        ...rest,
        errors: rowProblems.map((problem) => ({
          row: problem.row,
          column: problem.column,
          message: translate(problem.key, language, problem.params),
        })),
      };
    },
  );

  app.post(
    '/bank-statements/imports',
    {
      config: { access: 'reconciliation:write' },
      schema: {
        tags,
        summary: '按映射导入银行流水：全部行正确才写入；同一文件再次导入不做改动（200，duplicate: true）',
        description:
          'multipart/form-data，字段 file。有错误的行时返回 422，errors 中每项含 row（文件行号）、column、message；流水号已导入过的行不重复保存。',
        consumes: ['multipart/form-data'],
        querystring: ImportQuery,
        response: { 200: ImportResultSchema, 201: ImportResultSchema, ...problems },
      },
    },
    async (request, reply) => {
      const file = await uploadedFile(request, MAX_IMPORT_BYTES);
      const result = await service.importFile(context, staffActor(request), request.query.mappingId, file);
      return reply.status(result.duplicate ? 200 : 201).send(result);
    },
  );

  app.get(
    '/bank-statements/imports',
    {
      config: { access: 'reconciliation:read' },
      schema: {
        tags,
        summary: '银行流水导入记录',
        querystring: ImportListQuery,
        response: { 200: Page(ImportSchema) },
      },
    },
    async (request) => {
      const { page, pageSize, mappingId } = request.query;
      const { items, total } = await service.imports(db, staffOf(request).orgId, mappingId, page, pageSize);
      return { items, total, page, pageSize };
    },
  );

  app.get(
    '/bank-statements/lines',
    {
      config: { access: 'reconciliation:read' },
      schema: {
        tags,
        summary: '银行流水（按账户、导入、状态、收支、日期、金额筛选）',
        querystring: LineListQuery,
        response: { 200: Page(LineSchema) },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      const { items, total } = await service.lines(db, { ...filter, orgId: staffOf(request).orgId }, page, pageSize);
      return { items, total, page, pageSize };
    },
  );

  app.get(
    '/bank-statements/lines/:id',
    {
      config: { access: 'reconciliation:read' },
      schema: { tags, summary: '一条银行流水', params: IdParams, response: { 200: LineSchema, ...errorResponses } },
    },
    async (request) => service.line(db, staffOf(request).orgId, request.params.id),
  );

  app.get(
    '/bank-statements/lines/:id/suggestions',
    {
      config: { access: 'reconciliation:read' },
      schema: {
        tags,
        summary: '收入流水的勾对建议（按可能性排序，附理由）',
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(SuggestionSchema) }), ...errorResponses },
      },
    },
    async (request) => ({ items: await service.suggestions(db, staffOf(request).orgId, request.params.id) }),
  );

  app.post(
    '/bank-statements/lines/:id/confirm',
    {
      config: { access: 'reconciliation:write', idempotent: true },
      schema: {
        tags,
        summary: '确认勾对：关联已登记收款或渠道结算（不记账），或登记银行转账收款并核销账单、开具收据',
        params: IdParams,
        body: ConfirmBody,
        response: { 200: LineSchema, ...problems },
      },
    },
    async (request, reply) => {
      const actor = staffActor(request);
      return answeredInOneTransaction(db, reply, 200, (tx) =>
        service.confirm({ ...context, db: tx }, actor, request.params.id, request.body),
      );
    },
  );

  app.post(
    '/bank-statements/lines/:id/ignore',
    {
      config: { access: 'reconciliation:write' },
      schema: {
        tags,
        summary: '忽略流水（利息、内部划转、支出等），须填写原因',
        params: IdParams,
        body: IgnoreBody,
        response: { 200: LineSchema, ...problems },
      },
    },
    async (request) => service.ignore(db, staffActor(request), request.params.id, request.body.note),
  );

  app.post(
    '/bank-statements/lines/:id/undo',
    {
      config: { access: 'reconciliation:write' },
      schema: {
        tags,
        summary: '撤销忽略或关联（已据此登记并入账的收款不能撤销）',
        params: IdParams,
        body: UndoBody,
        response: { 200: LineSchema, ...problems },
      },
    },
    async (request) => service.undo(db, staffActor(request), request.params.id, request.body.note),
  );
};
