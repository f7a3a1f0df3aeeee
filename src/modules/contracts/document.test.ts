import PizZip from 'pizzip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../../../test/helpers/app.ts';
import { type ContractDetail, contractKit, type Kit, tender, terms } from '../../../test/helpers/contracts.ts';
import { formatYuan } from '../../domain/money.ts';
import { defaultLeaseTemplate } from './default-template.ts';
import { chineseDate, percentText, termText } from './document.ts';

let t: TestApp;
let kit: Kit;
let contract: ContractDetail;
let tenant: { id: string; name: string };

beforeAll(async () => {
  t = await createTestApp();
  kit = contractKit(t);
  tenant = await kit.tenant(3);
  const [first, second] = await kit.units('DOC', 2, '66.25');
  contract = await kit.activeContract({
    tenantId: tenant.id,
    assetIds: [first, second],
    purpose: '研发办公',
    terms: terms({
      rent: { mode: 'per_area', unitPriceFen: 4550, areaSqm: '132.50' },
      billingCycleMonths: 1,
      rentFree: [{ from: '2025-01-15', to: '2025-02-14' }],
      escalation: { everyMonths: 6, rate: '0.03' },
    }),
    ...tender,
  });
});
afterAll(() => t.close());

/** The visible text of a .docx body: what Word shows, without the XML. */
const textOf = (docx: Buffer) =>
  new PizZip(docx)
    .file('word/document.xml')!
    .asText()
    .replace(/<w:tab\/>/g, '\t')
    .replace(/<\/w:p>/g, '\n')
    .replace(/<[^>]+>/g, '');

function multipart(content: Buffer, fileName: string) {
  const boundary = '----assetpay-template';
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  };
}

/** The default template with its document text changed. */
function editedTemplate(edit: (xml: string) => string): Buffer {
  const zip = new PizZip(defaultLeaseTemplate());
  zip.file('word/document.xml', edit(zip.file('word/document.xml')!.asText()));
  return zip.generate({ type: 'nodebuffer' }) as Buffer;
}

describe('the drafted contract (.docx)', () => {
  it('is a Word document named by the contract number, with the parties, units, 大写 and every schedule row', async () => {
    const response = await kit.get(`/${contract.id}/document`, 'shenji');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(response.headers['content-disposition']).toContain(contract.number);
    expect(response.headers['content-disposition']).toContain(encodeURIComponent(`租赁合同-${contract.number}.docx`));

    const text = textOf(response.rawPayload);
    expect(text).toContain('房屋租赁合同');
    expect(text).toContain(`合同编号：${contract.number}`);
    expect(text).toContain('出租方（甲方）：重庆永川政鑫资产经营有限公司（政鑫公司）');
    expect(text).toContain(`承租方（乙方）：${tenant.name}`);
    expect(text).toContain('DOC-101');
    expect(text).toContain('租赁面积合计 132.50 平方米');
    expect(text).toContain('招租公告编号：YCGZ-2024-118');
    expect(text).toContain('自2025年1月15日起至2026年1月14日止');
    // 45.50 yuan × 132.50 m² = 6,028.75 yuan a month.
    expect(text).toContain('月租金人民币 6,028.75 元（大写：陆仟零贰拾捌元柒角伍分）');
    expect(text).toContain('每日按欠付租金的 0.05% 向甲方支付违约金');
    expect(text).toContain('签订日期：2025年1月10日');
    expect(text).toContain('租金明细表');
    expect(contract.schedule.periods).toHaveLength(12);
    for (const period of contract.schedule.periods) {
      expect(text).toContain(`${period.periodStart} 至 ${period.periodEnd}`);
      expect(text).toContain(period.dueDate);
      expect(text).toContain(formatYuan(period.amountFen));
    }
    // No placeholder is left unfilled, and personal data stays masked.
    expect(text).not.toMatch(/[{}]/);
    const shown = (
      await t.app.inject({ url: `/api/v1/tenants/${tenant.id}`, headers: await kit.headers('zichan') })
    ).json();
    if (shown.idNumber) expect(text).toContain(shown.idNumber);
    expect(text).toContain(shown.phone);
    expect(shown.phone).toContain('****');
  });

  it('lists the placeholders a template may use, and gives the default template to start from', async () => {
    const placeholders = (
      await t.app.inject({ url: '/api/v1/contract-templates/placeholders', headers: await kit.headers('zichan') })
    ).json();
    expect(placeholders.fields.map((field: { name: string }) => field.name)).toContain('tenantName');
    expect(placeholders.loops.map((loop: { name: string }) => loop.name)).toEqual(['assets', 'schedule']);
    const template = await t.app.inject({
      url: '/api/v1/contract-templates/default',
      headers: await kit.headers('admin'),
    });
    expect(template.statusCode).toBe(200);
    expect(textOf(template.rawPayload)).toContain('{#schedule}{period}');
  });
});

describe('org templates', () => {
  const upload = async (content: Buffer, fileName: string, as = 'admin') => {
    const body = multipart(content, fileName);
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/contract-templates',
      headers: { ...(await kit.headers(as)), ...body.headers },
      payload: body.payload,
    });
  };

  it('refuses a template with unknown placeholders, naming each one, and stores nothing', async () => {
    const template = editedTemplate((xml) =>
      xml.replace('{purpose}', '{purpose}{tenantNmae}').replace('{dueDate}', '{dueDay}'),
    );
    const response = await upload(template, '我司合同模板.docx');
    const problem = problemOf(response);
    expect(problem).toMatchObject({ status: 422, code: 'contract_template_unknown_placeholders' });
    expect(problem.detail).toContain('{tenantNmae}');
    expect(problem.detail).toContain('{schedule.dueDay}');
    expect(problem.errors?.map((error) => error.message)).toEqual(['tenantNmae', 'schedule.dueDay']);
    const list = await t.app.inject({ url: '/api/v1/contract-templates', headers: await kit.headers('admin') });
    expect(list.json().items).toEqual([]);
  });

  it('refuses a malformed placeholder, a file that is not .docx, and an asset manager', async () => {
    const unclosed = await upload(
      editedTemplate((xml) => xml.replace('{purpose}', '{purpose')),
      'broken.docx',
    );
    expect(problemOf(unclosed)).toMatchObject({ status: 422, code: 'contract_template_syntax' });
    expect(problemOf(unclosed).detail).toContain('缺少右花括号');
    const notDocx = await upload(Buffer.from('%PDF-1.4 not a template'), 'scan.pdf');
    expect(problemOf(notDocx)).toMatchObject({ status: 422, code: 'contract_template_unreadable' });
    const byManager = await upload(defaultLeaseTemplate(), 'mine.docx', 'zichan');
    expect(problemOf(byManager)).toMatchObject({ status: 403 });
  });

  it('drafts with an uploaded template once it is in use, and with the default again when it is not', async () => {
    const ours = editedTemplate((xml) => xml.replace('房屋租赁合同', '政鑫公司国有资产租赁合同'));
    const uploaded = await upload(ours, '政鑫合同模板.docx');
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    expect(uploaded.json()).toMatchObject({ name: '政鑫合同模板', active: true });
    expect(uploaded.json().placeholders).toContain('schedule.amount');
    const drafted = textOf((await kit.get(`/${contract.id}/document`)).rawPayload);
    expect(drafted).toContain('政鑫公司国有资产租赁合同');

    const stopped = await t.app.inject({
      method: 'POST',
      url: `/api/v1/contract-templates/${uploaded.json().id}/deactivate`,
      headers: await kit.headers('admin'),
    });
    expect(stopped.json().active).toBe(false);
    expect(textOf((await kit.get(`/${contract.id}/document`)).rawPayload)).not.toContain('政鑫公司国有资产租赁合同');
    const audit = await t.app.inject({
      url: `/api/v1/audit-log?entityId=${uploaded.json().id}`,
      headers: await kit.headers('admin'),
    });
    expect(audit.json().items.map((item: { action: string }) => item.action)).toEqual([
      'contract_template.deactivate',
      'contract_template.upload',
    ]);
  });
});

describe('document wording', () => {
  it('writes rates as percentages, dates and terms in Chinese', () => {
    expect(percentText('0.0005')).toBe('0.05%');
    expect(percentText('0.09')).toBe('9%');
    expect(percentText('0.3')).toBe('30%');
    expect(percentText('1')).toBe('100%');
    expect(percentText('0.125')).toBe('12.5%');
    expect(chineseDate('2026-01-05')).toBe('2026年1月5日');
    expect(termText('2026-01-15', '2029-01-14')).toBe('3年');
    expect(termText('2026-01-15', '2027-07-14')).toBe('1年6个月');
    expect(termText('2026-01-15', '2026-02-20')).toBe('1个月6天');
  });
});
