// 收据查验: where the QR code printed on a receipt leads. Public — anyone holding the paper can check it is genuine;
// the answer shows no personal data beyond a masked payer name.

import { ErrorBlock, List, Result } from 'antd-mobile';
import { type ReactNode, useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { ApiError, errorDetail } from '../../shared/api.ts';
import { formatFen } from '../../shared/money.ts';
import { PageLoading, PortalPage } from '../components/PortalPage.tsx';
import { methodNames } from '../pay.ts';
import { portalApi, type ReceiptVerification } from '../portal-api.ts';

export default function ReceiptVerifyPage() {
  const { verifyCode = '' } = useParams();
  const [receipt, setReceipt] = useState<ReceiptVerification | null>(null);
  const [error, setError] = useState<{ missing: boolean; detail: string } | null>(null);

  useEffect(() => {
    let current = true;
    portalApi.verifyReceipt(verifyCode).then(
      (answer) => current && setReceipt(answer),
      (failure: unknown) => {
        if (!current) return;
        const missing = failure instanceof ApiError && failure.status === 404;
        setError({ missing, detail: errorDetail(failure) });
      },
    );
    return () => {
      current = false;
    };
  }, [verifyCode]);

  let body: ReactNode;
  if (error) {
    body = (
      <ErrorBlock
        status="default"
        title={error.missing ? '未查到这张收据' : '查验失败'}
        description={error.missing ? '请核对收据上的二维码；如有疑问请联系开具单位。' : error.detail}
        style={{ padding: '0 24px' }}
        data-testid="m-receipt-error"
      />
    );
  } else if (!receipt) {
    body = <PageLoading />;
  } else {
    const valid = receipt.status === 'valid';
    body = (
      <div data-testid="m-receipt" data-status={receipt.status}>
        <Result
          status={valid ? 'success' : 'warning'}
          title={valid ? '收据真实有效' : '收据已作废'}
          description={valid ? `由${receipt.orgName}开具` : '这张收据已被开具单位作废，不能作为缴费凭证。'}
        />
        <List header="收据信息">
          <List.Item extra={<span data-testid="m-receipt-number">{receipt.number}</span>}>收据编号</List.Item>
          <List.Item extra={receipt.orgName}>收款单位</List.Item>
          <List.Item extra={<strong data-testid="m-receipt-amount">{formatFen(receipt.amountFen)}</strong>}>
            金额
          </List.Item>
          <List.Item extra={receipt.issuedOn}>开具日期</List.Item>
          <List.Item extra={receipt.methodName ?? methodNames[receipt.method] ?? receipt.method}>支付方式</List.Item>
          <List.Item extra={receipt.payerMasked}>付款方</List.Item>
        </List>
      </div>
    );
  }

  return <PortalPage title="收据查验">{body}</PortalPage>;
}
