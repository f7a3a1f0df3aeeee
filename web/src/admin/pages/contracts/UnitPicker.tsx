// Step 2 of the wizard: the units to let (rooms, shops, parking, land, warehouses, factories), vacant ones first,
// each with its area and status. One contract may let several units; their areas add up exactly.

import { WarningOutlined } from '@ant-design/icons';
import { Alert, Badge, Input, Space, Table, type TableColumnType, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { AssetStatus } from '../../../../../src/domain/asset-rules.ts';
import { errorDetail } from '../../../shared/api.ts';
import { useI18n } from '../../language.tsx';
import { formatArea, statusBadge, statusLabel, typeLabel } from '../assets/asset-labels.ts';
import type { Asset } from '../assets/assets-api.ts';
import { leasableAssets } from './contracts-api.ts';
import { totalArea } from './terms-form.ts';

/** What the wizard keeps of a chosen unit (a draft being edited gives only these). */
export type PickedUnit = Pick<Asset, 'id' | 'code' | 'name' | 'type' | 'areaSqm' | 'status'> &
  Partial<Pick<Asset, 'parentCode' | 'parentName' | 'taxMethod'>>;

/** Shown after the vacant ones; disposed assets are never offered. */
const OTHER_STATUSES: AssetStatus[] = ['reserved', 'leased', 'self_use', 'unavailable'];

export function UnitPicker({ value, onChange }: { value: PickedUnit[]; onChange: (units: PickedUnit[]) => void }) {
  const { t } = useI18n();
  const [keyword, setKeyword] = useState('');
  const [rows, setRows] = useState<Asset[]>([]);
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    const timer = setTimeout(() => {
      Promise.all([
        leasableAssets(['vacant'], keyword.trim(), controller.signal),
        leasableAssets(OTHER_STATUSES, keyword.trim(), controller.signal),
      ])
        .then(([vacant, others]) => {
          setRows([...vacant.items, ...others.items]);
          setMore(vacant.total > vacant.items.length || others.total > others.items.length);
          setError(null);
        })
        .catch((failure: unknown) => {
          if (!controller.signal.aborted) setError(errorDetail(failure));
        })
        .finally(() => !controller.signal.aborted && setLoading(false));
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [keyword]);

  const selectedIds = value.map((unit) => unit.id);
  const area = totalArea(value.map((unit) => unit.areaSqm));

  const columns: TableColumnType<Asset>[] = [
    { key: 'code', title: t('asset.code'), dataIndex: 'code' },
    { key: 'name', title: t('asset.name'), dataIndex: 'name', ellipsis: true },
    { key: 'type', title: t('asset.type'), render: (_v, row) => <Tag>{typeLabel(row.type, t)}</Tag> },
    { key: 'area', title: t('asset.area'), align: 'right', render: (_v, row) => formatArea(row.areaSqm) },
    {
      key: 'status',
      title: t('asset.status'),
      render: (_v, row) => (
        <Space size={4}>
          <Badge status={statusBadge(row.status)} text={statusLabel(row.status, t)} />
          {row.status !== 'vacant' && (
            <Tooltip title={t('contract.wizard.unitNotVacant')}>
              <WarningOutlined style={{ color: '#faad14' }} />
            </Tooltip>
          )}
        </Space>
      ),
    },
    {
      key: 'parent',
      title: t('asset.parent'),
      ellipsis: true,
      render: (_v, row) => (row.parentCode ? `${row.parentCode} ${row.parentName ?? ''}` : '-'),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <Input.Search
          id="contract_unit_search"
          data-testid="contract-unit-search"
          allowClear
          placeholder={t('contract.wizard.unitSearch')}
          style={{ width: 320 }}
          onChange={(event) => setKeyword(event.target.value)}
          onSearch={setKeyword}
        />
        <Typography.Text type="secondary">{t('contract.wizard.unitHint')}</Typography.Text>
      </Space>
      <div data-testid="contract-units-selected">
        {value.length === 0 ? (
          <Typography.Text type="secondary">{t('contract.wizard.unitsNone')}</Typography.Text>
        ) : (
          <Space wrap size={[4, 8]}>
            <Typography.Text>{t('contract.wizard.unitsChosen', { count: value.length })}</Typography.Text>
            {value.map((unit) => (
              <Tag
                key={unit.id}
                closable
                onClose={(event) => {
                  event.preventDefault();
                  onChange(value.filter((other) => other.id !== unit.id));
                }}
              >
                {unit.code} {unit.name} · {formatArea(unit.areaSqm)}
              </Tag>
            ))}
            <Typography.Text strong data-testid="contract-units-area">
              {t('contract.wizard.unitsArea', { area: formatArea(area) })}
            </Typography.Text>
          </Space>
        )}
      </div>
      {error && <Alert type="error" showIcon title={error} />}
      {more && <Alert type="info" showIcon title={t('contract.wizard.unitsMore')} />}
      <Table<Asset>
        data-testid="contract-units"
        size="small"
        rowKey="id"
        loading={loading}
        columns={columns}
        dataSource={rows}
        scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 10, showSizeChanger: false, showTotal: (total) => t('common.total', { total }) }}
        rowSelection={{
          selectedRowKeys: selectedIds,
          preserveSelectedRowKeys: true,
          onChange: (_keys, selected) => {
            // Rows on other pages (or no longer listed) stay chosen; this page's checkboxes decide its rows.
            const listed = new Set(rows.map((row) => row.id));
            const kept = value.filter((unit) => !listed.has(unit.id));
            const chosen = selected.filter((row): row is Asset => row !== undefined && listed.has(row.id));
            onChange([...kept, ...chosen.filter((row) => !kept.some((unit) => unit.id === row.id))]);
          },
        }}
      />
    </Space>
  );
}
