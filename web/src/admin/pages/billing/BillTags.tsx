import { Space, Tag } from 'antd';
import { useI18n } from '../../language.tsx';
import type { Bill } from './billing-api.ts';
import { billStatusColor, billStatusLabel } from './billing-labels.ts';

/** The bill's status, and 逾期 in red while it is overdue. */
export function BillStatusTags({ bill }: { bill: Pick<Bill, 'status' | 'overdue' | 'overdueDays'> }) {
  const { t } = useI18n();
  return (
    <Space size={4}>
      <Tag color={billStatusColor(bill.status)} data-testid="bill-status">
        {billStatusLabel(bill.status, t)}
      </Tag>
      {bill.overdue && bill.status !== 'void' && bill.status !== 'paid' && (
        <Tag color="red" data-testid="bill-overdue">
          {t('bill.overdueDays', { days: bill.overdueDays })}
        </Tag>
      )}
    </Space>
  );
}
