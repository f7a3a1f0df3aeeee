// 消息记录: every SMS and WeChat message to tenants (recipient masked), the pay link it carried, its delivery
// status and attempts; finance may run the reminders now instead of waiting for the daily job.

import { SendOutlined } from '@ant-design/icons';
import { App, Button, Tag, Tooltip, Typography } from 'antd';
import { useCallback, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { errorDetail } from '../../../shared/api.ts';
import { type ListColumn, ListPage, type ListPageAction, type ListRequest } from '../../components/ListPage.tsx';
import { useI18n } from '../../language.tsx';
import { useSession } from '../../session.tsx';
import { PayLink } from './BillDrawer.tsx';
import { messagesApi, type TenantMessage } from './billing-api.ts';
import { channelEnum, messageKindLabel, messageStatusEnum } from './billing-labels.ts';

export default function MessagesPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { can } = useSession();
  const list = useRef<ListPageAction>(null);
  const [running, setRunning] = useState(false);
  // ?billId=… (from a bill's drawer): only the messages about that bill.
  const [params, setParams] = useSearchParams();
  const billId = params.get('billId');

  async function runReminders() {
    setRunning(true);
    try {
      const { queued } = await messagesApi.runReminders();
      message.success(t('message.remindersQueued', { queued }));
      list.current?.reload();
    } catch (failure) {
      message.error(errorDetail(failure));
    } finally {
      setRunning(false);
    }
  }

  const listMessages: ListRequest<TenantMessage> = useCallback(
    (query) => messagesApi.list({ ...query, billId: billId ?? undefined }),
    [billId],
  );
  const columns: ListColumn<TenantMessage>[] = [
    { key: 'createdAt', title: t('message.createdAt'), dataIndex: 'createdAt', valueType: 'dateTime', fixed: 'left' },
    {
      key: 'channel',
      title: t('message.channel'),
      dataIndex: 'channel',
      valueEnum: channelEnum(t),
      search: { type: 'select' },
    },
    { key: 'kind', title: t('message.kind'), render: (row) => messageKindLabel(row.kind, t) },
    { key: 'tenantName', title: t('bill.tenant'), dataIndex: 'tenantName', ellipsis: true, width: 160 },
    { key: 'recipientMasked', title: t('message.recipient'), dataIndex: 'recipientMasked' },
    {
      key: 'billNumber',
      title: t('bill.number'),
      render: (row) =>
        row.billId ? (
          <Link to={`/bills?id=${encodeURIComponent(row.billId)}`} data-testid="message-bill">
            {row.billNumber ?? row.billId}
          </Link>
        ) : (
          '-'
        ),
    },
    {
      key: 'body',
      title: t('message.body'),
      width: 280,
      render: (row) => (
        <Tooltip title={row.body}>
          <Typography.Text ellipsis style={{ maxWidth: 260 }} data-testid="message-body">
            {row.body}
          </Typography.Text>
        </Tooltip>
      ),
    },
    { key: 'payLink', title: t('message.payLink'), render: (row) => <PayLink url={row.payLink} /> },
    {
      key: 'status',
      title: t('message.status'),
      dataIndex: 'status',
      valueEnum: messageStatusEnum(t),
      search: { type: 'select' },
    },
    { key: 'attempts', title: t('message.attempts'), dataIndex: 'attempts' },
    { key: 'provider', title: t('message.provider'), dataIndex: 'provider' },
    {
      key: 'lastError',
      title: t('message.lastError'),
      render: (row) =>
        row.lastError ? (
          <Tooltip title={row.lastError}>
            <Typography.Text type="danger" ellipsis style={{ maxWidth: 200 }}>
              {row.lastError}
            </Typography.Text>
          </Tooltip>
        ) : (
          '-'
        ),
    },
    { key: 'sentAt', title: t('message.sentAt'), dataIndex: 'sentAt', valueType: 'dateTime' },
  ];

  return (
    <ListPage<TenantMessage>
      key={billId ?? 'all'}
      title={
        billId ? (
          <span>
            {t('message.title')}{' '}
            <Tag closable onClose={() => setParams({})} data-testid="message-bill-filter">
              {t('message.billFilter')}
            </Tag>
          </span>
        ) : (
          t('message.title')
        )
      }
      rowKey="id"
      actionRef={list}
      request={listMessages}
      columns={columns}
      toolbar={
        can('bill:write') && (
          <Button icon={<SendOutlined />} loading={running} onClick={runReminders} data-testid="reminders-run">
            {t('message.runReminders')}
          </Button>
        )
      }
    />
  );
}
