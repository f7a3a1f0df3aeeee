import PizZip from 'pizzip';

// AssetPay's own lease template (房屋租赁合同), written as the XML parts of a Word document and zipped at run time.
// An organisation that uploads none drafts with this one; it is also the starting point for their own
// (GET /api/v1/contract-templates/default). Placeholders are those of document.ts, each within one run.

const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface RunStyle {
  bold?: boolean;
  size?: number;
}

function run(text: string, style: RunStyle = {}): string {
  const props = [
    style.bold ? '<w:b/><w:bCs/>' : '',
    style.size ? `<w:sz w:val="${style.size}"/><w:szCs w:val="${style.size}"/>` : '',
  ]
    .filter(Boolean)
    .join('');
  return `<w:r>${props ? `<w:rPr>${props}</w:rPr>` : ''}<w:t xml:space="preserve">${xmlText(text)}</w:t></w:r>`;
}

interface ParagraphStyle extends RunStyle {
  align?: 'center' | 'right' | 'both';
  indent?: boolean;
  style?: string;
  pageBreakBefore?: boolean;
  spacingAfter?: number;
}

function paragraph(text: string, style: ParagraphStyle = {}): string {
  const props = [
    style.style ? `<w:pStyle w:val="${style.style}"/>` : '',
    style.pageBreakBefore ? '<w:pageBreakBefore/>' : '',
    style.spacingAfter !== undefined ? `<w:spacing w:after="${style.spacingAfter}"/>` : '',
    style.indent ? '<w:ind w:firstLineChars="200" w:firstLine="480"/>' : '',
    style.align ? `<w:jc w:val="${style.align}"/>` : '',
  ].join('');
  return `<w:p>${props ? `<w:pPr>${props}</w:pPr>` : ''}${text ? run(text, style) : ''}</w:p>`;
}

const heading = (text: string) => paragraph(text, { style: 'Heading2' });
const clause = (text: string) => paragraph(text, { indent: true, align: 'both' });

function cell(text: string, width: number, style: { bold?: boolean; align?: 'center' | 'right' } = {}): string {
  return `<w:tc><w:tcPr><w:tcW w:w="${width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>${paragraph(text, {
    bold: style.bold,
    align: style.align,
    spacingAfter: 0,
  })}</w:tc>`;
}

function table(
  widths: number[],
  rows: { cells: string[]; header?: boolean; align?: ('center' | 'right' | undefined)[] }[],
  borders = true,
): string {
  const border = borders ? 'single' : 'nil';
  const sides = ['top', 'left', 'bottom', 'right', 'insideH', 'insideV']
    .map((side) => `<w:${side} w:val="${border}" w:sz="4" w:space="0" w:color="000000"/>`)
    .join('');
  const grid = widths.map((width) => `<w:gridCol w:w="${width}"/>`).join('');
  const body = rows
    .map(
      (row) =>
        `<w:tr>${row.header ? '<w:trPr><w:tblHeader/></w:trPr>' : ''}${row.cells
          .map((text, index) =>
            cell(text, widths[index]!, { bold: row.header, align: row.header ? 'center' : row.align?.[index] }),
          )
          .join('')}</w:tr>`,
    )
    .join('');
  return `<w:tbl><w:tblPr><w:tblW w:w="${widths.reduce((a, b) => a + b, 0)}" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>${sides}</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>${grid}</w:tblGrid>${body}</w:tbl>`;
}

function documentXml(): string {
  const body = [
    paragraph('房屋租赁合同', { style: 'Title' }),
    paragraph('合同编号：{contractNumber}', { align: 'right' }),
    paragraph(''),
    paragraph('出租方（甲方）：{lessorName}'),
    paragraph('承租方（乙方）：{tenantName}'),
    paragraph('{tenantIdLabel}：{tenantIdNumber}'),
    paragraph('法定代表人：{tenantLegalRepresentative}'),
    paragraph('联系人：{tenantContactName}    联系电话：{tenantPhone}'),
    paragraph('地址：{tenantAddress}'),
    paragraph(''),
    clause(
      '根据《中华人民共和国民法典》及国有资产出租管理的有关规定，甲乙双方在平等、自愿、公平、诚实信用的基础上，经协商一致，就乙方承租甲方房屋事宜订立本合同，共同遵守。',
    ),
    heading('第一条 租赁标的'),
    clause('甲方将下列资产出租给乙方使用，租赁面积合计 {totalAreaSqm} 平方米：'),
    table(
      [800, 2000, 2600, 2700, 1300],
      [
        { cells: ['序号', '资产编号', '名称', '坐落', '面积（㎡）'], header: true },
        {
          cells: ['{#assets}{index}', '{code}', '{name}', '{address}', '{areaSqm}{/assets}'],
          align: ['center', undefined, undefined, undefined, 'right'],
        },
      ],
    ),
    paragraph('{#tendered}', { spacingAfter: 0 }),
    clause('本次出租经公开招租，招租公告编号：{tenderAnnouncementNo}，成交确认书编号：{dealConfirmationNo}。'),
    paragraph('{/tendered}', { spacingAfter: 0 }),
    heading('第二条 租赁用途'),
    clause('乙方承租上述资产用于{purpose}。未经甲方书面同意，乙方不得改变租赁用途。'),
    heading('第三条 租赁期限'),
    clause('租赁期限为{termText}，自{startDate}起至{endDate}止。{rentFreeText}'),
    heading('第四条 租金及支付方式'),
    clause(
      '1. 租金标准：{rentDescription}，即月租金人民币 {monthlyRent} 元（大写：{monthlyRentUpper}），年租金人民币 {annualRent} 元（大写：{annualRentUpper}）。以上租金均含增值税，税率 {taxRate}。',
    ),
    clause('2. 租金调整：{escalationText}'),
    clause('3. 支付方式：{billingCycle}，{dueRule}。各期租金金额及应付日期详见附件《租金明细表》。'),
    clause('4. 租赁期内租金合计人民币 {totalRent} 元（大写：{totalRentUpper}）。'),
    heading('第五条 保证金'),
    clause(
      '乙方应于{depositDueDate}前向甲方支付租赁保证金人民币 {deposit} 元（大写：{depositUpper}）。租赁期满或合同解除后，乙方结清全部租金及费用并按约交还租赁资产的，甲方无息退还保证金；乙方有欠费或造成损坏的，甲方有权从保证金中扣除。',
    ),
    heading('第六条 逾期付款的违约责任'),
    clause('{lateFeeText}'),
    heading('第七条 双方的权利和义务'),
    clause('1. 甲方应按约定将租赁资产交付乙方使用，并保证对租赁资产享有出租的权利。'),
    clause('2. 乙方应合理使用租赁资产及其附属设施，不得擅自改变房屋结构，未经甲方书面同意不得转租、转借。'),
    clause('3. 租赁期间的水、电、燃气、通讯、物业管理等费用由乙方承担。'),
    heading('第八条 合同的解除'),
    clause('1. 乙方逾期支付租金超过 30 日，经甲方催告后仍不支付的，甲方有权解除本合同，收回租赁资产。'),
    clause('2. 经双方协商一致，可以提前解除本合同，租金按实际使用天数结算至解除之日。'),
    heading('第九条 续租'),
    clause('租赁期满乙方需要继续承租的，应于期满前 90 日书面提出，经甲方同意后重新签订租赁合同。'),
    heading('第十条 争议解决'),
    clause('本合同履行中发生争议的，由双方协商解决；协商不成的，依法向租赁资产所在地人民法院提起诉讼。'),
    heading('第十一条 其他'),
    clause(
      '本合同自双方签字盖章之日起生效，一式肆份，甲方执叁份，乙方执壹份，具有同等法律效力。附件《租金明细表》为本合同不可分割的组成部分。',
    ),
    paragraph(''),
    table(
      [4700, 4700],
      [
        { cells: ['甲方（盖章）：{lessorName}', '乙方（签字或盖章）：{tenantName}'] },
        { cells: ['法定代表人或授权代表（签字）：', '法定代表人或授权代表（签字）：'] },
        { cells: ['签订日期：{signDate}', '签订日期：{signDate}'] },
      ],
      false,
    ),
    paragraph('附件：租金明细表', { style: 'Title', pageBreakBefore: true }),
    paragraph('合同编号：{contractNumber}    承租方：{tenantName}'),
    paragraph('月租金：{monthlyRent} 元    缴费周期：{billingCycle}'),
    table(
      [1000, 3900, 2000, 2500],
      [
        { cells: ['期数', '起止日期', '应付日期', '金额（元）'], header: true },
        {
          cells: ['{#schedule}{period}', '{periodStart} 至 {periodEnd}', '{dueDate}', '{amount}{/schedule}'],
          align: ['center', 'center', 'center', 'right'],
        },
        { cells: ['合计', '', '', '{scheduleTotal}'], align: ['center', undefined, undefined, 'right'] },
      ],
    ),
    paragraph('租金合计（大写）：{scheduleTotalUpper}'),
    paragraph('本表由 AssetPay 按合同条款于 {draftedOn} 生成，金额含增值税。', { size: 18 }),
  ].join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>${body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1247" w:bottom="1440" w:left="1247" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr></w:body></w:document>`;
}

const STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="宋体" w:cs="Times New Roman"/><w:sz w:val="24"/><w:szCs w:val="24"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="60" w:line="360" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:jc w:val="center"/><w:spacing w:before="240" w:after="240"/></w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/><w:b/><w:bCs/><w:sz w:val="36"/><w:szCs w:val="36"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="180" w:after="60"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/><w:b/><w:bCs/></w:rPr></w:style>
</w:styles>`;

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>`;

const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>`;

const DOCUMENT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`;

const CORE = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>房屋租赁合同</dc:title><dc:creator>AssetPay</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:created></cp:coreProperties>`;

const APP = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>AssetPay</Application></Properties>`;

let built: Buffer | undefined;

/** The default lease template as a .docx (built once). */
export function defaultLeaseTemplate(): Buffer {
  if (!built) {
    const zip = new PizZip();
    zip.file('[Content_Types].xml', CONTENT_TYPES);
    zip.file('_rels/.rels', ROOT_RELS);
    zip.file('docProps/core.xml', CORE);
    zip.file('docProps/app.xml', APP);
    zip.file('word/document.xml', documentXml());
    zip.file('word/styles.xml', STYLES);
    zip.file('word/_rels/document.xml.rels', DOCUMENT_RELS);
    built = zip.generate({ type: 'nodebuffer', compression: 'DEFLATE' }) as Buffer;
  }
  return built;
}
