// 银行流水导入与勾对: finance picks (or sets up) the bank account's column mapping, uploads the bank's CSV or Excel
// statement (previewed first, every wrong row named), and confirms each money-in line against a suggestion — a
// recorded transfer or a channel settlement (linked), or bills (a payment recorded with its receipt) — or ignores it.

import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Drawer,
  Empty,
  Form,
  Input,
  InputNumber,
  List,
  Modal,
  Radio,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorDetail } from '../../../shared/api.ts';
import { formatFen } from '../../../shared/money.ts';
import { validValues } from '../../components/form-errors.ts';
import { type ListColumn, ListPage, type ListPageAction, type ListRequest } from '../../components/ListPage.tsx';
import type { MessageKey } from '../../i18n.ts';
import { useI18n } from '../../language.tsx';
import { useSession } from '../../session.tsx';
import { RemoteSelect, searchTenants, useUnsettledBills } from '../billing/BillForms.tsx';
import { directionEnum, lineStatusEnum, matchKindLabel, reasonText, suggestionTitle } from './bank-statement-labels.ts';
import {
  bankStatementsApi,
  DATE_FORMATS,
  type Mapping,
  type MappingBody,
  type Preview,
  type StatementImport,
  type StatementLine,
  type Suggestion,
} from './bank-statements-api.ts';

const ROLES = [
  'date',
  'credit',
  'debit',
  'amount',
  'direction',
  'payerName',
  'payerAccount',
  'reference',
  'serial',
] as const;
type Role = (typeof ROLES)[number];

interface MappingValues {
  name: string;
  accountLabel: string;
  accountNo?: string;
  headerRow: number;
  encoding: 'utf8' | 'gbk';
  dateFormat: string;
  amountMode: 'two' | 'one';
  creditMarks?: string;
  columns: Partial<Record<Role, string>>;
}

function MappingModal({
  open,
  mapping,
  onClose,
  onSaved,
}: {
  open: boolean;
  mapping: Mapping | null;
  onClose: () => void;
  onSaved: (mapping: Mapping) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<MappingValues>();
  const [headers, setHeaders] = useState<string[]>([]);
  const [sample, setSample] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const headerRow = Form.useWatch('headerRow', form);
  const encoding = Form.useWatch('encoding', form);
  const amountMode = Form.useWatch('amountMode', form);

  useEffect(() => {
    if (!open) return;
    setSample(null);
    setError(null);
    const columns = mapping?.columns;
    setHeaders(columns ? (Object.values(columns).filter((v) => typeof v === 'string') as string[]) : []);
    form.setFieldsValue(
      mapping
        ? {
            name: mapping.name,
            accountLabel: mapping.accountLabel,
            headerRow: mapping.headerRow,
            encoding: mapping.encoding,
            dateFormat: mapping.dateFormat,
            amountMode: mapping.columns.credit ? 'two' : 'one',
            creditMarks: (mapping.columns.creditMarks ?? []).join(','),
            columns: Object.fromEntries(ROLES.map((role) => [role, mapping.columns[role] ?? undefined])),
          }
        : { headerRow: 1, encoding: 'gbk', dateFormat: 'YYYY-MM-DD', amountMode: 'two', columns: {} },
    );
  }, [open, mapping, form]);

  // The column picker offers the sample file's header row, read again when the row or encoding changes.
  useEffect(() => {
    if (!sample || !headerRow) return;
    let live = true;
    bankStatementsApi
      .preview(sample, { headerRow, encoding })
      .then((preview) => live && setHeaders(preview.headers.filter(Boolean)))
      .catch((failure) => live && setError(errorDetail(failure)));
    return () => {
      live = false;
    };
  }, [sample, headerRow, encoding]);

  async function save() {
    const values = await validValues(form);
    if (!values) return;
    const pick = (role: Role) => values.columns[role] || null;
    const body: MappingBody = {
      name: values.name.trim(),
      accountLabel: values.accountLabel.trim(),
      ...(values.accountNo?.trim() ? { accountNo: values.accountNo.trim() } : {}),
      headerRow: values.headerRow,
      encoding: values.encoding,
      dateFormat: values.dateFormat,
      columns: {
        date: values.columns.date ?? '',
        credit: values.amountMode === 'two' ? pick('credit') : null,
        debit: values.amountMode === 'two' ? pick('debit') : null,
        amount: values.amountMode === 'one' ? pick('amount') : null,
        direction: values.amountMode === 'one' ? pick('direction') : null,
        creditMarks: values.creditMarks
          ? values.creditMarks
              .split(/[,，\s]+/)
              .map((mark) => mark.trim())
              .filter(Boolean)
          : null,
        payerName: pick('payerName'),
        payerAccount: pick('payerAccount'),
        reference: pick('reference'),
        serial: pick('serial'),
      },
    };
    setSaving(true);
    setError(null);
    try {
      onSaved(
        mapping ? await bankStatementsApi.updateMapping(mapping.id, body) : await bankStatementsApi.createMapping(body),
      );
    } catch (failure) {
      setError(errorDetail(failure));
    } finally {
      setSaving(false);
    }
  }

  const headerOptions = [...new Set(headers)].map((header) => ({ value: header, label: header }));
  const column = (role: Role, required = false) => (
    <Form.Item
      key={role}
      name={['columns', role]}
      label={t(`bankStatement.column.${role}` as MessageKey)}
      rules={required ? [{ required: true, message: t('bankStatement.columnRequired') }] : []}
    >
      <Select
        allowClear
        showSearch
        options={headerOptions}
        placeholder={t('bankStatement.columnPlaceholder')}
        style={{ width: 190 }}
      />
    </Form.Item>
  );

  return (
    <Modal
      open={open}
      width={720}
      title={mapping ? t('bankStatement.mappingEdit', { name: mapping.name }) : t('bankStatement.mappingNew')}
      onOk={save}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form<MappingValues> form={form} layout="vertical" name="bank_statement_mapping" data-testid="bank-mapping-form">
        <Space wrap align="start">
          <Form.Item name="name" label={t('bankStatement.mappingName')} rules={[{ required: true, whitespace: true }]}>
            <Input maxLength={100} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item
            name="accountLabel"
            label={t('bankStatement.accountLabel')}
            rules={[{ required: true, whitespace: true }]}
          >
            <Input maxLength={100} style={{ width: 240 }} />
          </Form.Item>
          <Form.Item
            name="accountNo"
            label={t('bankStatement.accountNo')}
            extra={
              mapping?.accountNoMasked ? t('bankStatement.accountNoKept', { masked: mapping.accountNoMasked }) : null
            }
          >
            <Input maxLength={40} style={{ width: 220 }} />
          </Form.Item>
        </Space>
        <Form.Item label={t('bankStatement.sampleFile')} extra={t('bankStatement.sampleFileHint')}>
          <Upload
            accept=".csv,.xlsx,.txt"
            maxCount={1}
            beforeUpload={(file) => {
              setSample(file);
              return false;
            }}
            onRemove={() => setSample(null)}
          >
            <Button>{t('bankStatement.chooseFile')}</Button>
          </Upload>
        </Form.Item>
        <Space wrap align="start">
          <Form.Item name="headerRow" label={t('bankStatement.headerRow')} rules={[{ required: true }]}>
            <InputNumber min={1} max={50} />
          </Form.Item>
          <Form.Item name="encoding" label={t('bankStatement.encoding')}>
            <Radio.Group
              options={[
                { value: 'gbk', label: 'GBK' },
                { value: 'utf8', label: 'UTF-8' },
              ]}
            />
          </Form.Item>
          <Form.Item name="dateFormat" label={t('bankStatement.dateFormat')}>
            <Select style={{ width: 160 }} options={DATE_FORMATS.map((format) => ({ value: format, label: format }))} />
          </Form.Item>
          <Form.Item name="amountMode" label={t('bankStatement.amountMode')}>
            <Radio.Group
              options={[
                { value: 'two', label: t('bankStatement.amountMode.two') },
                { value: 'one', label: t('bankStatement.amountMode.one') },
              ]}
            />
          </Form.Item>
        </Space>
        <Space wrap align="start">
          {column('date', true)}
          {amountMode === 'one'
            ? [column('amount', true), column('direction')]
            : [column('credit', true), column('debit')]}
          {amountMode === 'one' && (
            <Form.Item name="creditMarks" label={t('bankStatement.creditMarks')}>
              <Input placeholder="贷,收" style={{ width: 140 }} />
            </Form.Item>
          )}
          {column('payerName')}
          {column('payerAccount')}
          {column('reference')}
          {column('serial')}
        </Space>
      </Form>
    </Modal>
  );
}

function UploadModal({
  mapping,
  onClose,
  onImported,
}: {
  mapping: Mapping | null;
  onClose: () => void;
  onImported: (result: { duplicate: boolean; import: StatementImport }) => void;
}) {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!mapping || !file) {
      setPreview(null);
      return;
    }
    let live = true;
    setError(null);
    bankStatementsApi
      .preview(file, { mappingId: mapping.id })
      .then((result) => live && setPreview(result))
      .catch((failure) => live && setError(errorDetail(failure)));
    return () => {
      live = false;
    };
  }, [mapping, file]);

  async function importNow() {
    if (!mapping || !file) return;
    setBusy(true);
    setError(null);
    try {
      onImported(await bankStatementsApi.importFile(file, mapping.id));
      setFile(null);
    } catch (failure) {
      setError(errorDetail(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={mapping !== null}
      width={960}
      title={mapping && t('bankStatement.uploadTitle', { name: mapping.name })}
      onOk={importNow}
      onCancel={() => {
        setFile(null);
        onClose();
      }}
      okText={t('bankStatement.importSubmit')}
      okButtonProps={{ disabled: !preview || preview.errors.length > 0, 'data-testid': 'bank-import-ok' }}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Upload
        accept=".csv,.xlsx,.txt"
        maxCount={1}
        beforeUpload={(chosen) => {
          setFile(chosen);
          return false;
        }}
        onRemove={() => setFile(null)}
      >
        <Button data-testid="bank-import-file">{t('bankStatement.chooseFile')}</Button>
      </Upload>
      {error && <Alert type="error" showIcon title={error} style={{ marginTop: 12 }} />}
      {preview && (
        <>
          <Typography.Paragraph style={{ marginTop: 12 }}>
            {t('bankStatement.previewSummary', { total: preview.total, errors: preview.errors.length })}
          </Typography.Paragraph>
          {preview.errors.length > 0 && (
            <Alert
              type="error"
              showIcon
              title={t('bankStatement.previewErrors')}
              description={
                <ul style={{ margin: 0, paddingLeft: 20, maxHeight: 160, overflow: 'auto' }}>
                  {preview.errors.map((rowError) => (
                    <li key={`${rowError.row}-${rowError.column}`}>
                      {t('bankStatement.rowError', { row: rowError.row, column: rowError.column })}
                      {rowError.message}
                    </li>
                  ))}
                </ul>
              }
              style={{ marginBottom: 12 }}
            />
          )}
          <Table
            size="small"
            rowKey="lineNo"
            pagination={false}
            scroll={{ y: 300 }}
            dataSource={preview.lines}
            columns={[
              { key: 'lineNo', title: t('bankStatement.lineNo'), dataIndex: 'lineNo', width: 70 },
              { key: 'valueDate', title: t('bankStatement.valueDate'), dataIndex: 'valueDate', width: 110 },
              {
                key: 'amount',
                title: t('bankStatement.amount'),
                render: (_, line) => `${line.direction === 'credit' ? '+' : '-'}${formatFen(line.amountFen)}`,
              },
              { key: 'payerName', title: t('bankStatement.payerName'), dataIndex: 'payerName', ellipsis: true },
              { key: 'reference', title: t('bankStatement.reference'), dataIndex: 'reference', ellipsis: true },
              { key: 'bankSerial', title: t('bankStatement.bankSerial'), dataIndex: 'bankSerial', ellipsis: true },
            ]}
          />
        </>
      )}
    </Modal>
  );
}

function MatchDrawer({
  line,
  canWrite,
  onClose,
  onChanged,
}: {
  line: StatementLine | null;
  canWrite: boolean;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const [suggestions, setSuggestions] = useState<Suggestion[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ tenantId?: string; billIds?: string[]; note?: string }>();
  const tenantId = Form.useWatch('tenantId', form);
  const bills = useUnsettledBills(tenantId);

  useEffect(() => {
    setSuggestions(null);
    setError(null);
    form.resetFields();
    if (line?.status !== 'unmatched' || line.direction !== 'credit') return;
    let live = true;
    bankStatementsApi
      .suggestions(line.id)
      .then((result) => live && setSuggestions(result.items))
      .catch((failure) => live && setError(errorDetail(failure)));
    return () => {
      live = false;
    };
  }, [line, form]);

  async function act(run: () => Promise<StatementLine>, done: string) {
    setBusy(true);
    setError(null);
    try {
      await run();
      message.success(done);
      onChanged();
    } catch (failure) {
      setError(errorDetail(failure));
    } finally {
      setBusy(false);
    }
  }

  const confirmSuggestion = (suggestion: Suggestion) => {
    if (!line) return;
    const note = form.getFieldValue('note')?.trim() || undefined;
    const body =
      suggestion.kind === 'link_payment'
        ? { kind: 'link_payment' as const, paymentId: suggestion.paymentId!, note }
        : suggestion.kind === 'link_settlement'
          ? { kind: 'link_settlement' as const, runId: suggestion.runId!, note }
          : {
              kind: 'record' as const,
              tenantId: suggestion.tenantId!,
              billIds: suggestion.bills.map((bill) => bill.id),
              note,
            };
    modal.confirm({
      title: t('bankStatement.confirmTitle', { amount: formatFen(line.amountFen) }),
      content: suggestionTitle(suggestion, t),
      okText: t('common.ok'),
      cancelText: t('common.cancel'),
      onOk: () => act(() => bankStatementsApi.confirm(line.id, body), t('bankStatement.confirmed')),
    });
  };

  async function recordManual() {
    if (!line) return;
    const values = await validValues(form);
    if (!values?.tenantId) return;
    await act(
      () =>
        bankStatementsApi.confirm(line.id, {
          kind: 'record',
          tenantId: values.tenantId!,
          billIds: values.billIds?.length ? values.billIds : undefined,
          note: values.note?.trim() || undefined,
        }),
      t('bankStatement.confirmed'),
    );
  }

  async function ignore() {
    if (!line) return;
    const note = form.getFieldValue('note')?.trim();
    if (!note) {
      form.setFields([{ name: 'note', errors: [t('bankStatement.noteRequired')] }]);
      return;
    }
    await act(() => bankStatementsApi.ignore(line.id, note), t('bankStatement.ignored'));
  }

  const chosen: string[] = Form.useWatch('billIds', form) ?? [];
  const chosenFen = bills.filter((bill) => chosen.includes(bill.id)).reduce((sum, bill) => sum + bill.payableFen, 0);
  const open = line?.status === 'unmatched';

  return (
    <Drawer
      open={line !== null}
      size="large"
      title={line && t('bankStatement.drawerTitle', { lineNo: line.lineNo, amount: formatFen(line.amountFen) })}
      onClose={onClose}
      destroyOnHidden
    >
      {line && (
        <Descriptions size="small" column={2} bordered style={{ marginBottom: 16 }}>
          <Descriptions.Item label={t('bankStatement.valueDate')}>{line.valueDate}</Descriptions.Item>
          <Descriptions.Item label={t('bankStatement.amount')}>
            {line.direction === 'credit' ? '+' : '-'}
            {formatFen(line.amountFen)}
          </Descriptions.Item>
          <Descriptions.Item label={t('bankStatement.payerName')}>{line.payerName ?? '-'}</Descriptions.Item>
          <Descriptions.Item label={t('bankStatement.payerAccount')}>
            {line.payerAccountMasked ?? '-'}
          </Descriptions.Item>
          <Descriptions.Item label={t('bankStatement.reference')}>{line.reference ?? '-'}</Descriptions.Item>
          <Descriptions.Item label={t('bankStatement.bankSerial')}>{line.bankSerial ?? '-'}</Descriptions.Item>
          {!open && (
            <Descriptions.Item label={t('bankStatement.decision')} span={2}>
              {[
                matchKindLabel(line.matchKind, t),
                line.paymentNumber,
                line.receiptNumber,
                line.tenantName,
                line.decidedByName,
                line.note,
              ]
                .filter(Boolean)
                .join(' · ')}
            </Descriptions.Item>
          )}
        </Descriptions>
      )}
      {error && (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="bank-match-error" />
      )}
      {open && line?.direction === 'credit' && (
        <>
          <Typography.Title level={5}>{t('bankStatement.suggestions')}</Typography.Title>
          <List
            loading={suggestions === null && !error}
            dataSource={suggestions ?? []}
            locale={{ emptyText: <Empty description={t('bankStatement.noSuggestions')} /> }}
            data-testid="bank-suggestions"
            renderItem={(suggestion, index) => (
              <List.Item
                actions={
                  canWrite
                    ? [
                        <Button
                          key="confirm"
                          type={index === 0 ? 'primary' : 'default'}
                          size="small"
                          disabled={busy}
                          onClick={() => confirmSuggestion(suggestion)}
                          data-testid="bank-suggestion-confirm"
                        >
                          {suggestion.kind === 'record' ? t('bankStatement.record') : t('bankStatement.link')}
                        </Button>,
                      ]
                    : []
                }
              >
                <List.Item.Meta
                  title={suggestionTitle(suggestion, t)}
                  description={
                    <Space wrap size={4}>
                      {suggestion.reasons.map((reason) => (
                        <Tag key={reason.code} color={reason.code === 'bill_number_in_reference' ? 'green' : 'blue'}>
                          {reasonText(reason, t)}
                        </Tag>
                      ))}
                    </Space>
                  }
                />
              </List.Item>
            )}
          />
        </>
      )}
      {open && canWrite && (
        <Card size="small" title={t('bankStatement.manual')} style={{ marginTop: 16 }}>
          <Form form={form} layout="vertical" name="bank_statement_match">
            {line?.direction === 'credit' && (
              <>
                <Form.Item name="tenantId" label={t('bill.tenant')}>
                  <RemoteSelect search={searchTenants} onChange={() => form.setFieldValue('billIds', [])} />
                </Form.Item>
                <Form.Item
                  name="billIds"
                  label={t('payment.bills')}
                  extra={
                    chosen.length > 0
                      ? t('bankStatement.billsChosen', {
                          payable: formatFen(chosenFen),
                          amount: formatFen(line.amountFen),
                        })
                      : t('payment.billsHint')
                  }
                >
                  <Select
                    mode="multiple"
                    allowClear
                    disabled={!tenantId}
                    options={bills.map((bill) => ({
                      value: bill.id,
                      label: `${bill.number} · ${bill.dueDate} · ${formatFen(bill.payableFen)}`,
                    }))}
                  />
                </Form.Item>
              </>
            )}
            <Form.Item name="note" label={t('bankStatement.note')}>
              <Input.TextArea maxLength={500} autoSize={{ minRows: 1, maxRows: 4 }} />
            </Form.Item>
            <Space>
              {line?.direction === 'credit' && (
                <Button type="primary" disabled={!tenantId} loading={busy} onClick={recordManual}>
                  {t('bankStatement.record')}
                </Button>
              )}
              <Button loading={busy} onClick={ignore} data-testid="bank-ignore">
                {t('bankStatement.ignore')}
              </Button>
            </Space>
          </Form>
        </Card>
      )}
    </Drawer>
  );
}

export default function BankStatementsPage() {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const { can } = useSession();
  const canWrite = can('reconciliation:write');
  const [mappings, setMappings] = useState<Mapping[]>([]);
  const [mappingId, setMappingId] = useState<string | undefined>();
  const [editing, setEditing] = useState<Mapping | null | 'new'>(null);
  const [uploading, setUploading] = useState<Mapping | null>(null);
  const [line, setLine] = useState<StatementLine | null>(null);
  const lines = useRef<ListPageAction>(null);
  const imports = useRef<ListPageAction>(null);

  const loadMappings = useCallback(async () => {
    const list = await bankStatementsApi.mappings();
    setMappings(list);
    setMappingId((current) => current ?? list[0]?.id);
  }, []);
  useEffect(() => {
    loadMappings().catch((failure) => message.error(errorDetail(failure)));
  }, [loadMappings, message]);
  const mapping = mappings.find((candidate) => candidate.id === mappingId) ?? null;

  const listLines: ListRequest<StatementLine> = useCallback(
    (query) => bankStatementsApi.lines({ ...query, mappingId }),
    [mappingId],
  );
  const listImports: ListRequest<StatementImport> = useCallback(
    (query) => bankStatementsApi.imports({ ...query, mappingId }),
    [mappingId],
  );

  const undo = (row: StatementLine) =>
    modal.confirm({
      title: t('bankStatement.undoTitle', { lineNo: row.lineNo, amount: formatFen(row.amountFen) }),
      okText: t('common.ok'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await bankStatementsApi.undo(row.id);
          lines.current?.reload();
        } catch (failure) {
          message.error(errorDetail(failure));
        }
      },
    });

  const lineColumns: ListColumn<StatementLine>[] = [
    {
      key: 'valueDate',
      title: t('bankStatement.valueDate'),
      dataIndex: 'valueDate',
      search: { type: 'dateRange', names: ['from', 'to'] },
    },
    {
      key: 'direction',
      title: t('bankStatement.directionTitle'),
      dataIndex: 'direction',
      valueEnum: directionEnum(t),
      search: { type: 'select' },
    },
    {
      key: 'amountFen',
      title: t('bankStatement.amount'),
      render: (row) => <span style={{ whiteSpace: 'nowrap' }}>{formatFen(row.amountFen)}</span>,
    },
    { key: 'payerName', title: t('bankStatement.payerName'), dataIndex: 'payerName', ellipsis: true, width: 160 },
    { key: 'payerAccountMasked', title: t('bankStatement.payerAccount'), dataIndex: 'payerAccountMasked' },
    {
      key: 'reference',
      title: t('bankStatement.reference'),
      dataIndex: 'reference',
      ellipsis: true,
      width: 180,
      search: { type: 'text', name: 'q', placeholder: t('bankStatement.searchPlaceholder') },
    },
    { key: 'bankSerial', title: t('bankStatement.bankSerial'), dataIndex: 'bankSerial', ellipsis: true, width: 140 },
    {
      key: 'status',
      title: t('bankStatement.statusTitle'),
      dataIndex: 'status',
      valueEnum: lineStatusEnum(t),
      search: { type: 'select' },
    },
    {
      key: 'match',
      title: t('bankStatement.decision'),
      render: (row) =>
        row.status === 'unmatched'
          ? '-'
          : [matchKindLabel(row.matchKind, t), row.paymentNumber, row.tenantName, row.note].filter(Boolean).join(' · '),
    },
    {
      key: 'actions',
      title: t('common.actions'),
      fixed: 'right',
      render: (row) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => setLine(row)} data-testid="bank-line-open">
            {row.status === 'unmatched' && canWrite ? t('bankStatement.match') : t('common.details')}
          </Button>
          {canWrite && row.status !== 'unmatched' && row.matchKind !== 'recorded' && (
            <Button type="link" size="small" onClick={() => undo(row)}>
              {t('bankStatement.undo')}
            </Button>
          )}
        </Space>
      ),
    },
  ];

  const importColumns: ListColumn<StatementImport>[] = [
    { key: 'fileName', title: t('bankStatement.fileName'), dataIndex: 'fileName', ellipsis: true, width: 200 },
    {
      key: 'period',
      title: t('bankStatement.period'),
      render: (row) => (row.firstDate ? `${row.firstDate} ~ ${row.lastDate}` : '-'),
    },
    {
      key: 'lines',
      title: t('bankStatement.lineCount'),
      render: (row) => t('bankStatement.lineCounts', { lines: row.lineCount, added: row.newLineCount }),
    },
    { key: 'creditFen', title: t('bankStatement.creditTotal'), render: (row) => formatFen(row.creditFen) },
    { key: 'debitFen', title: t('bankStatement.debitTotal'), render: (row) => formatFen(row.debitFen) },
    { key: 'unmatchedCount', title: t('bankStatement.unmatchedCount'), dataIndex: 'unmatchedCount' },
    { key: 'importedByName', title: t('bankStatement.importedBy'), dataIndex: 'importedByName' },
    { key: 'createdAt', title: t('bankStatement.importedAt'), dataIndex: 'createdAt', valueType: 'dateTime' },
  ];

  return (
    <>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Space wrap>
          <span>{t('bankStatement.account')}</span>
          <Select
            style={{ minWidth: 280 }}
            value={mappingId}
            onChange={setMappingId}
            placeholder={t('bankStatement.pickMapping')}
            options={mappings.map((candidate) => ({
              value: candidate.id,
              label: `${candidate.name} · ${candidate.accountLabel}${candidate.accountNoMasked ? ` · ${candidate.accountNoMasked}` : ''}`,
            }))}
            data-testid="bank-mapping-select"
          />
          {canWrite && (
            <>
              <Button onClick={() => setEditing('new')} data-testid="bank-mapping-new">
                {t('bankStatement.mappingNew')}
              </Button>
              <Button disabled={!mapping} onClick={() => setEditing(mapping)}>
                {t('bankStatement.mappingEditButton')}
              </Button>
              <Button
                type="primary"
                disabled={!mapping}
                onClick={() => setUploading(mapping)}
                data-testid="bank-upload"
              >
                {t('bankStatement.upload')}
              </Button>
            </>
          )}
        </Space>
        {mappings.length === 0 && (
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
            {t('bankStatement.noMappings')}
          </Typography.Paragraph>
        )}
      </Card>
      <Tabs
        items={[
          {
            key: 'lines',
            label: t('bankStatement.linesTab'),
            children: (
              <ListPage<StatementLine>
                key={`lines-${mappingId ?? ''}`}
                title={t('bankStatement.title')}
                rowKey="id"
                actionRef={lines}
                request={listLines}
                columns={lineColumns}
              />
            ),
          },
          {
            key: 'imports',
            label: t('bankStatement.importsTab'),
            children: (
              <ListPage<StatementImport>
                key={`imports-${mappingId ?? ''}`}
                title={t('bankStatement.importsTab')}
                rowKey="id"
                actionRef={imports}
                request={listImports}
                columns={importColumns}
              />
            ),
          },
        ]}
      />
      <MappingModal
        open={editing !== null}
        mapping={editing === 'new' ? null : editing}
        onClose={() => setEditing(null)}
        onSaved={(saved) => {
          setEditing(null);
          setMappingId(saved.id);
          loadMappings().catch(() => undefined);
          message.success(t('bankStatement.mappingSaved', { name: saved.name }));
        }}
      />
      <UploadModal
        mapping={uploading}
        onClose={() => setUploading(null)}
        onImported={(result) => {
          setUploading(null);
          message.success(
            result.duplicate
              ? t('bankStatement.importDuplicate', { file: result.import.fileName })
              : t('bankStatement.imported', { lines: result.import.lineCount, added: result.import.newLineCount }),
          );
          lines.current?.reload();
          imports.current?.reload();
        }}
      />
      <MatchDrawer
        line={line}
        canWrite={canWrite}
        onClose={() => setLine(null)}
        onChanged={() => {
          setLine(null);
          lines.current?.reload();
        }}
      />
    </>
  );
}
