// 账单: every bill, filtered by status, overdue, contract, tenant, due date, kind and keyword, exported as the
// filter stands; 新增费用 for a one-off charge; ?id=… opens the bill's drawer.

import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Typography } from 'antd';
import { useCallback, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { Query } from '../../../shared/api.ts';
import { errorDetail } from '../../../shared/api.ts';
import { formatFen } from '../../../shared/money.ts';
import { type ListColumn, ListPage, type ListPageAction, type ListRequest } from '../../components/ListPage.tsx';
import { useLoaded } from '../../components/use-loaded.ts';
import { useI18n } from '../../language.tsx';
import { useSession } from '../../session.tsx';
import type { Translate } from '../assets/asset-labels.ts';
import { downloadFile } from '../assets/files.ts';
import { contractsApi } from '../contracts/contracts-api.ts';
import { BillDrawer } from './BillDrawer.tsx';
import { ChargeModal, loadTenantOptions } from './BillForms.tsx';
import { BillStatusTags } from './BillTags.tsx';
import { type Bill, billsApi } from './billing-api.ts';
import { billKindEnum, billKindLabel, billStatusEnum, chargeItemLabel, periodText } from './billing-labels.ts';

type Option = { value: string; label: string };

/** Up to 200 choices for a search select, loaded once; none if they cannot be loaded. */
function useOptions(load: () => Promise<Option[]>): Option[] {
  return useLoaded(true, load).data ?? [];
}

const loadContractOptions = () =>
  contractsApi
    .list({ page: 1, pageSize: 200 })
    .then((page) =>
      page.items.map((contract) => ({ value: contract.id, label: `${contract.number} ${contract.tenantName}` })),
    );

const money = (fen: number, testId?: string) => (
  <span style={{ whiteSpace: 'nowrap' }} data-testid={testId}>
    {formatFen(fen)}
  </span>
);

function billColumns(
  t: Translate,
  tenants: Option[],
  contracts: Option[],
  open: (bill: Bill) => void,
): ListColumn<Bill>[] {
  return [
    {
      key: 'q',
      title: t('bill.keyword'),
      hideInTable: true,
      search: { type: 'text', placeholder: t('bill.keywordPlaceholder') },
    },
    {
      key: 'number',
      title: t('bill.number'),
      fixed: 'left',
      render: (bill) => (
        <Button
          type="link"
          size="small"
          style={{ padding: 0 }}
          onClick={() => open(bill)}
          data-testid="bill-row-number"
        >
          {bill.number}
        </Button>
      ),
    },
    { key: 'tenantName', title: t('bill.tenant'), dataIndex: 'tenantName', ellipsis: true, width: 180 },
    { key: 'tenantId', title: t('bill.tenant'), hideInTable: true, search: { type: 'select', options: tenants } },
    { key: 'contractNumber', title: t('bill.contract'), dataIndex: 'contractNumber' },
    {
      key: 'contractId',
      title: t('bill.contract'),
      hideInTable: true,
      search: { type: 'select', options: contracts },
    },
    {
      key: 'kind',
      title: t('bill.kind'),
      dataIndex: 'kind',
      valueEnum: billKindEnum(t),
      render: (bill) =>
        bill.chargeItem
          ? `${billKindLabel(bill.kind, t)} · ${chargeItemLabel(bill.chargeItem, t)}`
          : billKindLabel(bill.kind, t),
      search: { type: 'select' },
    },
    { key: 'period', title: t('bill.period'), render: periodText },
    { key: 'dueDate', title: t('bill.dueDate'), dataIndex: 'dueDate' },
    {
      key: 'due',
      title: t('bill.dueRange'),
      hideInTable: true,
      search: { type: 'dateRange', names: ['dueFrom', 'dueTo'] },
    },
    { key: 'amountFen', title: t('bill.amount'), render: (bill) => money(bill.amountFen) },
    {
      key: 'lateFeeFen',
      title: t('bill.lateFeeToday'),
      render: (bill) =>
        bill.lateFeeFen > 0 ? (
          <Typography.Text type="danger" style={{ whiteSpace: 'nowrap' }} data-testid="bill-row-late-fee">
            {formatFen(bill.lateFeeFen)}
          </Typography.Text>
        ) : (
          money(0, 'bill-row-late-fee')
        ),
    },
    { key: 'paidFen', title: t('bill.paid'), render: (bill) => money(bill.paidFen) },
    { key: 'outstandingFen', title: t('bill.outstanding'), render: (bill) => money(bill.outstandingFen) },
    {
      key: 'status',
      title: t('bill.status'),
      dataIndex: 'status',
      valueEnum: billStatusEnum(t),
      render: (bill) => <BillStatusTags bill={bill} />,
      search: { type: 'select' },
    },
    {
      key: 'overdue',
      title: t('bill.overdueOnly'),
      hideInTable: true,
      search: { type: 'select', options: [{ value: 'true', label: t('bill.overdueOnlyYes') }] },
    },
    {
      key: 'actions',
      title: t('common.actions'),
      fixed: 'right',
      render: (bill) => (
        <Button type="link" size="small" onClick={() => open(bill)} data-testid="bill-row-detail">
          {t('common.details')}
        </Button>
      ),
    },
  ];
}

export default function BillsPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const list = useRef<ListPageAction>(null);
  const filters = useRef<Query>({});
  const tenants = useOptions(loadTenantOptions);
  const contracts = useOptions(loadContractOptions);
  const [charging, setCharging] = useState(false);
  const [exporting, setExporting] = useState(false);

  const billId = params.get('id');
  const open = useCallback((bill: { id: string }) => setParams({ id: bill.id }), [setParams]);

  const listBills: ListRequest<Bill> = useCallback((query) => {
    const { page, pageSize, ...rest } = query;
    filters.current = rest;
    return billsApi.list({ ...rest, page, pageSize });
  }, []);

  async function exportBills() {
    setExporting(true);
    try {
      const name = await downloadFile(billsApi.exportPath, filters.current, `账单_${Date.now()}.xlsx`);
      message.success(t('bill.exported', { name }));
    } catch (failure) {
      message.error(errorDetail(failure));
    } finally {
      setExporting(false);
    }
  }

  return (
    <>
      <ListPage<Bill>
        title={t('bill.title')}
        rowKey="id"
        actionRef={list}
        request={listBills}
        columns={billColumns(t, tenants, contracts, open)}
        toolbar={
          <>
            {can('bill:write') && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setCharging(true)}
                data-testid="bill-charge-create"
              >
                {t('bill.charge.create')}
              </Button>
            )}
            <Button icon={<DownloadOutlined />} loading={exporting} onClick={exportBills} data-testid="bill-export">
              {t('bill.export')}
            </Button>
          </>
        }
      />
      <ChargeModal
        open={charging}
        onClose={() => setCharging(false)}
        onDone={(bill) => {
          setCharging(false);
          list.current?.reload();
          open(bill);
        }}
      />
      <BillDrawer
        billId={billId}
        onClose={() => setParams({})}
        onChanged={() => list.current?.reload()}
        onOpen={(id) => setParams({ id })}
      />
    </>
  );
}
