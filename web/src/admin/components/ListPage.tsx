// An Ant Design Pro-style list page: the page declares its columns once (with the search form in them),
// and this component draws the search form, the server-paged table and the error state.

import { ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Badge,
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Input,
  Row,
  Select,
  Space,
  Table,
  type TableColumnType,
  Tooltip,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { type ReactNode, type RefObject, useCallback, useEffect, useImperativeHandle, useRef, useState } from 'react';
import { errorDetail, type Page, type Query } from '../../shared/api.ts';
import { useI18n } from '../language.tsx';

export type BadgeStatus = 'success' | 'processing' | 'default' | 'error' | 'warning';

/** Value → label (and badge colour), as ProColumns' valueEnum. */
export type ValueEnum = Record<string, { text: string; status?: BadgeStatus }>;

export type SearchField =
  /** Free text; the query parameter is the column key unless `name` says otherwise. */
  | { type: 'text'; name?: string; placeholder?: string }
  /** A choice; options default to the column's valueEnum. */
  | { type: 'select'; name?: string; options?: { label: string; value: string }[] }
  /** A date range sent as two YYYY-MM-DD parameters. */
  | { type: 'dateRange'; names: [from: string, to: string] };

export interface ListColumn<Row> {
  key: string;
  title: string;
  dataIndex?: keyof Row & string;
  width?: number;
  ellipsis?: boolean;
  fixed?: 'left' | 'right';
  valueType?: 'text' | 'dateTime';
  valueEnum?: ValueEnum;
  /** What an empty cell shows (default “-”). */
  emptyText?: string;
  render?: (row: Row) => ReactNode;
  hideInTable?: boolean;
  search?: SearchField;
}

export interface ListPageAction {
  reload: () => void;
}

export type ListRequest<Row> = (query: Query & { page: number; pageSize: number }) => Promise<Page<Row>>;

interface ListPageProps<Row> {
  title: ReactNode;
  rowKey: keyof Row & string;
  columns: ListColumn<Row>[];
  request: ListRequest<Row>;
  /** Buttons beside the refresh button (e.g. 新建). */
  toolbar?: ReactNode;
  actionRef?: RefObject<ListPageAction | null>;
  defaultPageSize?: number;
}

interface ListQuery {
  filters: Query;
  page: number;
  pageSize: number;
}

type SearchValues = Record<string, string | [Dayjs | null, Dayjs | null] | null | undefined>;

function cellValue<Row>(column: ListColumn<Row>, row: Row): ReactNode {
  if (column.render) return column.render(row);
  const value = column.dataIndex === undefined ? undefined : row[column.dataIndex];
  if (value === null || value === undefined || value === '') return column.emptyText ?? '-';
  if (column.valueEnum) {
    const entry = column.valueEnum[String(value)];
    if (!entry) return String(value);
    return entry.status ? <Badge status={entry.status} text={entry.text} /> : entry.text;
  }
  if (column.valueType === 'dateTime') return dayjs(String(value)).format('YYYY-MM-DD HH:mm:ss');
  return String(value);
}

/** Search form values → query parameters (empty ones dropped by the API client). */
function toQuery<Row>(columns: ListColumn<Row>[], values: SearchValues): Query {
  const query: Query = {};
  for (const column of columns) {
    const search = column.search;
    if (!search) continue;
    if (search.type === 'dateRange') {
      const range = values[column.key];
      const [from, to] = Array.isArray(range) ? range : [null, null];
      query[search.names[0]] = from ? from.format('YYYY-MM-DD') : undefined;
      query[search.names[1]] = to ? to.format('YYYY-MM-DD') : undefined;
    } else {
      const value = values[column.key];
      query[search.name ?? column.key] = typeof value === 'string' ? value.trim() : undefined;
    }
  }
  return query;
}

/** The search control a column asks for; Form.Item's id/value/onChange pass through to it. */
function SearchInput<Row>({ column, ...injected }: { column: ListColumn<Row> }) {
  const { t } = useI18n();
  // Form.Item gives its child the field's id, value and onChange; each control below takes them as they are.
  const control = injected as object;
  const search = column.search;
  if (!search) return null;
  if (search.type === 'dateRange') {
    return (
      <DatePicker.RangePicker
        {...control}
        style={{ width: '100%' }}
        placeholder={[t('common.startDate'), t('common.endDate')]}
      />
    );
  }
  if (search.type === 'select') {
    const options =
      search.options ?? Object.entries(column.valueEnum ?? {}).map(([value, { text }]) => ({ value, label: text }));
    return <Select {...control} allowClear placeholder={t('common.select')} options={options} />;
  }
  return <Input {...control} allowClear placeholder={search.placeholder ?? t('common.input')} />;
}

export function ListPage<Row extends object>({
  title,
  rowKey,
  columns,
  request,
  toolbar,
  actionRef,
  defaultPageSize = 20,
}: ListPageProps<Row>) {
  const { t } = useI18n();
  const [form] = Form.useForm<SearchValues>();
  // One object per fetch: a new object (even with the same values) fetches again.
  const [listQuery, setListQuery] = useState<ListQuery>({ filters: {}, page: 1, pageSize: defaultPageSize });
  const { page, pageSize } = listQuery;
  const [result, setResult] = useState<Page<Row> | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const requestRef = useRef(request);
  requestRef.current = request;

  const reload = useCallback(() => setListQuery((current) => ({ ...current })), []);
  useImperativeHandle(actionRef, () => ({ reload }), [reload]);

  useEffect(() => {
    let current = true;
    setLoading(true);
    requestRef
      .current({ ...listQuery.filters, page: listQuery.page, pageSize: listQuery.pageSize })
      .then((answer) => {
        if (!current) return;
        setResult(answer);
        setError(null);
      })
      .catch((failure: unknown) => current && setError(errorDetail(failure)))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [listQuery]);

  const searchColumns = columns.filter((column) => column.search);
  const tableColumns: TableColumnType<Row>[] = columns
    .filter((column) => !column.hideInTable)
    .map((column) => ({
      key: column.key,
      title: column.title,
      dataIndex: column.dataIndex,
      width: column.width,
      ellipsis: column.ellipsis,
      fixed: column.fixed,
      render: (_value: unknown, row: Row) => cellValue(column, row),
    }));

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {searchColumns.length > 0 && (
        <Card size="small">
          <Form
            form={form}
            name="search"
            layout="vertical"
            onFinish={(values) => {
              setListQuery({ filters: toQuery(columns, values), page: 1, pageSize });
            }}
            onReset={() => {
              setListQuery({ filters: {}, page: 1, pageSize });
            }}
          >
            <Row gutter={16} align="bottom">
              {searchColumns.map((column) => (
                <Col key={column.key} xs={24} sm={12} lg={8} xl={6}>
                  <Form.Item name={column.key} label={column.title}>
                    <SearchInput column={column} />
                  </Form.Item>
                </Col>
              ))}
              <Col xs={24} sm={12} lg={8} xl={6}>
                <Form.Item>
                  <Space>
                    <Button type="primary" htmlType="submit">
                      {t('common.search')}
                    </Button>
                    <Button htmlType="reset">{t('common.reset')}</Button>
                  </Space>
                </Form.Item>
              </Col>
            </Row>
          </Form>
        </Card>
      )}
      <Card
        title={title}
        extra={
          <Space>
            {toolbar}
            <Tooltip title={t('common.refresh')}>
              <Button icon={<ReloadOutlined />} onClick={reload} aria-label={t('common.refresh')} />
            </Tooltip>
          </Space>
        }
      >
        {error && (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 16 }}
            title={t('common.loadFailed')}
            description={error}
            action={
              <Button size="small" onClick={reload}>
                {t('common.retry')}
              </Button>
            }
          />
        )}
        <Table<Row>
          rowKey={rowKey}
          columns={tableColumns}
          dataSource={result?.items ?? []}
          loading={loading}
          scroll={{ x: 'max-content' }}
          pagination={{
            current: page,
            pageSize,
            total: result?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [10, 20, 50, 100],
            showTotal: (total) => t('common.total', { total }),
            onChange: (nextPage, nextPageSize) => {
              setListQuery((current) => ({
                filters: current.filters,
                page: nextPageSize === current.pageSize ? nextPage : 1,
                pageSize: nextPageSize,
              }));
            },
          }}
        />
      </Card>
    </Space>
  );
}
