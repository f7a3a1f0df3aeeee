// 租金计划: the billing periods of a schedule (the server's, never recomputed here) with their sum.

import { Table, type TableColumnType, Typography } from 'antd';
import { formatFen } from '../../../shared/money.ts';
import { useI18n } from '../../language.tsx';
import type { BillingPeriod } from './contracts-api.ts';

function sum(periods: readonly BillingPeriod[], field: 'amountFen' | 'netFen' | 'taxFen'): bigint {
  return periods.reduce((total, period) => total + BigInt(period[field]), 0n);
}

export function ScheduleTable({
  periods,
  loading = false,
  testId,
  size = 'small',
  emptyText,
}: {
  periods: readonly BillingPeriod[];
  loading?: boolean;
  testId?: string;
  size?: 'small' | 'middle';
  emptyText?: string;
}) {
  const { t } = useI18n();
  const columns: TableColumnType<BillingPeriod>[] = [
    { key: 'index', title: t('contract.schedule.period'), render: (_v, row) => row.index + 1, width: 64 },
    {
      key: 'range',
      title: t('contract.schedule.range'),
      render: (_v, row) => `${row.periodStart} ~ ${row.periodEnd}`,
    },
    { key: 'dueDate', title: t('contract.schedule.dueDate'), dataIndex: 'dueDate' },
    {
      key: 'amount',
      title: t('contract.schedule.amount'),
      align: 'right',
      render: (_v, row) => <span data-testid="schedule-amount">{formatFen(row.amountFen)}</span>,
    },
    { key: 'net', title: t('contract.schedule.net'), align: 'right', render: (_v, row) => formatFen(row.netFen) },
    { key: 'tax', title: t('contract.schedule.tax'), align: 'right', render: (_v, row) => formatFen(row.taxFen) },
  ];
  return (
    <Table<BillingPeriod>
      data-testid={testId}
      size={size}
      rowKey="index"
      columns={columns}
      dataSource={[...periods]}
      loading={loading}
      pagination={false}
      scroll={{ x: 'max-content', y: 420 }}
      locale={emptyText ? { emptyText } : undefined}
      summary={(rows) =>
        rows.length === 0 ? null : (
          <Table.Summary fixed>
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={3}>
                <Typography.Text strong>{t('contract.schedule.total', { count: rows.length })}</Typography.Text>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={3} align="right">
                <Typography.Text strong data-testid={testId && `${testId}-total`}>
                  {formatFen(sum(rows, 'amountFen'))}
                </Typography.Text>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={4} align="right">
                {formatFen(sum(rows, 'netFen'))}
              </Table.Summary.Cell>
              <Table.Summary.Cell index={5} align="right">
                {formatFen(sum(rows, 'taxFen'))}
              </Table.Summary.Cell>
            </Table.Summary.Row>
          </Table.Summary>
        )
      }
    />
  );
}
