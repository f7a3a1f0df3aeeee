import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Orm } from '../../db/client.ts';
import { chinaDate } from '../../domain/calendar.ts';
import { staffOf } from '../../http/access.ts';
import { sendDownload } from '../../http/files.ts';
import { registerEntityNames } from '../../http/messages.ts';
import { errorResponses, IdParams } from '../../http/schemas.ts';
import { noticesService, type PayLinkFor } from './service.ts';

registerEntityNames({ bill: { zh: '账单', en: 'Bill' } });

const PdfResponse = Type.String({ description: 'application/pdf', contentMediaType: 'application/pdf' });

export const noticesRoutes: FastifyPluginAsyncTypebox<{ db: Orm; payLinkFor: PayLinkFor }> = async (
  app,
  { db, payLinkFor },
) => {
  const tags = ['账单'];

  app.get(
    '/bills/:id/notice.pdf',
    {
      config: { access: 'bill:read' },
      schema: {
        tags,
        summary: '账单的缴费通知单（PDF：账单明细、截至今日的违约金、大写合计、缴费方式与缴费二维码）',
        params: IdParams,
        response: { 200: PdfResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { orgId } = staffOf(request);
      const notice = await noticesService.billNotice(db, orgId, request.params.id, chinaDate(new Date()), payLinkFor);
      return sendDownload(reply, {
        fileName: `缴费通知单-${notice.number}.pdf`,
        contentType: 'application/pdf',
        body: notice.pdf,
        disposition: 'inline',
      });
    },
  );

  app.get(
    '/tenants/:id/payment-notice.pdf',
    {
      config: { access: 'bill:read' },
      schema: {
        tags,
        summary: '承租方的缴费通知单（PDF：全部未结清账单，按到期日）',
        params: IdParams,
        response: { 200: PdfResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { orgId } = staffOf(request);
      const notice = await noticesService.tenantNotice(db, orgId, request.params.id, chinaDate(new Date()), payLinkFor);
      return sendDownload(reply, {
        fileName: `缴费通知单-${notice.tenantCode}-${chinaDate(new Date())}.pdf`,
        contentType: 'application/pdf',
        body: notice.pdf,
        disposition: 'inline',
      });
    },
  );
};
