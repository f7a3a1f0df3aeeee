import { CheckCircleOutlined, CloseCircleOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, Button, Col, Descriptions, Drawer, Row, Spin, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { errorDetail } from '../../../shared/api.ts';
import { type AuditChainVerification, type AuditEntry, auditApi } from '../../api.ts';
import { type ListColumn, ListPage, type ListRequest } from '../../components/ListPage.tsx';
import { knownKey, type MessageKey, type MessageParams } from '../../i18n.ts';
import { useI18n } from '../../language.tsx';

type Translate = (key: MessageKey, params?: MessageParams) => string;

function actorKindLabel(kind: string, t: Translate): string {
  const key = knownKey(`audit.actorKind.${kind}`);
  return key ? t(key) : kind;
}

/** The audit log, declared once: table columns and the search form that filters them. */
function auditColumns(t: Translate, showDetail: (entry: AuditEntry) => void): ListColumn<AuditEntry>[] {
  return [
    { key: 'seq', title: t('audit.seq'), dataIndex: 'seq', width: 80 },
    {
      key: 'at',
      title: t('audit.at'),
      dataIndex: 'at',
      valueType: 'dateTime',
      search: { type: 'dateRange', names: ['from', 'to'] },
    },
    {
      key: 'actor',
      title: t('audit.actor'),
      render: (entry) => (
        <>
          {entry.actorName ?? '-'} <Tag>{actorKindLabel(entry.actorKind, t)}</Tag>
        </>
      ),
      search: { type: 'text' },
    },
    {
      key: 'action',
      title: t('audit.action'),
      dataIndex: 'action',
      render: (entry) => <Typography.Text code>{entry.action}</Typography.Text>,
      search: { type: 'text' },
    },
    { key: 'entityType', title: t('audit.entityType'), dataIndex: 'entityType', search: { type: 'text' } },
    { key: 'entityId', title: t('audit.entityId'), dataIndex: 'entityId', ellipsis: true, search: { type: 'text' } },
    { key: 'ip', title: t('audit.ip'), dataIndex: 'ip' },
    {
      key: 'details',
      title: t('common.actions'),
      fixed: 'right',
      render: (entry) => (
        <Button type="link" size="small" onClick={() => showDetail(entry)}>
          {t('common.details')}
        </Button>
      ),
    },
  ];
}

const listAuditLog: ListRequest<AuditEntry> = (query) => auditApi.list(query);

/** Green when every chain verifies; red naming the first broken link otherwise. */
function ChainVerification() {
  const { t } = useI18n();
  const [result, setResult] = useState<AuditChainVerification | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(true);

  const verify = useCallback(() => {
    setChecking(true);
    auditApi
      .verify()
      .then((answer) => {
        setResult(answer);
        setError(null);
      })
      .catch((failure: unknown) => setError(errorDetail(failure)))
      .finally(() => setChecking(false));
  }, []);

  useEffect(() => verify(), [verify]);

  const verifyButton = (
    <Button size="small" onClick={verify} loading={checking} data-testid="audit-verify">
      {t('audit.verify')}
    </Button>
  );

  if (error) {
    return <Alert type="warning" showIcon title={t('audit.verifyFailed')} description={error} action={verifyButton} />;
  }
  if (!result) {
    return <Alert type="info" showIcon icon={<Spin size="small" />} title={t('audit.verifying')} />;
  }
  if (result.valid) {
    return (
      <Alert
        data-testid="audit-chain-status"
        type="success"
        showIcon
        icon={<CheckCircleOutlined />}
        title={t('audit.chainValid')}
        description={t('audit.chainValidDetail', { count: result.checkedEntries, chains: result.chains.length })}
        action={verifyButton}
      />
    );
  }
  const broken = result.chains.find((chain) => !chain.valid);
  return (
    <Alert
      data-testid="audit-chain-status"
      type="error"
      showIcon
      icon={<CloseCircleOutlined />}
      title={t('audit.chainBroken')}
      description={
        broken?.brokenAt
          ? t('audit.chainBrokenDetail', {
              chain: broken.chain,
              seq: broken.brokenAt.seq,
              id: broken.brokenAt.id,
              reason: broken.brokenAt.reason,
            })
          : t('audit.chainBrokenUnknown')
      }
      action={verifyButton}
    />
  );
}

function JsonBlock({ value }: { value: unknown }) {
  const { t } = useI18n();
  if (value === null || value === undefined)
    return <Typography.Text type="secondary">{t('audit.noValue')}</Typography.Text>;
  return (
    <pre
      style={{
        margin: 0,
        padding: 12,
        background: '#fafafa',
        border: '1px solid #f0f0f0',
        borderRadius: 6,
        fontSize: 12,
        maxHeight: 480,
        overflow: 'auto',
        whiteSpace: 'pre-wrap',
        wordBreak: 'break-all',
      }}
    >
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

function AuditEntryDrawer({ entry, onClose }: { entry: AuditEntry | null; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <Drawer
      title={entry ? t('audit.detailTitle', { seq: entry.seq }) : ''}
      open={entry !== null}
      onClose={onClose}
      size="large"
      data-testid="audit-drawer"
    >
      {entry && (
        <>
          <Descriptions
            column={1}
            size="small"
            bordered
            items={[
              { key: 'at', label: t('audit.at'), children: dayjs(entry.at).format('YYYY-MM-DD HH:mm:ss') },
              {
                key: 'actor',
                label: t('audit.actor'),
                children: `${entry.actorName ?? '-'}（${actorKindLabel(entry.actorKind, t)}）`,
              },
              { key: 'action', label: t('audit.action'), children: entry.action },
              { key: 'entity', label: t('audit.entityType'), children: entry.entityType },
              { key: 'entityId', label: t('audit.entityId'), children: entry.entityId ?? '-' },
              { key: 'ip', label: t('audit.ip'), children: entry.ip ?? '-' },
              { key: 'chain', label: t('audit.chain'), children: `${entry.chain} #${entry.seq}` },
              { key: 'id', label: 'ID', children: <Typography.Text copyable>{entry.id}</Typography.Text> },
            ]}
          />
          <Row gutter={16} style={{ marginTop: 16 }}>
            <Col xs={24} md={12}>
              <Typography.Title level={5}>{t('audit.before')}</Typography.Title>
              <JsonBlock value={entry.before} />
            </Col>
            <Col xs={24} md={12}>
              <Typography.Title level={5}>{t('audit.after')}</Typography.Title>
              <JsonBlock value={entry.after} />
            </Col>
          </Row>
        </>
      )}
    </Drawer>
  );
}

export default function AuditLogPage() {
  const { t } = useI18n();
  const [detail, setDetail] = useState<AuditEntry | null>(null);
  return (
    <>
      <div style={{ marginBottom: 16 }}>
        <ChainVerification />
      </div>
      <ListPage<AuditEntry>
        title={
          <>
            <SafetyCertificateOutlined /> {t('audit.title')}
          </>
        }
        rowKey="id"
        request={listAuditLog}
        columns={auditColumns(t, setDetail)}
      />
      <AuditEntryDrawer entry={detail} onClose={() => setDetail(null)} />
    </>
  );
}
