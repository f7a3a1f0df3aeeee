// 开账: issue every bill due through a date (default today) on demand, as the daily job does; the runs so far below.

import { Alert, App, Button, Card, DatePicker, Form, Space, Statistic } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useRef, useState } from 'react';
import { errorDetail } from '../../../shared/api.ts';
import { formatFen } from '../../../shared/money.ts';
import { validValues } from '../../components/form-errors.ts';
import { type ListColumn, ListPage, type ListPageAction, type ListRequest } from '../../components/ListPage.tsx';
import { useI18n } from '../../language.tsx';
import { useSession } from '../../session.tsx';
import { type BillingRun, billingRunsApi } from './billing-api.ts';
import { showMappedErrors } from './billing-labels.ts';

type RunResult = Awaited<ReturnType<typeof billingRunsApi.run>>;

export default function BillingRunsPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const [form] = Form.useForm<{ throughDate: Dayjs }>();
  const list = useRef<ListPageAction>(null);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<RunResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function run() {
    const values = await validValues(form);
    if (!values) return;
    setRunning(true);
    setError(null);
    try {
      const answer = await billingRunsApi.run(values.throughDate.format('YYYY-MM-DD'));
      setResult(answer);
      message.success(t('billingRun.done', { issued: answer.issued, skipped: answer.skipped }));
      list.current?.reload();
    } catch (failure) {
      if (!showMappedErrors(form, failure, { throughDate: 'throughDate' })) setError(errorDetail(failure));
    } finally {
      setRunning(false);
    }
  }

  const listRuns: ListRequest<BillingRun> = useCallback((query) => billingRunsApi.list(query), []);
  const columns: ListColumn<BillingRun>[] = [
    { key: 'throughDate', title: t('billingRun.throughDate'), dataIndex: 'throughDate' },
    {
      key: 'trigger',
      title: t('billingRun.trigger'),
      dataIndex: 'trigger',
      valueEnum: {
        manual: { text: t('billingRun.trigger.manual') },
        schedule: { text: t('billingRun.trigger.schedule') },
        scheduled: { text: t('billingRun.trigger.schedule') },
        job: { text: t('billingRun.trigger.schedule') },
        seed: { text: t('billingRun.trigger.seed') },
      },
    },
    { key: 'issued', title: t('billingRun.issued'), dataIndex: 'issued' },
    { key: 'skipped', title: t('billingRun.skipped'), dataIndex: 'skipped' },
    { key: 'amountFen', title: t('billingRun.amount'), render: (run) => formatFen(run.amountFen) },
    {
      key: 'startedByName',
      title: t('billingRun.startedBy'),
      dataIndex: 'startedByName',
      emptyText: t('billingRun.system'),
    },
    { key: 'startedAt', title: t('billingRun.startedAt'), dataIndex: 'startedAt', valueType: 'dateTime' },
    { key: 'finishedAt', title: t('billingRun.finishedAt'), dataIndex: 'finishedAt', valueType: 'dateTime' },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {can('bill:write') && (
        <Card title={t('billingRun.title')}>
          <Form form={form} name="billing_run" layout="inline" initialValues={{ throughDate: dayjs() }} onFinish={run}>
            <Form.Item
              name="throughDate"
              label={t('billingRun.throughDate')}
              rules={[{ required: true, message: t('billingRun.throughDateRequired') }]}
            >
              <DatePicker allowClear={false} />
            </Form.Item>
            <Form.Item>
              <Button type="primary" htmlType="submit" loading={running} data-testid="billing-run-submit">
                {t('billingRun.run')}
              </Button>
            </Form.Item>
          </Form>
          <Alert type="info" showIcon style={{ marginTop: 16 }} title={t('billingRun.hint')} />
          {error && (
            <Alert type="error" showIcon style={{ marginTop: 16 }} title={error} data-testid="billing-run-error" />
          )}
          {result && (
            <Space size="large" style={{ marginTop: 16 }} data-testid="billing-run-result">
              <Statistic title={t('billingRun.throughDate')} value={result.throughDate} />
              <Statistic
                title={t('billingRun.issued')}
                value={result.issued}
                valueRender={() => <span data-testid="billing-run-issued">{result.issued}</span>}
              />
              <Statistic
                title={t('billingRun.skipped')}
                value={result.skipped}
                valueRender={() => <span data-testid="billing-run-skipped">{result.skipped}</span>}
              />
              <Statistic title={t('billingRun.amount')} value={formatFen(result.amountFen)} />
            </Space>
          )}
        </Card>
      )}
      <ListPage<BillingRun>
        title={t('billingRun.history')}
        rowKey="id"
        actionRef={list}
        request={listRuns}
        columns={columns}
      />
    </Space>
  );
}
