import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../../../test/helpers/app.ts';
import { rowsOf } from '../../../test/helpers/uploads.ts';
import { queryRows } from '../../db/client.ts';
import { makeCreditCode } from '../../domain/credit-code.ts';
import { makeResidentId } from '../../domain/resident-id.ts';

let t: TestApp;
let zichan: Record<string, string>;
beforeAll(async () => {
  t = await createTestApp();
  zichan = await t.as('zichan');
});
afterAll(() => t.close());

const ID_NUMBER = makeResidentId('500118', '1988-07-15', 321);
const PHONE = '13912345678';
const BANK_ACCOUNT = '6222021234567890123';
const CREDIT_CODE = makeCreditCode('91500118MA5UWX8K2');

const counts = async () =>
  (
    await queryRows<Record<string, number | string>>(
      t.database.orm,
      sql`SELECT (SELECT count(*)::int FROM tenants) AS tenants,
                 (SELECT count(*)::int FROM audit_log) AS audit,
                 (SELECT string_agg(md5(x::text), ',' ORDER BY id) FROM tenants x) AS rows`,
    )
  )[0];

const create = (payload: Record<string, unknown>, headers = zichan) =>
  t.app.inject({ method: 'POST', url: '/api/v1/tenants', headers, payload });

let zhangsan: { id: string; code: string };

describe('registering tenants', () => {
  it('registers an individual with personal data encrypted at rest and masked in the answer', async () => {
    const response = await create({
      kind: 'individual',
      name: '张三',
      idNumber: `${ID_NUMBER.slice(0, 6)} ${ID_NUMBER.slice(6)}`.toLowerCase(),
      phone: `+86 ${PHONE}`,
      contactPhone: '023-49881234',
      bankName: '重庆农村商业银行永川支行',
      bankAccount: BANK_ACCOUNT,
    });
    expect(response.statusCode).toBe(201);
    zhangsan = response.json();
    expect(zhangsan).toMatchObject({
      kind: 'individual',
      name: '张三',
      code: expect.stringMatching(/^CZ\d{6}$/),
      idNumber: `500***********${ID_NUMBER.slice(-4)}`,
      phone: '139****5678',
      contactPhone: '023-****1234',
      bankAccount: '***************0123',
      creditCode: null,
    });
    expect(response.body).not.toContain(ID_NUMBER);
    expect(response.body).not.toContain(PHONE);
  });

  it('never keeps the plain ID number, phone or bank account in any database column, nor in the audit log', async () => {
    const [row] = await queryRows<Record<string, string>>(
      t.database.orm,
      sql`SELECT t::text AS everything, id_number_enc, phone_enc, id_number_index FROM tenants t WHERE id = ${zhangsan.id}`,
    );
    expect(row!.everything).not.toContain(ID_NUMBER);
    expect(row!.everything).not.toContain(PHONE);
    expect(row!.everything).not.toContain(BANK_ACCOUNT);
    expect(row!.everything).not.toContain('49881234');
    expect(row!.id_number_enc).toMatch(/^v1:k1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(row!.phone_enc).toMatch(/^v1:k1:/);
    expect(t.pii.decrypt('id_number', row!.id_number_enc!)).toBe(ID_NUMBER);
    const audit = await queryRows<{ text: string }>(
      t.database.orm,
      sql`SELECT string_agg(a::text, '') AS text FROM audit_log a`,
    );
    expect(audit[0]!.text).not.toContain(ID_NUMBER);
    expect(audit[0]!.text).not.toContain(PHONE);
  });

  it('registers an enterprise with its public credit code in clear', async () => {
    const response = await create({
      kind: 'enterprise',
      name: '重庆测试商贸有限公司',
      creditCode: CREDIT_CODE.toLowerCase(),
      legalRepresentative: '李四',
      contactName: '王五',
      phone: '13800000000',
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ creditCode: CREDIT_CODE, idNumber: null, phone: '138****0000' });
  });

  it('says exactly what is wrong with an ID number, a credit code or a phone, and writes nothing', async () => {
    const before = await counts();
    const wrongCheck = `${ID_NUMBER.slice(0, 17)}${ID_NUMBER[17] === '0' ? '1' : '0'}`;
    const checksum = await create({ kind: 'individual', name: '错号', idNumber: wrongCheck, phone: PHONE });
    expect(problemOf(checksum)).toMatchObject({
      status: 400,
      code: 'id_number_checksum',
      detail: `身份证号校验位错误：应为 ${ID_NUMBER[17]}`,
      errors: [{ path: 'body/idNumber', message: `身份证号校验位错误：应为 ${ID_NUMBER[17]}` }],
    });
    const birth = await create({
      kind: 'individual',
      name: '错号',
      idNumber: makeResidentId('500118', '1990-02-30', 1),
      phone: PHONE,
    });
    expect(problemOf(birth).detail).toBe('身份证号中的出生日期 1990-02-30 不是有效日期');
    const short = await create({ kind: 'individual', name: '错号', idNumber: '50011819900101', phone: PHONE });
    expect(problemOf(short).detail).toBe('身份证号应为 18 位，当前为 14 位');
    const credit = await create({ kind: 'enterprise', name: '错码', creditCode: '91350100M000100Y44', phone: PHONE });
    expect(problemOf(credit).detail).toBe('统一社会信用代码第 18 位校验码错误：应为 3');
    const letter = await create({ kind: 'enterprise', name: '错码', creditCode: '91350100MO00100Y43', phone: PHONE });
    expect(problemOf(letter).detail).toContain('统一社会信用代码第 10 位“O”不是有效字符');
    const several = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tenants',
      headers: { ...zichan, 'accept-language': 'en' },
      payload: { kind: 'individual', name: '多错', idNumber: wrongCheck, phone: '12345', contactPhone: '4988' },
    });
    expect(problemOf(several)).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(problemOf(several).errors).toEqual([
      { path: 'body/idNumber', message: `The ID number check character is wrong: it should be ${ID_NUMBER[17]}` },
      { path: 'body/phone', message: 'A mobile number has 11 digits and starts with 13–19' },
      { path: 'body/contactPhone', message: 'Enter a mobile or a fixed line with its area code (e.g. 023-49881234)' },
    ]);
    const missing = await create({ kind: 'individual', name: '无证', phone: PHONE });
    expect(problemOf(missing).detail).toBe('个人承租方必须填写身份证号');
    const mixed = await create({
      kind: 'individual',
      name: '混填',
      idNumber: ID_NUMBER,
      creditCode: CREDIT_CODE,
      phone: PHONE,
    });
    expect(problemOf(mixed).detail).toBe('个人承租方不填统一社会信用代码');
    expect(await counts()).toEqual(before);
  });

  it('refuses the same ID number or credit code twice in one organisation, naming who has it', async () => {
    const before = await counts();
    const again = await create({ kind: 'individual', name: '张三丰', idNumber: ID_NUMBER, phone: '13700000000' });
    expect(problemOf(again)).toMatchObject({
      status: 409,
      code: 'tenant_id_number_taken',
      detail: `该身份证号已登记为承租方 张三（编号 ${zhangsan.code}）`,
    });
    const company = await create({ kind: 'enterprise', name: '另一家', creditCode: CREDIT_CODE, phone: '13700000000' });
    expect(problemOf(company).detail).toMatch(
      /^该统一社会信用代码已登记为承租方 重庆测试商贸有限公司（编号 CZ\d{6}）$/,
    );
    expect(await counts()).toEqual(before);
  });

  it('lets only one of two simultaneous registrations of the same person through, naming the winner to the other', async () => {
    const idNumber = makeResidentId('500118', '1979-03-03', 77);
    const [first, second] = await Promise.all(
      ['双胞甲', '双胞乙'].map((name, i) => create({ kind: 'individual', name, idNumber, phone: `1370000000${i}` })),
    );
    const statuses = [first!.statusCode, second!.statusCode].sort();
    expect(statuses).toEqual([201, 409]);
    const [winner, loser] = first!.statusCode === 201 ? [first!, second!] : [second!, first!];
    expect(problemOf(loser).detail).toBe(
      `该身份证号已登记为承租方 ${winner.json().name}（编号 ${winner.json().code}）`,
    );
  });

  it('refuses bad input with a 4xx problem and writes nothing', async () => {
    const bad: Record<string, unknown>[] = [
      { kind: 'robot', name: 'x', phone: PHONE },
      { kind: 'individual', name: '', idNumber: ID_NUMBER, phone: PHONE },
      { kind: 'individual', name: 'x', idNumber: ID_NUMBER },
      { kind: 'individual', name: 'x', idNumber: 110105194912310, phone: PHONE },
      { kind: 'individual', name: 'x', idNumber: ID_NUMBER, phone: PHONE, isVip: true },
      {
        kind: 'individual',
        name: 'x',
        idNumber: makeResidentId('500118', '1991-01-01', 5),
        phone: PHONE,
        bankAccount: '12ab',
      },
    ];
    for (const payload of bad) {
      const before = await counts();
      const response = await create(payload);
      expect(response.statusCode).toBe(400);
      expect(problemOf(response).detail).toMatch(/[\u4e00-\u9fa5]/);
      expect(await counts()).toEqual(before);
    }
  });
});

describe('finding and changing tenants', () => {
  it('finds by the exact phone or ID number through the blind index, however they are typed', async () => {
    const find = async (query: string) =>
      (await t.app.inject({ url: `/api/v1/tenants?${query}`, headers: zichan }))
        .json()
        .items.map((item: { name: string }) => item.name);
    expect(await find(`phone=${encodeURIComponent(`+86 ${PHONE.slice(0, 3)} ${PHONE.slice(3)}`)}`)).toEqual(['张三']);
    expect(await find(`phone=${encodeURIComponent('023-49881234')}`)).toEqual(['张三']);
    expect(await find(`idNumber=${ID_NUMBER.toLowerCase()}`)).toEqual(['张三']);
    expect(await find(`idNumber=${ID_NUMBER.slice(0, 10)}`)).toEqual([]);
    expect(await find('keyword=测试商贸')).toEqual(['重庆测试商贸有限公司']);
    expect(await find(`creditCode=${CREDIT_CODE}`)).toEqual(['重庆测试商贸有限公司']);
    const page = (await t.app.inject({ url: '/api/v1/tenants?kind=enterprise&pageSize=5', headers: zichan })).json();
    expect(page).toMatchObject({ total: 41, pageSize: 5 });
    expect(page.items).toHaveLength(5);
  });

  it('changes a phone and bank account, masked in the answer and the audit log, which names the changed fields', async () => {
    const response = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tenants/${zhangsan.id}`,
      headers: zichan,
      payload: { phone: '13600001111', bankAccount: null, address: '重庆市永川区新地址 8 号' },
    });
    expect(response.json()).toMatchObject({
      phone: '136****1111',
      bankAccount: null,
      bankName: '重庆农村商业银行永川支行',
    });
    const audit = await t.app.inject({
      url: `/api/v1/audit-log?entityId=${zhangsan.id}&action=tenant.update`,
      headers: await t.as('admin'),
    });
    expect(audit.json().items[0]).toMatchObject({
      before: { phone: '139****5678', changedFields: ['phone', 'bankAccount', 'address'] },
      after: { phone: '136****1111' },
    });
    expect(audit.body).not.toContain('13600001111');
    const kind = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tenants/${zhangsan.id}`,
      headers: zichan,
      payload: { kind: 'enterprise' },
    });
    expect(problemOf(kind).status).toBe(400);
    const other = (await t.app.inject({ url: '/api/v1/tenants?kind=individual&pageSize=1', headers: zichan })).json()
      .items[0];
    const takeNumber = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/tenants/${other.id}`,
      headers: zichan,
      payload: { idNumber: ID_NUMBER },
    });
    expect(problemOf(takeNumber)).toMatchObject({ status: 409, code: 'tenant_id_number_taken' });
  });
});

describe('revealing personal data', () => {
  it('shows the auditor masks only, and refuses the auditor a reveal', async () => {
    const shenji = await t.as('shenji');
    const detail = (await t.app.inject({ url: `/api/v1/tenants/${zhangsan.id}`, headers: shenji })).json();
    expect(detail.idNumber).toBe(`500***********${ID_NUMBER.slice(-4)}`);
    const list = await t.app.inject({ url: '/api/v1/tenants?pageSize=200', headers: shenji });
    expect(list.body).not.toMatch(/"idNumber":"\d{18}/);
    expect(list.body).not.toMatch(/"phone":"1\d{10}"/);
    const reveal = await t.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${zhangsan.id}/reveal`,
      headers: shenji,
    });
    expect(problemOf(reveal)).toMatchObject({
      status: 403,
      code: 'forbidden',
      detail: '您没有执行此操作的权限（需要权限：pii:reveal）',
    });
    const exported = await t.app.inject({ url: '/api/v1/tenants/export?reveal=true', headers: shenji });
    expect(problemOf(exported).status).toBe(403);
  });

  it('gives an admin the plain values and audits the reveal as tenant.pii_reveal', async () => {
    const admin = await t.as('admin');
    const reveal = await t.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${zhangsan.id}/reveal`,
      headers: admin,
      payload: { reason: '签订合同核对身份' },
    });
    expect(reveal.json()).toEqual({
      id: zhangsan.id,
      idNumber: ID_NUMBER,
      phone: '13600001111',
      contactPhone: '023-49881234',
      bankAccount: null,
    });
    const [entry] = await queryRows<{ actor_name: string; after: unknown; entity_id: string }>(
      t.database.orm,
      sql`SELECT actor_name, after, entity_id FROM audit_log WHERE action = 'tenant.pii_reveal' ORDER BY id DESC LIMIT 1`,
    );
    expect(entry).toMatchObject({
      actor_name: 'admin',
      entity_id: zhangsan.id,
      after: { fields: ['idNumber', 'phone', 'contactPhone'], reason: '签订合同核对身份' },
    });
  });
});

describe('exporting tenants', () => {
  it('exports 承租方_<timestamp>.xlsx with personal data masked, equal to the list', async () => {
    const response = await t.app.inject({
      url: '/api/v1/tenants/export?kind=individual',
      headers: await t.as('shenji'),
    });
    expect(decodeURIComponent(String(response.headers['content-disposition']))).toMatch(/承租方_\d{14}\.xlsx$/);
    const [header, ...rows] = await rowsOf(response.rawPayload);
    expect(header?.slice(0, 6)).toEqual(['承租方编号', '类型', '名称', '身份证号', '统一社会信用代码', '手机号']);
    const list = (await t.app.inject({ url: '/api/v1/tenants?kind=individual&pageSize=200', headers: zichan })).json();
    expect(rows.map((cells) => [cells[0], cells[2], cells[3], cells[5]])).toEqual(
      list.items.map((item: Record<string, string>) => [item.code, item.name, item.idNumber, item.phone]),
    );
    expect(rows.length).toBe(82);
    for (const cells of rows) expect(String(cells[3])).toMatch(/^\d{3}\*{11}[\dX]{4}$/);
  });

  it('exports plain values only for a holder of pii:reveal who asks, and audits it', async () => {
    const before = await queryRows<{ n: number }>(
      t.database.orm,
      sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'tenant.pii_reveal'`,
    );
    const response = await t.app.inject({
      url: `/api/v1/tenants/export?reveal=true&idNumber=${ID_NUMBER}`,
      headers: await t.as('admin'),
    });
    const [, row] = await rowsOf(response.rawPayload);
    expect(row?.[3]).toBe(ID_NUMBER);
    expect(row?.[5]).toBe('13600001111');
    const [entry] = await queryRows<{ after: { export: boolean; count: number; filter: { idNumber: string } } }>(
      t.database.orm,
      sql`SELECT after FROM audit_log WHERE action = 'tenant.pii_reveal' ORDER BY id DESC LIMIT 1`,
    );
    expect(entry?.after).toMatchObject({ export: true, count: 1, filter: { idNumber: '***' } });
    const after = await queryRows<{ n: number }>(
      t.database.orm,
      sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'tenant.pii_reveal'`,
    );
    expect(after[0]!.n).toBe(before[0]!.n + 1);
  });
});
