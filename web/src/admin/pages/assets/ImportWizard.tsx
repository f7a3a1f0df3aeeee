// The spreadsheet import wizard shared by the asset and tenant lists:
// download the template → upload an .xlsx → preview the dry run (every bad row, column and reason) → confirm → result.
// The server writes all rows or none, so a failed import leaves nothing half-done.

import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Modal,
  Result,
  Space,
  Spin,
  Steps,
  Table,
  type TableColumnType,
  Typography,
  Upload,
} from 'antd';
import { type ReactNode, useState } from 'react';
import { ApiError, errorDetail } from '../../../shared/api.ts';
import { useI18n } from '../../language.tsx';
import { downloadFile, formatBytes, uploadFile } from './files.ts';

/** What POST …/import answers (src/http/imports.ts ImportReport). */
export interface ImportReport<Preview> {
  dryRun: boolean;
  total: number;
  valid: number;
  invalid: number;
  created: number;
  errors: RowError[];
  preview: Preview[];
}

export interface RowError {
  row: number;
  column: string;
  message: string;
}

/** The rows of a refused import (422 problem+json, each error with row and column). */
function rowErrorsOf(error: unknown): RowError[] {
  if (!(error instanceof ApiError)) return [];
  return error.errors
    .map((item) => item as Partial<RowError> & { message: string })
    .filter((item) => typeof item.row === 'number')
    .map((item) => ({ row: item.row as number, column: item.column ?? '', message: item.message }));
}

const Step = { Template: 0, Upload: 1, Preview: 2, Confirm: 3, Result: 4 } as const;
type Step = (typeof Step)[keyof typeof Step];

interface ImportWizardProps<Preview> {
  open: boolean;
  title: ReactNode;
  /** What the sheet holds, e.g. 资产 / 承租方, for the sentences of the wizard. */
  subject: string;
  templatePath: string;
  templateName: string;
  importPath: string;
  previewColumns: TableColumnType<Preview>[];
  onClose: () => void;
  /** Called after rows were written, so the list can reload. */
  onImported: (created: number) => void;
  testId: string;
}

export function ImportWizard<Preview extends { row: number }>({
  open,
  title,
  subject,
  templatePath,
  templateName,
  importPath,
  previewColumns,
  onClose,
  onImported,
  testId,
}: ImportWizardProps<Preview>) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [step, setStep] = useState<Step>(Step.Template);
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [report, setReport] = useState<ImportReport<Preview> | null>(null);
  const [refused, setRefused] = useState<RowError[]>([]);
  const [created, setCreated] = useState(0);

  function reset() {
    setStep(Step.Template);
    setFile(null);
    setBusy(false);
    setError(null);
    setReport(null);
    setRefused([]);
    setCreated(0);
  }

  async function downloadTemplate() {
    setError(null);
    try {
      await downloadFile(templatePath, {}, templateName);
      setStep((current) => (current === Step.Template ? Step.Upload : current));
    } catch (failure) {
      setError(errorDetail(failure));
    }
  }

  async function checkFile() {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      setReport(await uploadFile<ImportReport<Preview>>(importPath, file, file.name, { dryRun: true }));
      setStep(Step.Preview);
    } catch (failure) {
      setError(errorDetail(failure));
    } finally {
      setBusy(false);
    }
  }

  async function confirmImport() {
    if (!file) return;
    setBusy(true);
    setError(null);
    setRefused([]);
    try {
      const answer = await uploadFile<ImportReport<Preview>>(importPath, file, file.name, { dryRun: false });
      setCreated(answer.created);
      setStep(Step.Result);
      onImported(answer.created);
      message.success(t('import.done', { count: answer.created, subject }));
    } catch (failure) {
      // Someone changed the registry since the preview: the server refused every row and says which.
      setRefused(rowErrorsOf(failure));
      setError(errorDetail(failure));
      setStep(Step.Result);
    } finally {
      setBusy(false);
    }
  }

  const errorColumns: TableColumnType<RowError>[] = [
    { key: 'row', title: t('import.row'), dataIndex: 'row', width: 90 },
    { key: 'column', title: t('import.column'), dataIndex: 'column', width: 180 },
    { key: 'message', title: t('import.reason'), dataIndex: 'message' },
  ];

  const errorTable = (rows: RowError[]) => (
    <Table<RowError>
      data-testid={`${testId}-errors`}
      size="small"
      rowKey={(row) => `${row.row}/${row.column}/${row.message}`}
      columns={errorColumns}
      dataSource={rows}
      pagination={rows.length > 10 ? { pageSize: 10, showSizeChanger: false } : false}
    />
  );

  let body: ReactNode;
  let footer: ReactNode[] = [
    <Button key="close" onClick={onClose}>
      {t('common.close')}
    </Button>,
  ];

  if (step === Step.Template) {
    body = (
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <Typography.Paragraph>{t('import.templateHint', { subject })}</Typography.Paragraph>
        <Button icon={<DownloadOutlined />} onClick={downloadTemplate} data-testid={`${testId}-template`}>
          {t('import.downloadTemplate')}
        </Button>
      </Space>
    );
    footer = [
      ...footer,
      <Button key="next" type="primary" onClick={() => setStep(Step.Upload)}>
        {t('import.haveFile')}
      </Button>,
    ];
  } else if (step === Step.Upload) {
    body = (
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <Upload.Dragger
          accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          maxCount={1}
          multiple={false}
          showUploadList={false}
          beforeUpload={(chosen) => {
            setFile(chosen);
            setError(null);
            return false;
          }}
          data-testid={`${testId}-upload`}
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{t('import.dropHint')}</p>
          <p className="ant-upload-hint">{t('import.dropLimits')}</p>
        </Upload.Dragger>
        {file && (
          <Typography.Text data-testid={`${testId}-file`}>
            {t('import.chosen', { name: file.name, size: formatBytes(file.size) })}
          </Typography.Text>
        )}
      </Space>
    );
    footer = [
      <Button key="back" onClick={() => setStep(Step.Template)}>
        {t('import.back')}
      </Button>,
      <Button
        key="check"
        type="primary"
        disabled={!file}
        loading={busy}
        onClick={checkFile}
        data-testid={`${testId}-check`}
      >
        {t('import.check')}
      </Button>,
    ];
  } else if (step === Step.Preview && report) {
    const clean = report.invalid === 0 && report.total > 0;
    body = (
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <Alert
          data-testid={`${testId}-summary`}
          type={clean ? 'success' : 'error'}
          showIcon
          title={
            clean
              ? t('import.allValid', { total: report.total })
              : t('import.someInvalid', { total: report.total, invalid: report.invalid, valid: report.valid })
          }
          description={clean ? undefined : t('import.nothingWritten')}
        />
        {report.errors.length > 0 && errorTable(report.errors)}
        {report.preview.length > 0 && (
          <>
            <Typography.Text type="secondary">
              {t('import.previewHint', { count: report.preview.length })}
            </Typography.Text>
            <Table<Preview>
              size="small"
              rowKey="row"
              columns={previewColumns}
              dataSource={report.preview}
              scroll={{ x: 'max-content', y: 320 }}
              pagination={false}
            />
          </>
        )}
      </Space>
    );
    footer = [
      <Button key="again" onClick={() => setStep(Step.Upload)}>
        {t('import.chooseAgain')}
      </Button>,
      <Button
        key="next"
        type="primary"
        disabled={!clean}
        onClick={() => setStep(Step.Confirm)}
        data-testid={`${testId}-next`}
      >
        {t('import.next')}
      </Button>,
    ];
  } else if (step === Step.Confirm && report) {
    body = (
      <Spin spinning={busy}>
        <Descriptions
          bordered
          size="small"
          column={1}
          items={[
            { key: 'file', label: t('import.file'), children: file?.name ?? '-' },
            { key: 'rows', label: t('import.rows'), children: report.total },
          ]}
        />
        <Alert style={{ marginTop: 16 }} type="info" showIcon title={t('import.confirmHint', { subject })} />
      </Spin>
    );
    footer = [
      <Button key="back" disabled={busy} onClick={() => setStep(Step.Preview)}>
        {t('import.back')}
      </Button>,
      <Button key="go" type="primary" loading={busy} onClick={confirmImport} data-testid={`${testId}-confirm`}>
        {t('import.confirm', { count: report.total })}
      </Button>,
    ];
  } else if (step === Step.Result) {
    body = error ? (
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <Result status="error" title={t('import.failed')} subTitle={error} />
        {refused.length > 0 && errorTable(refused)}
      </Space>
    ) : (
      <Result data-testid={`${testId}-result`} status="success" title={t('import.done', { count: created, subject })} />
    );
    footer = [
      <Button key="again" onClick={reset}>
        {t('import.another')}
      </Button>,
      <Button key="close" type="primary" onClick={onClose}>
        {t('common.close')}
      </Button>,
    ];
  }

  return (
    <Modal
      title={title}
      open={open}
      onCancel={busy ? undefined : onClose}
      maskClosable={false}
      width={960}
      footer={footer}
      destroyOnHidden
      afterClose={reset}
      data-testid={testId}
    >
      <Steps
        current={step}
        size="small"
        style={{ marginBottom: 24 }}
        items={[
          { title: t('import.stepTemplate') },
          { title: t('import.stepUpload') },
          { title: t('import.stepPreview') },
          { title: t('import.stepConfirm') },
          { title: t('import.stepResult') },
        ]}
      />
      {step !== Step.Result && step !== Step.Confirm && error && (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />
      )}
      {body}
    </Modal>
  );
}
