// 报表: /reports lists every report the API has; /reports/:name shows one — its filters (kept in the URL, so the
// dashboard's drill-throughs land here), the paged rows with the totals and subtotals of the whole filter, the export
// of the same filter to Excel in the console's language, and print.

import { BarChartOutlined, DownloadOutlined, PrinterOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Result,
  Row,
  Space,
  Table,
  type TableColumnType,
  Tooltip,
  Typography,
} from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { errorDetail } from '../../../shared/api.ts';
import { useLoaded } from '../../components/use-loaded.ts';
import { knownKey, type MessageKey } from '../../i18n.ts';
import { useI18n } from '../../language.tsx';
import { downloadFile } from '../assets/files.ts';
import { useReportPaging } from './paging.ts';
import { type FilterValues, ReportFilters } from './ReportFilters.tsx';
import { alignOf, formatCell, labelOf } from './report-format.ts';
import {
  loadCatalogue,
  type ReportColumn,
  type ReportInfo,
  type ReportPage,
  type ReportRow,
  reportPath,
  reportsApi,
} from './reports-api.ts';
import './report-print.css';

/** The report's own description in the console's language (the API's is Chinese). */
function useDescription(report: ReportInfo): string {
  const { t, language } = useI18n();
  const key = knownKey(`report.about.${report.name}`);
  return language === 'en' && key ? t(key as MessageKey) : report.description;
}

function useCatalogue() {
  const { data: catalogue, error } = useLoaded(true, loadCatalogue);
  return { catalogue, error };
}

function ReportCard({ report }: { report: ReportInfo }) {
  const { language } = useI18n();
  const description = useDescription(report);
  return (
    <Link to={reportPath(report.name)} data-testid={`report-card-${report.name}`}>
      <Card hoverable style={{ height: '100%' }} title={labelOf(report.title, language)}>
        <Typography.Paragraph type="secondary" ellipsis={{ rows: 3 }} style={{ marginBottom: 0 }}>
          {description}
        </Typography.Paragraph>
      </Card>
    </Link>
  );
}

function ReportList({ catalogue }: { catalogue: ReportInfo[] }) {
  const { t } = useI18n();
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="report-list">
      <Typography.Title level={4} style={{ margin: 0 }}>
        <BarChartOutlined /> {t('report.title')}
      </Typography.Title>
      <Row gutter={[16, 16]}>
        {catalogue.map((report) => (
          <Col key={report.name} xs={24} md={12} xl={8}>
            <ReportCard report={report} />
          </Col>
        ))}
        <Col xs={24} md={12} xl={8}>
          <Link to="/reports/vouchers" data-testid="report-card-vouchers">
            <Card hoverable style={{ height: '100%' }} title={t('voucher.title')}>
              <Typography.Paragraph type="secondary" ellipsis={{ rows: 3 }} style={{ marginBottom: 0 }}>
                {t('voucher.about')}
              </Typography.Paragraph>
            </Card>
          </Link>
        </Col>
      </Row>
    </Space>
  );
}

/**
 * The columns a person reads: the collection report's group is a month (its own label), a project id (its name is
 * beside it) or an asset type code (whose label is in both languages), so one of the pair is enough.
 */
function shownColumns(name: string, columns: ReportColumn[], filters: FilterValues): ReportColumn[] {
  if (name !== 'collection') return columns;
  const hidden = filters.groupBy === 'assetType' ? 'groupLabel' : 'group';
  return columns.filter((column) => column.key !== hidden);
}

const SUMMARY_STYLE = { fontWeight: 600 };

/** Print has every row of the filter, up to this many: more is a job for the Excel export. */
export const PRINT_ROW_LIMIT = 2000;
const PRINT_PAGE_SIZE = 200;

/** 合计 and 小计 under the rows, as the Excel export has them: the whole filter's figures, not the page's. */
function SummaryRows({ columns, result }: { columns: ReportColumn[]; result: ReportPage }) {
  const { t, language } = useI18n();
  const totalKeys = new Set(Object.keys(result.totals));
  const line = (label: string, values: ReportRow, testId: string) => (
    <Table.Summary.Row key={testId} data-testid={testId} style={SUMMARY_STYLE}>
      {columns.map((column, index) => (
        <Table.Summary.Cell key={column.key} index={index} align={alignOf(column.kind)}>
          {index === 0 ? (
            <span data-testid={`${testId}-label`}>{label}</span>
          ) : totalKeys.has(column.key) ? (
            <span data-testid={`${testId}-${column.key}`} style={{ whiteSpace: 'nowrap' }}>
              {formatCell(column, values[column.key], language)}
            </span>
          ) : null}
        </Table.Summary.Cell>
      ))}
    </Table.Summary.Row>
  );
  const groupKey = Object.keys(result.subtotals?.[0] ?? {}).find((key) => key !== 'count' && !totalKeys.has(key));
  const groupColumn = columns.find((column) => column.key === groupKey);
  return (
    <Table.Summary>
      {line(t('report.totalRow', { count: result.total }), result.totals, 'report-total')}
      {(result.subtotals ?? []).map((subtotal, index) =>
        line(
          t('report.subtotalRow', {
            name: groupColumn ? formatCell(groupColumn, subtotal[groupColumn.key], language) : '',
            count: Number(subtotal.count),
          }),
          subtotal,
          `report-subtotal-${index}`,
        ),
      )}
    </Table.Summary>
  );
}

function ReportView({ report }: { report: ReportInfo }) {
  const { t, language } = useI18n();
  const { message } = App.useApp();
  const description = useDescription(report);
  const [params, setParams] = useSearchParams();
  const search = params.toString();
  const filters = useMemo<FilterValues>(() => Object.fromEntries(new URLSearchParams(search)), [search]);
  const { paging, setPaging, pagination } = useReportPaging();
  const [result, setResult] = useState<ReportPage | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const [attempt, setAttempt] = useState(0);
  /** Every row of the filter (to the print limit) while printing; the table shows them without its pager. */
  const [printRows, setPrintRows] = useState<ReportRow[] | null>(null);
  const [preparingPrint, setPreparingPrint] = useState(false);

  // A new filter starts again at the first page.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the filter's text is what changes
  useEffect(() => setPaging((current) => ({ ...current, page: 1 })), [search]);

  useEffect(() => {
    let live = true;
    setLoading(true);
    void attempt;
    reportsApi
      .page(report.name, { ...filters, ...paging })
      .then((page) => {
        if (!live) return;
        setResult(page);
        setError(null);
      })
      .catch((failure: unknown) => live && setError(errorDetail(failure)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [report.name, filters, paging, attempt]);

  const columns = shownColumns(report.name, result?.columns ?? report.columns, filters);
  const tableColumns: TableColumnType<ReportRow>[] = columns.map((column) => ({
    key: column.key,
    dataIndex: column.key,
    title: labelOf(column, language),
    align: alignOf(column.kind),
    render: (value: unknown) => (
      <span style={column.kind === 'text' ? undefined : { whiteSpace: 'nowrap' }}>
        {formatCell(column, value, language)}
      </span>
    ),
  }));

  const exportWorkbook = useCallback(async () => {
    setExporting(true);
    try {
      await downloadFile(reportsApi.exportPath(report.name), filters, `${labelOf(report.title, language)}.xlsx`);
    } catch (failure) {
      message.error(errorDetail(failure));
    } finally {
      setExporting(false);
    }
  }, [report, filters, language, message]);

  const printAll = useCallback(async () => {
    if (!result) return;
    setPreparingPrint(true);
    try {
      const wanted = Math.min(result.total, PRINT_ROW_LIMIT);
      const rows: ReportRow[] = [];
      for (let page = 1; rows.length < wanted; page++) {
        const next = await reportsApi.page(report.name, { ...filters, page, pageSize: PRINT_PAGE_SIZE });
        rows.push(...next.items);
        if (next.items.length < PRINT_PAGE_SIZE) break;
      }
      setPrintRows(rows.slice(0, wanted));
    } catch (failure) {
      message.error(errorDetail(failure));
    } finally {
      setPreparingPrint(false);
    }
  }, [report, filters, result, message]);

  // Once the rows are on the page: the browser's print dialog (it returns when closed), then the pager again.
  useEffect(() => {
    if (!printRows) return;
    window.print();
    setPrintRows(null);
  }, [printRows]);

  const title = labelOf(report.title, language);
  const rows = printRows ?? result?.items ?? [];
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid={`report-${report.name}`}>
      <div className="report-no-print">
        <Link to="/reports">{t('report.backToList')}</Link>
      </div>
      <ReportFilters report={report} values={filters} onChange={(values) => setParams(values)} />
      <Card
        title={
          <span data-testid="report-title" className="report-print-title">
            {title}
          </span>
        }
        extra={
          <Space className="report-no-print">
            <Button
              icon={<DownloadOutlined />}
              loading={exporting}
              onClick={() => void exportWorkbook()}
              data-testid="report-export"
            >
              {t('report.export')}
            </Button>
            <Tooltip title={t('report.printHint')}>
              <Button
                icon={<PrinterOutlined />}
                loading={preparingPrint}
                disabled={!result}
                onClick={() => void printAll()}
                data-testid="report-print"
              >
                {t('report.print')}
              </Button>
            </Tooltip>
          </Space>
        }
      >
        <Typography.Paragraph type="secondary" className="report-no-print">
          {description}
        </Typography.Paragraph>
        {printRows && result && result.total > printRows.length && (
          <Typography.Paragraph data-testid="report-print-limit">
            {t('report.printLimited', { printed: printRows.length, total: result.total })}
          </Typography.Paragraph>
        )}
        {error && (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 16 }}
            title={t('common.loadFailed')}
            description={error}
            action={
              <Button size="small" onClick={() => setAttempt((count) => count + 1)}>
                {t('common.retry')}
              </Button>
            }
          />
        )}
        <Table<ReportRow>
          size="small"
          rowKey="_key"
          columns={tableColumns}
          dataSource={rows.map((row, index) => ({ ...row, _key: `${printRows ? 'print' : paging.page}-${index}` }))}
          loading={loading}
          scroll={{ x: 'max-content' }}
          summary={() => (result ? <SummaryRows columns={columns} result={result} /> : null)}
          pagination={printRows ? false : pagination(result?.total ?? 0)}
        />
      </Card>
    </Space>
  );
}

export default function ReportsPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const { name } = useParams();
  const { catalogue, error } = useCatalogue();

  if (error) return <Alert type="error" showIcon title={t('common.loadFailed')} description={error} />;
  if (!catalogue) return <Card loading />;
  if (!name) return <ReportList catalogue={catalogue} />;
  const report = catalogue.find((candidate) => candidate.name === name);
  if (!report) {
    return (
      <Result
        status="404"
        title={t('report.unknown', { name })}
        extra={
          <Button type="primary" onClick={() => navigate('/reports')}>
            {t('report.backToList')}
          </Button>
        }
      />
    );
  }
  return <ReportView key={report.name} report={report} />;
}
