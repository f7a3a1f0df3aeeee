import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Orm } from '../../db/client.ts';
import { staffOf } from '../../http/access.ts';
import { sendDownload } from '../../http/files.ts';
import { registerEntityNames } from '../../http/messages.ts';
import { errorResponses, IdParams, Page } from '../../http/schemas.ts';
import { PdfResponse, ReceiptListQuery, ReceiptSchema, ReceiptVerificationSchema, VerifyCodeParams } from './schema.ts';
import { receiptsService } from './service.ts';

registerEntityNames({ receipt: { zh: '收据', en: 'Receipt' } });

/** How many times one address may check receipts a minute: enough for a person, too few to guess codes. */
const VERIFY_PER_MINUTE = 30;

export const receiptsRoutes: FastifyPluginAsyncTypebox<{ db: Orm; publicBaseUrl: string }> = async (
  app,
  { db, publicBaseUrl },
) => {
  const tags = ['收据'];

  app.get(
    '/receipts',
    {
      config: { access: 'payment:read' },
      schema: {
        tags,
        summary: '收据列表：按承租方、状态、收款日期、编号筛选',
        querystring: ReceiptListQuery,
        response: { 200: Page(ReceiptSchema) },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      const { items, total } = await receiptsService.list(
        db,
        { ...filter, orgId: staffOf(request).orgId },
        page,
        pageSize,
      );
      return { items, total, page, pageSize };
    },
  );

  app.get(
    '/receipts/:id/pdf',
    {
      config: { access: 'payment:read' },
      schema: {
        tags,
        summary: '收据 PDF（账单与账期、金额大写、收款方式与交易流水号、核验二维码）',
        params: IdParams,
        response: { 200: PdfResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { number, pdf } = await receiptsService.pdf(db, staffOf(request).orgId, request.params.id, publicBaseUrl);
      return sendDownload(reply, {
        fileName: `收据-${number}.pdf`,
        contentType: 'application/pdf',
        body: pdf,
        disposition: 'inline',
      });
    },
  );

  app.get(
    '/public/receipts/:verifyCode',
    {
      // The unguessable code printed as the QR code is the credential; nothing personal is answered.
      config: { access: 'public', rateLimit: { max: VERIFY_PER_MINUTE, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: '收据真伪核验（扫描收据上的二维码）：编号、收款单位、金额、日期、状态；交款人已脱敏',
        security: [],
        params: VerifyCodeParams,
        response: { 200: ReceiptVerificationSchema, 404: Type.Ref('Problem'), 429: Type.Ref('Problem') },
      },
    },
    async (request) => receiptsService.publicView(db, request.params.verifyCode),
  );
};
