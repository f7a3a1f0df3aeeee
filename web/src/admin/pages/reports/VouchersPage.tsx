// 记账凭证: the journal of a date range as the vouchers 用友 or 金蝶 import — a paged preview with the totals and
// the accounts not yet mapped, the .xlsx of the same filter, and the account mapping (科目对照), editable by those
// who manage settings.

import { DownloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Input,
  Radio,
  Space,
  Table,
  type TableColumnType,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { errorDetail } from '../../../shared/api.ts';
import { formatFen } from '../../../shared/money.ts';
import { useLoaded } from '../../components/use-loaded.ts';
import type { MessageKey } from '../../i18n.ts';
import { useI18n } from '../../language.tsx';
import { useSession } from '../../session.tsx';
import { downloadFile } from '../assets/files.ts';
import { useReportPaging } from './paging.ts';
import {
  type MappingRow,
  VOUCHER_KEYS,
  type VoucherFormat,
  type VoucherLine,
  type VoucherPreview,
  vouchersApi,
} from './reports-api.ts';

const MONEY_KEYS = new Set(['debitFen', 'creditFen']);

function PreviewTab({ reloadKey }: { reloadKey: number }) {
  const { t, language } = useI18n();
  const { message } = App.useApp();
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs().startOf('month'), dayjs()]);
  const [format, setFormat] = useState<VoucherFormat>('yonyou');
  const { paging, setPaging, pagination } = useReportPaging();
  const [result, setResult] = useState<VoucherPreview | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const filter = useMemo(
    () => ({ from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD'), format }),
    [range, format],
  );

  // A new filter starts again at the first page.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the filter is what changes
  useEffect(() => setPaging((current) => ({ ...current, page: 1 })), [filter]);

  useEffect(() => {
    let live = true;
    setLoading(true);
    void attempt;
    void reloadKey;
    vouchersApi
      .preview({ ...filter, ...paging })
      .then((preview) => {
        if (!live) return;
        setResult(preview);
        setError(null);
      })
      .catch((failure: unknown) => live && setError(errorDetail(failure)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [filter, paging, attempt, reloadKey]);

  const exportWorkbook = useCallback(async () => {
    setExporting(true);
    try {
      await downloadFile(vouchersApi.exportPath, filter, `${t('voucher.title')}.xlsx`);
    } catch (failure) {
      message.error(errorDetail(failure));
    } finally {
      setExporting(false);
    }
  }, [filter, message, t]);

  // In Chinese the headers are the import file's own (金蝶 says 科目代码, 核算项目).
  const headerOf = (key: string) =>
    (language === 'zh' ? result?.headers.find((header) => header.key === key)?.header : undefined) ??
    t(`voucher.col.${key}` as MessageKey);
  const columns: TableColumnType<VoucherLine>[] = VOUCHER_KEYS.map((key) => ({
    key,
    dataIndex: key,
    title: headerOf(key),
    align: MONEY_KEYS.has(key) || key === 'voucherNo' ? 'right' : 'left',
    render: (value: unknown) =>
      value === null || value === undefined || value === '' ? (
        '-'
      ) : MONEY_KEYS.has(key) ? (
        <span style={{ whiteSpace: 'nowrap' }}>{formatFen(Number(value))}</span>
      ) : (
        String(value)
      ),
  }));

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <span>{t('voucher.range')}</span>
        <DatePicker.RangePicker
          value={range}
          allowClear={false}
          onChange={(values) => values?.[0] && values[1] && setRange([values[0], values[1]])}
          data-testid="voucher-range"
        />
        <span>{t('voucher.format')}</span>
        <Radio.Group
          optionType="button"
          value={format}
          onChange={(event) => setFormat(event.target.value as VoucherFormat)}
          options={[
            { value: 'yonyou', label: t('voucher.format.yonyou') },
            { value: 'kingdee', label: t('voucher.format.kingdee') },
          ]}
          data-testid="voucher-format"
        />
        <Button
          icon={<DownloadOutlined />}
          loading={exporting}
          onClick={() => void exportWorkbook()}
          data-testid="voucher-export"
        >
          {t('report.export')}
        </Button>
      </Space>
      {error && (
        <Alert
          type="error"
          showIcon
          title={t('common.loadFailed')}
          description={error}
          action={
            <Button size="small" onClick={() => setAttempt((count) => count + 1)}>
              {t('common.retry')}
            </Button>
          }
        />
      )}
      {result && result.warnings.length > 0 && (
        <Alert
          type="warning"
          showIcon
          data-testid="voucher-unmapped"
          title={t('voucher.unmappedTitle', { count: result.warnings.length })}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 20 }}>
              {result.warnings.map((warning) => (
                <li key={warning.accountCode}>
                  {language === 'zh'
                    ? warning.message
                    : t('voucher.unmappedLine', { code: warning.accountCode, name: warning.accountName })}
                </li>
              ))}
            </ul>
          }
        />
      )}
      {result && (
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 5 }} data-testid="voucher-totals">
          <Descriptions.Item label={t('voucher.voucherCount')}>{result.voucherCount}</Descriptions.Item>
          <Descriptions.Item label={t('voucher.lineCount')}>{result.lineCount}</Descriptions.Item>
          <Descriptions.Item label={t('voucher.debitTotal')}>{formatFen(result.debitFen)}</Descriptions.Item>
          <Descriptions.Item label={t('voucher.creditTotal')}>{formatFen(result.creditFen)}</Descriptions.Item>
          <Descriptions.Item label={t('voucher.balanced')}>
            <Tag color={result.balanced ? 'success' : 'error'} data-testid="voucher-balanced">
              {result.balanced ? t('voucher.balanced') : t('voucher.unbalanced')}
            </Tag>
          </Descriptions.Item>
        </Descriptions>
      )}
      <Table<VoucherLine & { _key?: string }>
        size="small"
        rowKey="_key"
        columns={columns}
        dataSource={(result?.items ?? []).map((row, index) => ({ ...row, _key: `${paging.page}-${index}` }))}
        loading={loading}
        scroll={{ x: 'max-content' }}
        pagination={pagination(result?.total ?? 0)}
        data-testid="voucher-table"
      />
    </Space>
  );
}

const loadMapping = () => vouchersApi.mapping().then((mapping) => mapping.items);

function MappingTab({ onSaved }: { onSaved: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const editable = can('settings:manage');
  const { data: rows, error, setData: setRows } = useLoaded(true, loadMapping);
  const [saving, setSaving] = useState(false);

  const edit = (accountCode: string, field: 'externalCode' | 'externalName', value: string) =>
    setRows((current) =>
      (current ?? []).map((row) => (row.accountCode === accountCode ? { ...row, [field]: value } : row)),
    );

  const save = async () => {
    const filled = (text: string | null) => (text ?? '').trim() !== '';
    const half = (rows ?? []).find((row) => filled(row.externalCode) !== filled(row.externalName));
    if (half) {
      message.error(t('voucher.mapping.incomplete', { code: half.accountCode }));
      return;
    }
    setSaving(true);
    try {
      const items = (rows ?? [])
        .filter((row) => filled(row.externalCode))
        .map((row) => ({
          accountCode: row.accountCode,
          externalCode: (row.externalCode ?? '').trim(),
          externalName: (row.externalName ?? '').trim(),
        }));
      const saved = await vouchersApi.saveMapping(items);
      setRows(saved.items);
      message.success(t('voucher.mapping.saved'));
      onSaved();
    } catch (failure) {
      message.error(errorDetail(failure));
    } finally {
      setSaving(false);
    }
  };

  const external = (field: 'externalCode' | 'externalName'): TableColumnType<MappingRow> => ({
    key: field,
    dataIndex: field,
    title: t(`voucher.mapping.${field}`),
    render: (value: string | null, row) =>
      editable ? (
        <Input
          value={value ?? ''}
          maxLength={field === 'externalCode' ? 40 : 100}
          onChange={(event) => edit(row.accountCode, field, event.target.value)}
          data-testid={`voucher-mapping-${field}-${row.accountCode}`}
        />
      ) : (
        (value ?? '-')
      ),
  });

  if (error) return <Alert type="error" showIcon title={t('common.loadFailed')} description={error} />;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Alert
        type="info"
        showIcon
        title={editable ? t('voucher.mapping.hint') : t('voucher.mapping.readOnly')}
        data-testid="voucher-mapping-hint"
      />
      <Table<MappingRow>
        size="small"
        rowKey="accountCode"
        loading={rows === null}
        dataSource={rows ?? []}
        pagination={false}
        columns={[
          { key: 'accountCode', dataIndex: 'accountCode', title: t('voucher.mapping.ourCode') },
          { key: 'accountName', dataIndex: 'accountName', title: t('voucher.mapping.ourName') },
          external('externalCode'),
          external('externalName'),
        ]}
        data-testid="voucher-mapping"
      />
      {editable && (
        <Button type="primary" loading={saving} onClick={() => void save()} data-testid="voucher-mapping-save">
          {t('common.save')}
        </Button>
      )}
    </Space>
  );
}

export default function VouchersPage() {
  const { t } = useI18n();
  // A saved mapping changes the preview's subjects and warnings.
  const [saves, setSaves] = useState(0);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="report-vouchers">
      <Link to="/reports">{t('report.backToList')}</Link>
      <Card title={t('voucher.title')}>
        <Typography.Paragraph type="secondary">{t('voucher.about')}</Typography.Paragraph>
        <Tabs
          items={[
            { key: 'preview', label: t('voucher.tab.preview'), children: <PreviewTab reloadKey={saves} /> },
            {
              key: 'mapping',
              label: t('voucher.tab.mapping'),
              children: <MappingTab onSaved={() => setSaves((count) => count + 1)} />,
            },
          ]}
        />
      </Card>
    </Space>
  );
}
