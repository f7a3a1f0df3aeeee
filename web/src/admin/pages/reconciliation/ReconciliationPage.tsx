// 对账: the runs per channel and statement day (对账 fetches a day's statement, 上传对账单 takes a file by hand), each
// run's result in a drawer (?run=…), and finance's worklist of differences (?tab=differences).

import { UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, DatePicker, Form, Modal, Select, Tabs, Typography, Upload, type UploadFile } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { errorDetail } from '../../../shared/api.ts';
import { formatFen } from '../../../shared/money.ts';
import { validValues } from '../../components/form-errors.ts';
import { type ListColumn, ListPage, type ListPageAction, type ListRequest } from '../../components/ListPage.tsx';
import { useI18n } from '../../language.tsx';
import { useSession } from '../../session.tsx';
import type { Translate } from '../assets/asset-labels.ts';
import { showMappedErrors } from '../billing/billing-labels.ts';
import { formatTime } from '../payments/PaymentOrderDrawer.tsx';
import { PROVIDERS, providerEnum, providerLabel } from '../payments/payment-labels.ts';
import type { Provider } from '../payments/payments-api.ts';
import { useDifferenceActions } from './DifferenceActions.tsx';
import { RunDrawer } from './RunDrawer.tsx';
import {
  differencesApi,
  type ReconciliationDifference,
  type ReconciliationRun,
  reconciliationApi,
} from './reconciliation-api.ts';
import {
  chinaYesterday,
  differenceKindEnum,
  differenceStatusEnum,
  resolveActionLabel,
  runStatusLabel,
} from './reconciliation-labels.ts';

interface ReconcileValues {
  channel: Provider;
  date: Dayjs;
  file?: UploadFile[];
}

/** 对账 (fetch the statement) or 上传对账单 (a file by hand): channel and day, then the run's result. */
function ReconcileModal({
  mode,
  onClose,
  onDone,
}: {
  mode: 'fetch' | 'upload' | null;
  onClose: () => void;
  onDone: (run: ReconciliationRun) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<ReconcileValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const uploading = mode === 'upload';

  async function submit() {
    const values = await validValues(form);
    if (!values) return;
    setSaving(true);
    setError(null);
    const date = values.date.format('YYYY-MM-DD');
    try {
      const file = values.file?.[0]?.originFileObj;
      const run =
        uploading && file
          ? await reconciliationApi.upload(values.channel, date, file)
          : await reconciliationApi.reconcile(values.channel, date);
      onDone(run);
    } catch (failure) {
      if (!showMappedErrors(form, failure, { channel: 'channel', date: 'date', file: 'file' })) {
        setError(errorDetail(failure));
      }
    } finally {
      setSaving(false);
    }
  }

  const channelOptions = PROVIDERS.map((provider) => ({ value: provider, label: providerLabel(provider, t) }));
  return (
    <Modal
      open={mode !== null}
      title={uploading ? t('reconciliation.uploadTitle') : t('reconciliation.runNewTitle')}
      onOk={submit}
      onCancel={onClose}
      okText={uploading ? t('reconciliation.uploadSubmit') : t('reconciliation.runSubmit')}
      okButtonProps={{ 'data-testid': 'reconcile-ok' }}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
      afterClose={() => setError(null)}
    >
      {error && (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="reconcile-error" />
      )}
      <Typography.Paragraph type="secondary">
        {uploading ? t('reconciliation.uploadHint') : t('reconciliation.runHint')}
      </Typography.Paragraph>
      <Form<ReconcileValues>
        form={form}
        name="reconcile"
        layout="vertical"
        preserve={false}
        initialValues={{ channel: 'wechatpay', date: dayjs(chinaYesterday()) }}
      >
        <Form.Item
          name="channel"
          label={t('reconciliation.channel')}
          rules={[{ required: true, message: t('reconciliation.channelRequired') }]}
        >
          <Select options={channelOptions} />
        </Form.Item>
        <Form.Item
          name="date"
          label={t('reconciliation.date')}
          rules={[{ required: true, message: t('reconciliation.dateRequired') }]}
        >
          <DatePicker
            allowClear={false}
            style={{ width: '100%' }}
            disabledDate={(day) => !day.isBefore(dayjs(chinaYesterday()).add(1, 'day'), 'day')}
          />
        </Form.Item>
        {uploading && (
          <Form.Item
            name="file"
            label={t('reconciliation.file')}
            valuePropName="fileList"
            getValueFromEvent={(event: { fileList: UploadFile[] }) => event.fileList.slice(-1)}
            rules={[{ required: true, message: t('reconciliation.fileRequired') }]}
            extra={t('reconciliation.fileHint')}
          >
            <Upload beforeUpload={() => false} maxCount={1} accept=".csv,.gz,.zip,.txt">
              <Button icon={<UploadOutlined />}>{t('reconciliation.chooseFile')}</Button>
            </Upload>
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

function runColumns(t: Translate, open: (run: ReconciliationRun) => void): ListColumn<ReconciliationRun>[] {
  return [
    {
      key: 'date',
      title: t('reconciliation.date'),
      fixed: 'left',
      render: (run) => (
        <Button type="link" size="small" style={{ padding: 0 }} onClick={() => open(run)} data-testid="run-open">
          {run.date}
        </Button>
      ),
    },
    {
      key: 'dates',
      title: t('reconciliation.date'),
      hideInTable: true,
      search: { type: 'dateRange', names: ['from', 'to'] },
    },
    {
      key: 'channel',
      title: t('reconciliation.channel'),
      dataIndex: 'channel',
      valueEnum: providerEnum(t),
      search: { type: 'select' },
    },
    { key: 'lines', title: t('reconciliation.lines'), dataIndex: 'lines' },
    { key: 'matched', title: t('reconciliation.matched'), dataIndex: 'matched' },
    { key: 'repaired', title: t('reconciliation.repaired'), dataIndex: 'repaired' },
    {
      key: 'openDifferences',
      title: t('reconciliation.openDifferences'),
      render: (run) => {
        const open = run.openDifferences ?? run.differences;
        return <Typography.Text type={open > 0 ? 'warning' : undefined}>{open}</Typography.Text>;
      },
    },
    {
      key: 'hasOpenDifferences',
      title: t('reconciliation.openDifferences'),
      hideInTable: true,
      search: {
        type: 'select',
        options: [
          { value: 'true', label: t('reconciliation.withOpen') },
          { value: 'false', label: t('reconciliation.withoutOpen') },
        ],
      },
    },
    { key: 'channelPaidFen', title: t('reconciliation.channelPaid'), render: (run) => formatFen(run.channelPaidFen) },
    { key: 'settledNetFen', title: t('reconciliation.settledNet'), render: (run) => formatFen(run.settledNetFen) },
    { key: 'channelFeeFen', title: t('reconciliation.fee'), render: (run) => formatFen(run.channelFeeFen) },
    { key: 'status', title: t('reconciliation.runStatusTitle'), render: (run) => runStatusLabel(run.status, t) },
    {
      key: 'createdByName',
      title: t('reconciliation.createdBy'),
      dataIndex: 'createdByName',
      emptyText: t('reconciliation.system'),
    },
    { key: 'createdAt', title: t('reconciliation.createdAt'), render: (run) => formatTime(run.createdAt) },
    {
      key: 'actions',
      title: t('common.actions'),
      fixed: 'right',
      render: (run) => (
        <Button type="link" size="small" onClick={() => open(run)}>
          {t('common.details')}
        </Button>
      ),
    },
  ];
}

function RunsTab({ openRun }: { openRun: (id: string, duplicate?: boolean) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const list = useRef<ListPageAction>(null);
  const [mode, setMode] = useState<'fetch' | 'upload' | null>(null);
  const listRuns: ListRequest<ReconciliationRun> = useCallback((query) => reconciliationApi.list(query), []);

  function done(run: ReconciliationRun) {
    setMode(null);
    list.current?.reload();
    if (run.duplicate) {
      message.warning(t('reconciliation.duplicateShort'));
    } else {
      message.success(
        t('reconciliation.done', {
          channel: providerLabel(run.channel, t),
          date: run.date,
          matched: run.matched,
          repaired: run.repaired,
          differences: run.differences,
        }),
      );
    }
    openRun(run.id, run.duplicate);
  }

  const toolbar = can('reconciliation:write') && (
    <>
      <Button type="primary" onClick={() => setMode('fetch')} data-testid="reconcile-new">
        {t('reconciliation.runNew')}
      </Button>
      <Button icon={<UploadOutlined />} onClick={() => setMode('upload')} data-testid="reconcile-upload">
        {t('reconciliation.upload')}
      </Button>
    </>
  );
  return (
    <>
      <ListPage<ReconciliationRun>
        title={t('reconciliation.runsTitle')}
        rowKey="id"
        actionRef={list}
        request={listRuns}
        columns={runColumns(t, (run) => openRun(run.id))}
        toolbar={toolbar}
      />
      <ReconcileModal mode={mode} onClose={() => setMode(null)} onDone={done} />
    </>
  );
}

function DifferencesTab({
  openRun,
  listRef,
}: {
  openRun: (id: string) => void;
  listRef: React.RefObject<ListPageAction | null>;
}) {
  const { t } = useI18n();
  const { buttons, modal } = useDifferenceActions(() => listRef.current?.reload());
  const listDifferences: ListRequest<ReconciliationDifference> = useCallback((query) => differencesApi.list(query), []);
  const columns: ListColumn<ReconciliationDifference>[] = [
    {
      key: 'date',
      title: t('reconciliation.date'),
      fixed: 'left',
      render: (difference) =>
        difference.runId ? (
          <Button
            type="link"
            size="small"
            style={{ padding: 0 }}
            onClick={() => difference.runId && openRun(difference.runId)}
          >
            {difference.date ?? '-'}
          </Button>
        ) : (
          (difference.date ?? '-')
        ),
    },
    {
      key: 'channel',
      title: t('reconciliation.channel'),
      dataIndex: 'channel',
      valueEnum: providerEnum(t),
      search: { type: 'select' },
    },
    {
      key: 'kind',
      title: t('reconciliation.kindTitle'),
      dataIndex: 'kind',
      valueEnum: differenceKindEnum(t),
      search: { type: 'select' },
    },
    {
      key: 'orderNo',
      title: t('paymentOrder.orderNo'),
      render: (difference) => difference.orderNo ?? difference.refundNo ?? '-',
    },
    { key: 'transactionId', title: t('paymentOrder.transactionId'), dataIndex: 'transactionId', ellipsis: true },
    {
      key: 'channelAmountFen',
      title: t('reconciliation.channelAmount'),
      render: (difference) => (difference.channelAmountFen === null ? '-' : formatFen(difference.channelAmountFen)),
    },
    {
      key: 'ourAmountFen',
      title: t('reconciliation.ourAmount'),
      render: (difference) => (difference.ourAmountFen === null ? '-' : formatFen(difference.ourAmountFen)),
    },
    {
      key: 'status',
      title: t('reconciliation.differenceStatusTitle'),
      dataIndex: 'status',
      valueEnum: differenceStatusEnum(t),
      search: { type: 'select' },
    },
    {
      key: 'resolution',
      title: t('reconciliation.resolution'),
      render: (difference) =>
        [
          difference.action && resolveActionLabel(difference.action, t),
          difference.suspenseNumber,
          difference.autoResolvedByRunId && t('reconciliation.autoResolved'),
          difference.resolvedByName ?? difference.proposedByName,
          difference.resolvedAt ? formatTime(difference.resolvedAt) : null,
        ]
          .filter(Boolean)
          .join(' · ') || '-',
    },
    { key: 'note', title: t('reconciliation.note'), dataIndex: 'note', ellipsis: true, width: 180 },
    { key: 'decisionNote', title: t('reconciliation.decisionNote'), dataIndex: 'decisionNote', ellipsis: true },
    {
      key: 'actions',
      title: t('common.actions'),
      fixed: 'right',
      render: (difference) => buttons(difference),
    },
  ];
  return (
    <>
      <ListPage<ReconciliationDifference>
        title={t('reconciliation.worklistTitle')}
        rowKey="id"
        actionRef={listRef}
        request={listDifferences}
        columns={columns}
      />
      {modal}
    </>
  );
}

export default function ReconciliationPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const runId = params.get('run');
  const tab = params.get('tab') === 'differences' ? 'differences' : 'runs';
  const [duplicateRun, setDuplicateRun] = useState<string | null>(null);
  const differencesList = useRef<ListPageAction>(null);

  const openRun = useCallback(
    (id: string, duplicate = false) => {
      setDuplicateRun(duplicate ? id : null);
      setParams((current) => {
        const next = new URLSearchParams(current);
        next.set('run', id);
        return next;
      });
    },
    [setParams],
  );
  const closeRun = () =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      next.delete('run');
      return next;
    });

  return (
    <>
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams(key === 'differences' ? { tab: 'differences' } : {})}
        items={[
          {
            key: 'runs',
            label: <span data-testid="reconciliation-tab-runs">{t('reconciliation.runsTitle')}</span>,
            children: <RunsTab openRun={openRun} />,
          },
          {
            key: 'differences',
            label: <span data-testid="reconciliation-tab-differences">{t('reconciliation.worklistTitle')}</span>,
            children: <DifferencesTab openRun={openRun} listRef={differencesList} />,
          },
        ]}
      />
      <RunDrawer
        runId={runId}
        duplicate={runId !== null && runId === duplicateRun}
        onClose={closeRun}
        onChanged={() => differencesList.current?.reload()}
      />
    </>
  );
}
