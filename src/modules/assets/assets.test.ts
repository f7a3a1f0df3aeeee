import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, problemOf, type TestApp } from '../../../test/helpers/app.ts';
import { multipartFile } from '../../../test/helpers/uploads.ts';
import { queryRows } from '../../db/client.ts';
import { systemActor } from '../audit/service.ts';
import { findOrCreateOrg } from '../orgs/service.ts';
import { usersService } from '../users/service.ts';
import { assetsService } from './service.ts';

let t: TestApp;
let zichan: Record<string, string>;
beforeAll(async () => {
  t = await createTestApp();
  zichan = await t.as('zichan');
});
afterAll(() => t.close());

/** Everything an asset write could touch. */
const counts = async () =>
  (
    await queryRows<Record<string, number>>(
      t.database.orm,
      sql`SELECT (SELECT count(*)::int FROM assets) AS assets,
                 (SELECT count(*)::int FROM asset_status_history) AS history,
                 (SELECT count(*)::int FROM asset_attachments) AS attachments,
                 (SELECT count(*)::int FROM audit_log) AS audit,
                 (SELECT string_agg(md5(a::text), ',' ORDER BY id) FROM assets a) AS rows`,
    )
  )[0];

async function create(body: Record<string, unknown>, headers = zichan) {
  return t.app.inject({ method: 'POST', url: '/api/v1/assets', headers, payload: body });
}

async function idOf(code: string): Promise<string> {
  const response = await t.app.inject({ url: `/api/v1/assets?code=${encodeURIComponent(code)}`, headers: zichan });
  const asset = response.json().items.find((item: { code: string }) => item.code === code);
  if (!asset) throw new Error(`no asset ${code}`);
  return asset.id;
}

describe('registering assets in their hierarchy', () => {
  let projectId: string;
  let buildingId: string;

  it('creates a project, a building, a floor and units, each audited with its first status', async () => {
    const project = await create({
      code: 'T-PRJ',
      name: '测试园区',
      type: 'project',
      address: '重庆市永川区测试路 1 号',
    });
    expect(project.statusCode).toBe(201);
    projectId = project.json().id;
    const building = await create({
      code: 'T-B1',
      name: '测试1号楼',
      type: 'building',
      parentId: projectId,
      propertyCertificateNo: '渝(2020)永川区不动产权第0009999号',
      bookValueFen: 1_250_000_00,
      acquisitionDate: '2020-06-30',
      taxMethod: 'general',
    });
    expect(building.json()).toMatchObject({
      type: 'building',
      parentId: projectId,
      parentCode: 'T-PRJ',
      parentName: '测试园区',
      bookValueFen: 125_000_000,
      acquisitionDate: '2020-06-30',
      status: 'vacant',
    });
    buildingId = building.json().id;
    const floor = await create({ code: 'T-B1-01F', name: '1层', type: 'floor', parentId: buildingId });
    for (const [code, area] of [
      ['T-B1-101', '120.5'],
      ['T-B1-102', '80'],
      ['T-B1-103', '45.25'],
    ] as const) {
      const unit = await create({ code, name: `${code}室`, type: 'unit', parentId: floor.json().id, areaSqm: area });
      expect(unit.statusCode).toBe(201);
    }
    const shop = await create({
      code: 'T-B1-S01',
      name: '临街商铺',
      type: 'unit',
      parentId: buildingId,
      areaSqm: '30.00',
      status: 'reserved',
    });
    expect(shop.json()).toMatchObject({ status: 'reserved', areaSqm: '30.00' });

    const unit = (await t.app.inject({ url: `/api/v1/assets/${await idOf('T-B1-101')}`, headers: zichan })).json();
    expect(unit).toMatchObject({ areaSqm: '120.50', parentCode: 'T-B1-01F', status: 'vacant' });
    const history = await t.app.inject({ url: `/api/v1/assets/${unit.id}/status-history`, headers: zichan });
    expect(history.json().items).toEqual([
      expect.objectContaining({ fromStatus: null, toStatus: 'vacant', reason: '登记', actorName: 'zichan' }),
    ]);
    const audit = await t.app.inject({
      url: `/api/v1/audit-log?action=asset.create&entityId=${unit.id}`,
      headers: await t.as('admin'),
    });
    expect(audit.json().items[0]).toMatchObject({ actorName: 'zichan', after: { code: 'T-B1-101' } });
  });

  it('shows a project as a tree: building → floor → units', async () => {
    const tree = (await t.app.inject({ url: `/api/v1/assets/${projectId}/tree`, headers: zichan })).json();
    expect(tree).toMatchObject({ code: 'T-PRJ', type: 'project' });
    const building = tree.children[0];
    expect(building.code).toBe('T-B1');
    expect(building.children.map((child: { code: string }) => child.code)).toEqual(['T-B1-01F', 'T-B1-S01']);
    expect(
      building.children[0].children.map((unit: { code: string; areaSqm: string }) => [unit.code, unit.areaSqm]),
    ).toEqual([
      ['T-B1-101', '120.50'],
      ['T-B1-102', '80.00'],
      ['T-B1-103', '45.25'],
    ]);
  });

  it('filters by project (any depth), parent, type, status, area range, code and keyword, with paging', async () => {
    const list = async (query: string) =>
      (await t.app.inject({ url: `/api/v1/assets?${query}`, headers: zichan })).json() as {
        items: { code: string }[];
        total: number;
      };
    const codes = async (query: string) => (await list(query)).items.map((item) => item.code);
    expect(await codes(`projectId=${projectId}`)).toEqual([
      'T-B1',
      'T-B1-01F',
      'T-B1-101',
      'T-B1-102',
      'T-B1-103',
      'T-B1-S01',
    ]);
    expect(await codes(`projectId=${projectId}&type=unit&areaMin=45.25&areaMax=100`)).toEqual(['T-B1-102', 'T-B1-103']);
    expect(await codes(`parentId=${buildingId}`)).toEqual(['T-B1-01F', 'T-B1-S01']);
    expect(await codes(`projectId=${projectId}&status=reserved&status=self_use`)).toEqual(['T-B1-S01']);
    expect(await codes(`projectId=${projectId}&type=floor&type=building`)).toEqual(['T-B1', 'T-B1-01F']);
    expect(await codes('keyword=临街')).toEqual(['T-B1-S01']);
    expect(await codes('code=T-B1-10&sort=-code')).toEqual(['T-B1-103', 'T-B1-102', 'T-B1-101']);
    expect(await codes(`projectId=${projectId}&type=unit&sort=-areaSqm`)).toEqual([
      'T-B1-101',
      'T-B1-102',
      'T-B1-103',
      'T-B1-S01',
    ]);
    const page = await list(`projectId=${projectId}&page=2&pageSize=4`);
    expect(page).toMatchObject({ total: 6, page: 2, pageSize: 4 });
    expect(page.items.map((item) => item.code)).toEqual(['T-B1-103', 'T-B1-S01']);
    // The demo registry: three projects, about 200 assets.
    const demo = await list('type=project');
    expect(demo.items.map((item) => item.code)).toEqual(expect.arrayContaining(['FHH', 'XLH', 'YCGX']));
    expect((await list(`projectId=${await idOf('FHH')}&type=parking`)).total).toBe(12);
    expect((await list('pageSize=1')).total).toBeGreaterThanOrEqual(190);
  });

  it('refuses an asset in the wrong place, saying where it may go', async () => {
    const before = await counts();
    const unitUnderProject = await create({ code: 'T-X1', name: 'x', type: 'unit', parentId: projectId });
    expect(problemOf(unitUnderProject)).toMatchObject({
      status: 422,
      code: 'asset_parent_not_allowed',
      detail: '房间/铺位不能放在项目之下，应放在楼层或楼栋之下',
    });
    const floorAlone = await t.app.inject({
      method: 'POST',
      url: '/api/v1/assets',
      headers: { ...zichan, 'accept-language': 'en' },
      payload: { code: 'T-X2', name: 'x', type: 'floor' },
    });
    expect(problemOf(floorAlone).detail).toBe('a floor must sit under a building; choose its parent');
    const projectInProject = await create({ code: 'T-X3', name: 'x', type: 'project', parentId: projectId });
    expect(problemOf(projectInProject).detail).toBe('项目是顶级资产，不能有上级资产');
    const missingParent = await create({
      code: 'T-X4',
      name: 'x',
      type: 'building',
      parentId: '00000000-0000-4000-8000-000000000000',
    });
    expect(problemOf(missingParent)).toMatchObject({ status: 422, code: 'asset_parent_not_found' });
    expect(await counts()).toEqual(before);
  });

  it('refuses a code already used in the organisation, naming the asset that has it', async () => {
    const before = await counts();
    const duplicate = await create({ code: 'T-B1-101', name: '另一个', type: 'building' });
    expect(problemOf(duplicate)).toMatchObject({
      status: 409,
      code: 'asset_code_taken',
      detail: '资产编号 T-B1-101 已被资产“T-B1-101室”使用，请换一个编号',
    });
    expect(await counts()).toEqual(before);
  });

  it('moves an asset and refuses a type its children could not sit under', async () => {
    const floorId = await idOf('T-B1-01F');
    const toUnit = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/assets/${floorId}`,
      headers: zichan,
      payload: { type: 'unit' },
    });
    expect(problemOf(toUnit).detail).toBe(
      '改为房间/铺位后，下级资产 T-B1-101（房间/铺位）不能再放在它之下，请先调整下级资产',
    );
    const shopId = await idOf('T-B1-S01');
    const moved = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/assets/${shopId}`,
      headers: zichan,
      payload: { parentId: floorId, name: '1层商铺', areaSqm: '31.5' },
    });
    expect(moved.json()).toMatchObject({ parentCode: 'T-B1-01F', name: '1层商铺', areaSqm: '31.50' });
  });
});

describe('asset status', () => {
  it('changes by hand with a reason kept in the history', async () => {
    const id = await idOf('T-B1-102');
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/assets/${id}`,
      headers: zichan,
      payload: { status: 'unavailable', statusReason: '漏水维修' },
    });
    expect(patched.json().status).toBe('unavailable');
    const history = (await t.app.inject({ url: `/api/v1/assets/${id}/status-history`, headers: zichan })).json();
    expect(history.items[0]).toMatchObject({ fromStatus: 'vacant', toStatus: 'unavailable', reason: '漏水维修' });
    expect(history.total).toBe(2);
  });

  it('refuses `leased` through PATCH: only a contract sets it; nothing is written', async () => {
    const id = await idOf('T-B1-103');
    const before = await counts();
    const response = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/assets/${id}`,
      headers: zichan,
      payload: { status: 'leased', name: '改名也不行' },
    });
    expect(problemOf(response)).toMatchObject({
      status: 422,
      code: 'asset_status_leased_by_contract',
      detail: '“已出租”状态只能由生效的租赁合同设置，不能手工设置',
    });
    expect(problemOf(response).errors?.[0]?.path).toBe('body/status');
    expect(await counts()).toEqual(before);
  });

  it('is leased and freed by a contract through the service, and a leased asset cannot be changed by hand', async () => {
    const id = await idOf('T-B1-103');
    const contractId = '11111111-1111-4111-8111-111111111111';
    const actor = { ...systemActor, orgId: t.orgId, name: 'contracts' };
    await t.database.orm.transaction((tx) => assetsService.recordLease(tx, actor, { assetIds: [id], contractId }));
    expect((await t.app.inject({ url: `/api/v1/assets/${id}`, headers: zichan })).json().status).toBe('leased');
    const byHand = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/assets/${id}`,
      headers: zichan,
      payload: { status: 'vacant' },
    });
    expect(problemOf(byHand)).toMatchObject({ status: 409, code: 'asset_leased_status_locked' });
    await t.database.orm.transaction((tx) => assetsService.recordLeaseEnded(tx, actor, { assetIds: [id], contractId }));
    const history = (await t.app.inject({ url: `/api/v1/assets/${id}/status-history`, headers: zichan })).json();
    expect(history.items.slice(0, 2)).toEqual([
      expect.objectContaining({ fromStatus: 'leased', toStatus: 'vacant', contractId }),
      expect.objectContaining({ fromStatus: 'vacant', toStatus: 'leased', contractId, reason: '合同生效' }),
    ]);
    // A unit under repair cannot be leased.
    const repairing = await idOf('T-B1-102');
    await expect(
      t.database.orm.transaction((tx) => assetsService.recordLease(tx, actor, { assetIds: [repairing], contractId })),
    ).rejects.toMatchObject({ status: 409, key: 'asset_not_leasable' });
  });

  it('keeps a disposed asset disposed', async () => {
    const id = (await create({ code: 'T-LAND', name: '测试地块', type: 'land', status: 'disposed' })).json().id;
    const response = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/assets/${id}`,
      headers: zichan,
      payload: { status: 'vacant' },
    });
    expect(problemOf(response)).toMatchObject({ status: 409, code: 'asset_disposed_final' });
  });
});

describe('bad input gets a 4xx problem+json and writes nothing', () => {
  const bad: [string, Record<string, unknown>][] = [
    ['an area with 3 decimals', { code: 'B1', name: 'x', type: 'land', areaSqm: '12.345' }],
    ['an area as a number', { code: 'B2', name: 'x', type: 'land', areaSqm: 12.5 }],
    ['a negative book value', { code: 'B3', name: 'x', type: 'land', bookValueFen: -1 }],
    ['a book value in yuan with decimals', { code: 'B4', name: 'x', type: 'land', bookValueFen: 12.5 }],
    ['an impossible date', { code: 'B5', name: 'x', type: 'land', acquisitionDate: '2021-02-30' }],
    ['an unknown type', { code: 'B6', name: 'x', type: 'castle' }],
    ['an empty code', { code: '', name: 'x', type: 'land' }],
    ['a blank name', { code: 'B8', name: '   ', type: 'land' }],
    ['a parent that is not an id', { code: 'B9', name: 'x', type: 'land', parentId: 'YCGX' }],
    ['an unknown field', { code: 'B10', name: 'x', type: 'land', owner: 'me' }],
    ['leased at creation', { code: 'B11', name: 'x', type: 'land', status: 'leased' }],
    ['a code of 51 characters', { code: 'x'.repeat(51), name: 'x', type: 'land' }],
  ];
  for (const [name, body] of bad) {
    it(`refuses ${name}`, async () => {
      const before = await counts();
      const response = await create(body);
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      expect(problemOf(response).detail).toMatch(/[\u4e00-\u9fa5]/);
      expect(await counts()).toEqual(before);
    });
  }

  it('refuses a PATCH with nothing in it, or for an asset that does not exist', async () => {
    const id = await idOf('T-B1-101');
    const empty = await t.app.inject({ method: 'PATCH', url: `/api/v1/assets/${id}`, headers: zichan, payload: {} });
    expect(problemOf(empty).status).toBe(400);
    const missing = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/assets/00000000-0000-4000-8000-000000000000',
      headers: zichan,
      payload: { name: 'x' },
    });
    expect(problemOf(missing)).toMatchObject({ status: 404, detail: '未找到资产' });
  });
});

describe('who may do what', () => {
  it('lets the auditor and finance read but not write', async () => {
    for (const username of ['shenji', 'caiwu', 'shenpi']) {
      const headers = await t.as(username);
      expect((await t.app.inject({ url: '/api/v1/assets', headers })).statusCode).toBe(200);
      const write = await create({ code: `T-${username}`, name: 'x', type: 'land' }, headers);
      expect(problemOf(write)).toMatchObject({ status: 403, code: 'forbidden' });
    }
  });

  it('keeps each organisation to its own registry', async () => {
    const other = await findOrCreateOrg(t.database.orm, systemActor, { code: 'other-co', name: '另一家公司' });
    await usersService.create(t.database.orm, systemActor, other.id, {
      username: 'other_zichan',
      displayName: '他司资产',
      password: 'Other@Pass2026',
      roles: ['asset_manager'],
    });
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'other_zichan', password: 'Other@Pass2026' },
    });
    const headers = { authorization: `Bearer ${login.json().token}` };
    expect((await t.app.inject({ url: '/api/v1/assets', headers })).json().total).toBe(0);
    const theirs = await t.app.inject({ url: `/api/v1/assets/${await idOf('T-B1-101')}`, headers });
    expect(problemOf(theirs).status).toBe(404);
    // The same code is free in another organisation; a parent from another organisation is not found.
    expect((await create({ code: 'T-B1-101', name: '他司房间', type: 'building' }, headers)).statusCode).toBe(201);
    const foreignParent = await create(
      { code: 'T-F1', name: 'x', type: 'floor', parentId: await idOf('T-B1') },
      headers,
    );
    expect(problemOf(foreignParent).code).toBe('asset_parent_not_found');
  });
});

describe('photos and documents', () => {
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);

  it('uploads a photo checked by its bytes, lists it, serves it back unchanged, and audits it', async () => {
    const id = await idOf('T-B1-101');
    const upload = multipartFile('现场照片.png', png, 'image/png');
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/v1/assets/${id}/attachments`,
      headers: { ...zichan, ...upload.headers },
      payload: upload.payload,
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      kind: 'photo',
      fileName: '现场照片.png',
      contentType: 'image/png',
      sizeBytes: 208,
    });
    const list = (await t.app.inject({ url: `/api/v1/assets/${id}/attachments`, headers: zichan })).json();
    expect(list.items).toHaveLength(1);
    const download = await t.app.inject({
      url: `/api/v1/assets/${id}/attachments/${list.items[0].id}`,
      headers: await t.as('shenji'),
    });
    expect(download.headers['content-type']).toBe('image/png');
    expect(download.headers['content-disposition']).toContain(
      "filename*=UTF-8''%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.png",
    );
    expect(download.rawPayload.equals(png)).toBe(true);
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/assets/${id}/attachments/${list.items[0].id}`,
      headers: zichan,
    });
    expect(removed.statusCode).toBe(204);
    const actions = await queryRows<{ action: string }>(
      t.database.orm,
      sql`SELECT action FROM audit_log WHERE entity_id = ${id} AND action LIKE 'asset.attachment%' ORDER BY id`,
    );
    expect(actions.map((row) => row.action)).toEqual(['asset.attachment_add', 'asset.attachment_remove']);
  });

  it('refuses a program named .jpg, a file over 10 MB, an empty file and a JSON body; nothing is stored', async () => {
    const id = await idOf('T-B1-102');
    const before = await counts();
    const post = (body: { payload: Buffer | string; headers: Record<string, string> }) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/assets/${id}/attachments`,
        headers: { ...zichan, ...body.headers },
        payload: body.payload,
      });
    const disguised = await post(multipartFile('photo.jpg', Buffer.from('MZ\x90\x00 this is a program'), 'image/jpeg'));
    expect(problemOf(disguised)).toMatchObject({ status: 415, code: 'attachment_type' });
    const huge = await post(
      multipartFile('big.pdf', Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(10 * 1024 * 1024)])),
    );
    expect(problemOf(huge)).toMatchObject({
      status: 413,
      code: 'file_too_large',
      detail: '文件过大，上限 10 MB，请压缩后再上传',
    });
    const empty = await post(multipartFile('empty.pdf', Buffer.alloc(0)));
    expect(problemOf(empty)).toMatchObject({ status: 400, code: 'file_empty' });
    const json = await post({ payload: '{"file":"x"}', headers: { 'content-type': 'application/json' } });
    expect(problemOf(json)).toMatchObject({ status: 415, code: 'multipart_required' });
    expect(await counts()).toEqual(before);
    expect(fs.existsSync(path.join(t.config.storageDir, 'assets', t.orgId, id))).toBe(false);
  });
});
