// The pager of the report tables (reports, vouchers): 20 rows a page at first, up to 200; another page size starts
// again at the first page.
import type { TablePaginationConfig } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../language.tsx';

export function useReportPaging() {
  const { t } = useI18n();
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const pagination = (total: number): TablePaginationConfig => ({
    current: paging.page,
    pageSize: paging.pageSize,
    total,
    showSizeChanger: true,
    pageSizeOptions: [20, 50, 100, 200],
    showTotal: (all) => t('common.total', { total: all }),
    onChange: (page, pageSize) =>
      setPaging((current) => ({ page: pageSize === current.pageSize ? page : 1, pageSize })),
  });
  return { paging, setPaging, pagination };
}
