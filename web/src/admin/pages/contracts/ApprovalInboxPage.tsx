// 审批待办: contracts waiting for approval, each with the level it is at and what the level before decided;
// approve (comment optional) or reject (reason required) from the list or from the contract's drawer.

import { Button, Space, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useRef, useState } from 'react';
import { formatFen } from '../../../shared/money.ts';
import { type ListColumn, ListPage, type ListPageAction, type ListRequest } from '../../components/ListPage.tsx';
import { useI18n } from '../../language.tsx';
import { useStaffUser } from '../../session.tsx';
import type { Translate } from '../assets/asset-labels.ts';
import { ContractDrawer } from './ContractDrawer.tsx';
import { assetCodes, termText } from './contract-labels.ts';
import { type ContractDetail, contractsApi } from './contracts-api.ts';
import { type Decision, DecisionModal } from './WorkflowModals.tsx';

/** What the level before this one decided: in this submission, or (at level 1) the last rejection, if any. */
function previousDecision(detail: ContractDetail, t: Translate): string {
  const { round, nextLevel, steps } = detail.approval;
  const level = nextLevel ?? 1;
  if (level > 1) {
    const step = steps.find((candidate) => candidate.round === round && candidate.level === level - 1);
    if (!step) return '-';
    return t('contract.inbox.previousApproved', {
      level: step.level,
      approver: step.approverName ?? '-',
      comment: step.comment ? `：“${step.comment}”` : '',
    });
  }
  const rejected = [...steps]
    .reverse()
    .find((candidate) => candidate.round < round && candidate.decision === 'rejected');
  if (!rejected) return t('contract.inbox.firstLevel');
  return t('contract.inbox.previousRejected', {
    approver: rejected.approverName ?? '-',
    comment: rejected.comment ?? '',
  });
}

/** When and by whom it was (last) submitted, from the history. */
function submission(detail: ContractDetail): { at: string; by: string | null } | null {
  const entry = [...detail.history].reverse().find((candidate) => candidate.action === 'contract.submit');
  return entry ? { at: entry.at, by: entry.actorName } : null;
}

export default function ApprovalInboxPage() {
  const { t } = useI18n();
  const user = useStaffUser();
  const list = useRef<ListPageAction>(null);
  const [detailId, setDetailId] = useState<string | null>(null);
  const [deciding, setDeciding] = useState<{ contract: ContractDetail; decision: Decision } | null>(null);
  const [version, setVersion] = useState(0);

  const changed = useCallback(() => {
    setVersion((current) => current + 1);
    list.current?.reload();
  }, []);

  // The list gives the contracts; their details give the level and the decisions so far.
  const listPending: ListRequest<ContractDetail> = useCallback(async (query) => {
    const { page, pageSize, keyword } = query;
    const found = await contractsApi.list({
      page,
      pageSize,
      status: 'pending_approval',
      keyword: typeof keyword === 'string' ? keyword : undefined,
    });
    const items = await Promise.all(found.items.map((contract) => contractsApi.get(contract.id)));
    return { ...found, items };
  }, []);

  const columns: ListColumn<ContractDetail>[] = [
    {
      key: 'keyword',
      title: t('contract.keyword'),
      hideInTable: true,
      search: { type: 'text', placeholder: t('contract.keywordPlaceholder') },
    },
    {
      key: 'number',
      title: t('contract.number'),
      fixed: 'left',
      render: (detail) => (
        <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setDetailId(detail.id)}>
          {detail.number}
        </Button>
      ),
    },
    { key: 'tenantName', title: t('contract.tenant'), dataIndex: 'tenantName', ellipsis: true, width: 150 },
    {
      key: 'units',
      title: t('contract.units'),
      render: (detail) => assetCodes(detail.assets, t),
      width: 120,
      ellipsis: true,
    },
    { key: 'term', title: t('contract.term'), render: termText },
    { key: 'annual', title: t('contract.annualRent'), render: (detail) => formatFen(detail.annualRentFen) },
    {
      key: 'level',
      title: t('contract.inbox.level'),
      render: (detail) => (
        <Typography.Text strong data-testid="inbox-level">
          {t('contract.levelOf', { level: detail.approval.nextLevel ?? 1, levels: detail.requiredApprovalLevels })}
        </Typography.Text>
      ),
    },
    {
      key: 'previous',
      title: t('contract.inbox.previous'),
      width: 200,
      ellipsis: true,
      render: (detail) => {
        const text = previousDecision(detail, t);
        return (
          <Tooltip title={text}>
            <span data-testid="inbox-previous">{text}</span>
          </Tooltip>
        );
      },
    },
    {
      key: 'submitted',
      title: t('contract.inbox.submitted'),
      render: (detail) => {
        const submitted = submission(detail);
        return submitted ? `${submitted.by ?? '-'} · ${dayjs(submitted.at).format('YYYY-MM-DD HH:mm')}` : '-';
      },
    },
    {
      key: 'actions',
      title: t('common.actions'),
      fixed: 'right',
      render: (detail) => {
        const approvedBefore = detail.approval.approverIds.includes(user.id);
        return (
          <Space size={0}>
            <Button type="link" size="small" onClick={() => setDetailId(detail.id)} data-testid="inbox-detail">
              {t('common.details')}
            </Button>
            <Tooltip title={approvedBefore ? t('contract.approval.otherApprover') : undefined}>
              <Button
                type="link"
                size="small"
                disabled={approvedBefore}
                onClick={() => setDeciding({ contract: detail, decision: 'approve' })}
                data-testid="inbox-approve"
              >
                {t('contract.approve')}
              </Button>
            </Tooltip>
            <Button
              type="link"
              size="small"
              danger
              onClick={() => setDeciding({ contract: detail, decision: 'reject' })}
              data-testid="inbox-reject"
            >
              {t('contract.reject')}
            </Button>
          </Space>
        );
      },
    },
  ];

  return (
    <>
      <ListPage<ContractDetail>
        title={t('contract.inbox.title')}
        rowKey="id"
        actionRef={list}
        request={listPending}
        columns={columns}
        defaultPageSize={10}
      />
      <DecisionModal
        contract={deciding?.contract ?? null}
        decision={deciding?.decision ?? 'approve'}
        level={
          deciding
            ? { next: deciding.contract.approval.nextLevel ?? 1, of: deciding.contract.requiredApprovalLevels }
            : null
        }
        onClose={() => setDeciding(null)}
        onDone={() => {
          setDeciding(null);
          changed();
        }}
      />
      <ContractDrawer
        contractId={detailId}
        version={version}
        onClose={() => setDetailId(null)}
        onChanged={changed}
        onEdit={() => undefined}
        onOpen={setDetailId}
      />
    </>
  );
}
