// 总账: the trial balance for a date range (and whether it balances), an account's lines with the running balance,
// and the receivables sub-ledger by tenant or by contract.

import {
  Alert,
  Button,
  Card,
  DatePicker,
  Drawer,
  Radio,
  Space,
  Table,
  type TableColumnType,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { errorDetail } from '../../../shared/api.ts';
import { formatFen } from '../../../shared/money.ts';
import { useI18n } from '../../language.tsx';
import { entryKindLabel } from '../billing/billing-labels.ts';
import {
  type AccountLine,
  type AccountLines,
  itemsOf,
  type LedgerAccount,
  ledgerApi,
  type ReceivableRow,
  type Receivables,
  type TrialBalance,
  type TrialBalanceAccount,
} from './ledger-api.ts';

type Range = [Dayjs | null, Dayjs | null] | null;
const day = (value: Dayjs | null | undefined) => (value ? value.format('YYYY-MM-DD') : undefined);
const money = (fen: number | undefined) => (fen ? formatFen(fen) : '-');

function TrialBalanceTab({ onAccount }: { onAccount: (account: TrialBalanceAccount, range: Range) => void }) {
  const { t } = useI18n();
  const [range, setRange] = useState<Range>(null);
  const [query, setQuery] = useState<Range>(null);
  const [result, setResult] = useState<TrialBalance | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let live = true;
    void version;
    setLoading(true);
    ledgerApi
      .trialBalance({ from: day(query?.[0]), to: day(query?.[1]) })
      .then((answer) => {
        if (!live) return;
        setResult(answer);
        setError(null);
      })
      .catch((failure: unknown) => live && setError(errorDetail(failure)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [query, version]);

  const columns: TableColumnType<TrialBalanceAccount>[] = [
    {
      key: 'code',
      title: t('ledger.accountCode'),
      render: (_v, row) => (
        <Button
          type="link"
          size="small"
          style={{ padding: 0 }}
          onClick={() => onAccount(row, query)}
          data-testid="ledger-account"
        >
          {row.code}
        </Button>
      ),
    },
    { key: 'name', title: t('ledger.accountName'), dataIndex: 'name' },
    {
      key: 'opening',
      title: t('ledger.opening'),
      align: 'right',
      render: (_v, row) => formatFen(row.openingBalanceFen ?? 0),
    },
    { key: 'debit', title: t('ledger.debit'), align: 'right', render: (_v, row) => money(row.debitFen) },
    { key: 'credit', title: t('ledger.credit'), align: 'right', render: (_v, row) => money(row.creditFen) },
    { key: 'balance', title: t('ledger.balance'), align: 'right', render: (_v, row) => formatFen(row.balanceFen) },
  ];

  return (
    <Card
      title={
        <Space>
          {t('ledger.trialBalance')}
          {result && (
            <Tag color={result.balanced ? 'success' : 'error'} data-testid="ledger-balanced">
              {result.balanced ? t('ledger.balanced') : t('ledger.unbalanced')}
            </Tag>
          )}
        </Space>
      }
      extra={
        <Space>
          <DatePicker.RangePicker
            value={range}
            onChange={(value) => setRange(value as Range)}
            placeholder={[t('common.startDate'), t('common.endDate')]}
          />
          <Button type="primary" onClick={() => setQuery(range)} data-testid="ledger-query">
            {t('common.search')}
          </Button>
          <Button onClick={() => setVersion((n) => n + 1)}>{t('common.refresh')}</Button>
        </Space>
      }
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Table<TrialBalanceAccount>
        data-testid="ledger-trial-balance"
        size="small"
        rowKey="code"
        loading={loading}
        columns={columns}
        dataSource={result?.accounts ?? []}
        pagination={false}
        summary={() =>
          result && (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={3}>
                <Typography.Text strong>{t('ledger.total')}</Typography.Text>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={3} align="right">
                <Typography.Text strong data-testid="ledger-total-debit">
                  {formatFen(result.totalDebitFen)}
                </Typography.Text>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={4} align="right">
                <Typography.Text strong data-testid="ledger-total-credit">
                  {formatFen(result.totalCreditFen)}
                </Typography.Text>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={5} />
            </Table.Summary.Row>
          )
        }
      />
    </Card>
  );
}

function AccountLinesDrawer({
  account,
  range,
  onClose,
}: {
  account: TrialBalanceAccount | null;
  range: Range;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [accountId, setAccountId] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(50);
  const [result, setResult] = useState<AccountLines | null>(null);
  const [error, setError] = useState<string | null>(null);

  // The trial balance names accounts by code; the lines are asked for by id.
  useEffect(() => {
    setResult(null);
    setError(null);
    setPage(1);
    if (!account) {
      setAccountId(null);
      return;
    }
    if (account.id) {
      setAccountId(account.id);
      return;
    }
    let live = true;
    ledgerApi
      .accounts()
      .then((answer) => {
        if (!live) return;
        const found = itemsOf<LedgerAccount>(answer).find((candidate) => candidate.code === account.code);
        if (found) setAccountId(found.id);
        else setError(t('ledger.accountUnknown', { code: account.code }));
      })
      .catch((failure: unknown) => live && setError(errorDetail(failure)));
    return () => {
      live = false;
    };
  }, [account, t]);

  useEffect(() => {
    if (!accountId) return;
    let live = true;
    ledgerApi
      .lines(accountId, { from: day(range?.[0]), to: day(range?.[1]), page, pageSize })
      .then((answer) => live && setResult(answer))
      .catch((failure: unknown) => live && setError(errorDetail(failure)));
    return () => {
      live = false;
    };
  }, [accountId, range, page, pageSize]);

  const columns: TableColumnType<AccountLine>[] = [
    { key: 'date', title: t('ledger.entryDate'), dataIndex: 'entryDate' },
    { key: 'no', title: t('ledger.entryNoTitle'), render: (_v, row) => String(row.entryNo) },
    { key: 'kind', title: t('ledger.entryKindTitle'), render: (_v, row) => entryKindLabel(row.kind, t) },
    { key: 'memo', title: t('ledger.memo'), dataIndex: 'memo', ellipsis: true },
    { key: 'debit', title: t('ledger.debit'), align: 'right', render: (_v, row) => money(row.debitFen) },
    { key: 'credit', title: t('ledger.credit'), align: 'right', render: (_v, row) => money(row.creditFen) },
    {
      key: 'balance',
      title: t('ledger.runningBalance'),
      align: 'right',
      render: (_v, row) => formatFen(row.balanceFen),
    },
  ];

  return (
    <Drawer
      open={account !== null}
      onClose={onClose}
      size={960}
      title={account ? `${account.code} ${account.name}` : ''}
      data-testid="ledger-lines-drawer"
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      {result && (
        <Space size="large" style={{ marginBottom: 16 }}>
          <span>
            {t('ledger.opening')}：<Typography.Text strong>{formatFen(result.openingBalanceFen)}</Typography.Text>
          </span>
          <span>
            {t('ledger.closing')}：
            <Typography.Text strong data-testid="ledger-closing">
              {formatFen(result.closingBalanceFen)}
            </Typography.Text>
          </span>
        </Space>
      )}
      <Table<AccountLine>
        data-testid="ledger-lines"
        size="small"
        rowKey={(row) => `${row.entryId}-${row.debitFen}-${row.creditFen}-${row.balanceFen}`}
        loading={!result && !error && account !== null}
        columns={columns}
        dataSource={result?.items ?? []}
        pagination={{
          current: page,
          pageSize,
          total: result?.total ?? 0,
          showSizeChanger: true,
          showTotal: (total) => t('common.total', { total }),
          onChange: (next, size) => {
            setPage(size === pageSize ? next : 1);
            setPageSize(size);
          },
        }}
      />
    </Drawer>
  );
}

function ReceivablesTab() {
  const { t } = useI18n();
  const [by, setBy] = useState<'tenant' | 'contract'>('tenant');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [result, setResult] = useState<Receivables | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    let live = true;
    setLoading(true);
    ledgerApi
      .receivables({ by, page, pageSize })
      .then((answer) => {
        if (!live) return;
        setResult(answer);
        setError(null);
      })
      .catch((failure: unknown) => live && setError(errorDetail(failure)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [by, page, pageSize]);

  const columns: TableColumnType<ReceivableRow>[] = [
    ...(by === 'contract'
      ? [
          {
            key: 'contract',
            title: t('bill.contract'),
            render: (_v: unknown, row: ReceivableRow) => row.contractNumber ?? '-',
          },
        ]
      : []),
    { key: 'tenant', title: t('bill.tenant'), dataIndex: 'tenantName' },
    { key: 'debit', title: t('ledger.debit'), align: 'right', render: (_v, row) => money(row.debitFen) },
    { key: 'credit', title: t('ledger.credit'), align: 'right', render: (_v, row) => money(row.creditFen) },
    { key: 'balance', title: t('ledger.balance'), align: 'right', render: (_v, row) => formatFen(row.balanceFen) },
  ];

  return (
    <Card
      title={
        <Space>
          {result ? `${result.account.code} ${result.account.name}` : t('ledger.receivables')}
          {result && (
            <Typography.Text type="secondary" data-testid="ledger-receivables-total">
              {t('ledger.total')}：{formatFen(result.totalBalanceFen)}
            </Typography.Text>
          )}
        </Space>
      }
      extra={
        <Radio.Group
          value={by}
          onChange={(event) => {
            setBy(event.target.value as 'tenant' | 'contract');
            setPage(1);
          }}
          optionType="button"
          options={[
            { value: 'tenant', label: t('ledger.byTenant') },
            { value: 'contract', label: t('ledger.byContract') },
          ]}
        />
      }
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Table<ReceivableRow>
        data-testid="ledger-receivables"
        size="small"
        rowKey={(row) => `${row.contractId ?? ''}-${row.tenantId}`}
        loading={loading}
        columns={columns}
        dataSource={result?.items ?? []}
        pagination={{
          current: page,
          pageSize,
          total: result?.total ?? 0,
          showSizeChanger: true,
          showTotal: (total) => t('common.total', { total }),
          onChange: (next, size) => {
            setPage(size === pageSize ? next : 1);
            setPageSize(size);
          },
        }}
      />
    </Card>
  );
}

export default function LedgerPage() {
  const { t } = useI18n();
  const [account, setAccount] = useState<{ account: TrialBalanceAccount; range: Range } | null>(null);
  return (
    <>
      <Tabs
        items={[
          {
            key: 'trial',
            label: t('ledger.trialBalance'),
            children: <TrialBalanceTab onAccount={(row, range) => setAccount({ account: row, range })} />,
          },
          { key: 'receivables', label: t('ledger.receivables'), children: <ReceivablesTab /> },
        ]}
      />
      <AccountLinesDrawer
        account={account?.account ?? null}
        range={account?.range ?? null}
        onClose={() => setAccount(null)}
      />
    </>
  );
}
