import type { AssetType, ManualStatus, TaxMethod } from '../domain/asset-rules.ts';
import type { ParsedAssetRow } from '../modules/assets/spreadsheet.ts';
import { seededRandom } from './random.ts';

// The demo registry of 政鑫公司: three projects in 永川, about 200 assets.
//   永川高新区创新产业园 — two office towers and a podium of shops;
//   兴龙湖人才公寓 — two blocks of flats;
//   凤凰湖商业街 — a row of street shops, parking spaces and a warehouse.

interface DemoAsset {
  code: string;
  name: string;
  type: AssetType;
  parentCode: string | null;
  areaSqm: string | null;
  status: ManualStatus;
  address: string | null;
  propertyCertificateNo: string | null;
  bookValueFen: number | null;
  acquisitionDate: string | null;
  taxMethod: TaxMethod | null;
}

export const DEMO_PROJECT_CODES = ['YCGX', 'XLH', 'FHH'] as const;

export function demoAssets(): DemoAsset[] {
  const random = seededRandom(20261126);
  const assets: DemoAsset[] = [];
  let certificate = 1201;
  const area = (min: number, max: number) => `${random.int(min, max)}.${String(random.int(0, 99)).padStart(2, '0')}`;
  // Mostly vacant: leased comes with the contracts.
  const status = (): ManualStatus => {
    const roll = random.next();
    return roll < 0.82 ? 'vacant' : roll < 0.9 ? 'reserved' : roll < 0.95 ? 'self_use' : 'unavailable';
  };
  const add = (
    asset: Omit<DemoAsset, 'status' | 'propertyCertificateNo' | 'bookValueFen'> & {
      yuanPerSqm?: number;
      status?: ManualStatus;
    },
  ) => {
    const { yuanPerSqm, ...rest } = asset;
    const withCertificate = asset.type === 'building' || asset.type === 'warehouse' || asset.type === 'land';
    assets.push({
      ...rest,
      status:
        asset.status ??
        (asset.type === 'project' || asset.type === 'building' || asset.type === 'floor' ? 'vacant' : status()),
      propertyCertificateNo: withCertificate
        ? `渝(${asset.acquisitionDate?.slice(0, 4)})永川区不动产权第${String(certificate++).padStart(7, '0')}号`
        : null,
      bookValueFen:
        yuanPerSqm && asset.areaSqm ? Math.round(Number(asset.areaSqm.replace('.', '')) * yuanPerSqm) : null,
    });
  };

  // 永川高新区创新产业园: A1 (6 floors), A2 (5 floors) offices, and a podium of 12 shops.
  const park = {
    address: '重庆市永川区凤凰湖工业园区创新大道 9 号',
    acquisitionDate: '2019-08-20',
    taxMethod: 'general' as const,
  };
  add({ code: 'YCGX', name: '永川高新区创新产业园', type: 'project', parentCode: null, areaSqm: null, ...park });
  for (const [tower, floors] of [
    ['A1', 6],
    ['A2', 5],
  ] as const) {
    const building = `YCGX-${tower}`;
    add({ code: building, name: `创新产业园${tower}栋`, type: 'building', parentCode: 'YCGX', areaSqm: null, ...park });
    for (let floor = 1; floor <= floors; floor++) {
      const floorCode = `${building}-${String(floor).padStart(2, '0')}F`;
      add({
        code: floorCode,
        name: `${tower}栋${floor}层`,
        type: 'floor',
        parentCode: building,
        areaSqm: null,
        ...park,
      });
      for (let room = 1; room <= 6; room++) {
        const number = `${floor}${String(room).padStart(2, '0')}`;
        add({
          code: `${building}-${number}`,
          name: `${tower}栋${number}室（办公）`,
          type: 'unit',
          parentCode: floorCode,
          areaSqm: area(60, 240),
          yuanPerSqm: 5800,
          ...park,
        });
      }
    }
  }
  add({ code: 'YCGX-SP', name: '创新产业园商业裙楼', type: 'building', parentCode: 'YCGX', areaSqm: null, ...park });
  for (let shop = 1; shop <= 12; shop++) {
    add({
      code: `YCGX-SP-${String(shop).padStart(2, '0')}`,
      name: `裙楼${shop}号商铺`,
      type: 'unit',
      parentCode: 'YCGX-SP',
      areaSqm: area(30, 150),
      yuanPerSqm: 9200,
      ...park,
    });
  }

  // 兴龙湖人才公寓: two blocks, 7 floors of 4 flats each.
  const flats = {
    address: '重庆市永川区兴龙湖片区人才路 66 号',
    acquisitionDate: '2021-03-15',
    taxMethod: 'general' as const,
  };
  add({ code: 'XLH', name: '兴龙湖人才公寓', type: 'project', parentCode: null, areaSqm: null, ...flats });
  for (const block of [1, 2]) {
    const building = `XLH-${block}`;
    add({ code: building, name: `人才公寓${block}号楼`, type: 'building', parentCode: 'XLH', areaSqm: null, ...flats });
    for (let floor = 1; floor <= 7; floor++) {
      const floorCode = `${building}-${String(floor).padStart(2, '0')}F`;
      add({
        code: floorCode,
        name: `${block}号楼${floor}层`,
        type: 'floor',
        parentCode: building,
        areaSqm: null,
        ...flats,
      });
      for (let flat = 1; flat <= 4; flat++) {
        const number = `${floor}0${flat}`;
        add({
          code: `${building}-${number}`,
          name: `${block}号楼${number}（公寓）`,
          type: 'unit',
          parentCode: floorCode,
          areaSqm: area(45, 90),
          yuanPerSqm: 4600,
          ...flats,
        });
      }
    }
  }

  // 凤凰湖商业街: 16 street shops in one row, 12 parking spaces, a warehouse. Bought before the 2016 VAT reform.
  const street = {
    address: '重庆市永川区凤凰湖大道 168 号',
    acquisitionDate: '2014-11-30',
    taxMethod: 'simple' as const,
  };
  add({ code: 'FHH', name: '凤凰湖商业街', type: 'project', parentCode: null, areaSqm: null, ...street });
  add({ code: 'FHH-1', name: '商业街一期', type: 'building', parentCode: 'FHH', areaSqm: null, ...street });
  for (let shop = 1; shop <= 16; shop++) {
    add({
      code: `FHH-1-${String(shop).padStart(3, '0')}`,
      name: `商业街一期${shop}号铺`,
      type: 'unit',
      parentCode: 'FHH-1',
      areaSqm: area(40, 180),
      yuanPerSqm: 7800,
      ...street,
    });
  }
  for (let space = 1; space <= 12; space++) {
    add({
      code: `FHH-P${String(space).padStart(3, '0')}`,
      name: `地面停车位 P${String(space).padStart(3, '0')}`,
      type: 'parking',
      parentCode: 'FHH',
      areaSqm: '12.50',
      yuanPerSqm: 3000,
      ...street,
    });
  }
  add({
    code: 'FHH-CK1',
    name: '凤凰湖1号仓库',
    type: 'warehouse',
    parentCode: 'FHH',
    areaSqm: '1200.00',
    yuanPerSqm: 1500,
    ...street,
  });
  return assets;
}

/** The demo registry as the importer takes it. */
export function demoAssetRows(): ParsedAssetRow[] {
  return demoAssets().map((asset, i) => ({
    row: i + 2,
    code: asset.code,
    type: asset.type,
    draft: { row: i + 2, ...asset, remarks: null },
  }));
}
