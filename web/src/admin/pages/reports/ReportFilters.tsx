// A report's search form, built from the filters the catalogue describes: dates, choices among labelled codes,
// tenants, projects and contracts to pick, a number, a yes/no. The filter lives in the
// URL, so a drill-through from the dashboard and a shared link open the same rows.

import { Button, Card, Checkbox, Col, DatePicker, Form, InputNumber, Row, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useI18n } from '../../language.tsx';
import { assetsApi } from '../assets/assets-api.ts';
import { contractsApi } from '../contracts/contracts-api.ts';
import { tenantsApi } from '../tenants/tenants-api.ts';
import { labelOf } from './report-format.ts';
import type { ReportFilter, ReportInfo } from './reports-api.ts';

export type FilterValues = Record<string, string>;

type Option = { value: string; label: string };

type Lists = Record<'tenant' | 'project' | 'contract', Option[]>;

/** Tenants, projects and contracts to pick from, loaded once for the filters that need them. */
function useLists(report: ReportInfo): Lists {
  const [lists, setLists] = useState<Lists>({ tenant: [], project: [], contract: [] });
  useEffect(() => {
    let live = true;
    const keys = new Set(report.filters.map((filter) => filter.control));
    const load = (key: keyof Lists, fetch: () => Promise<Option[]>) =>
      fetch()
        .then((options) => live && setLists((current) => ({ ...current, [key]: options })))
        .catch(() => undefined);
    if (keys.has('tenant')) {
      void load('tenant', () =>
        tenantsApi
          .list({ page: 1, pageSize: 200 })
          .then((page) =>
            page.items.map((tenant) => ({ value: tenant.id, label: `${tenant.name}（${tenant.code}）` })),
          ),
      );
    }
    if (keys.has('project')) {
      void load('project', () =>
        assetsApi
          .list({ page: 1, pageSize: 200, type: 'project' })
          .then((page) => page.items.map((asset) => ({ value: asset.id, label: asset.name }))),
      );
    }
    if (keys.has('contract')) {
      void load('contract', () =>
        contractsApi
          .list({ page: 1, pageSize: 200 })
          .then((page) =>
            page.items.map((contract) => ({ value: contract.id, label: `${contract.number} ${contract.tenantName}` })),
          ),
      );
    }
    return () => {
      live = false;
    };
  }, [report]);
  return lists;
}

type FormValues = Record<string, Dayjs | string | number | boolean | null | undefined>;

function toForm(report: ReportInfo, values: FilterValues): FormValues {
  const form: FormValues = {};
  for (const filter of report.filters) {
    const value = values[filter.key];
    if (value === undefined) continue;
    const { control } = filter;
    if (control === 'date') form[filter.key] = dayjs(value);
    else if (control === 'boolean') form[filter.key] = value === 'true';
    else if (control === 'integer') form[filter.key] = Number(value);
    else form[filter.key] = value;
  }
  return form;
}

function fromForm(report: ReportInfo, form: FormValues): FilterValues {
  const values: FilterValues = {};
  for (const filter of report.filters) {
    const value = form[filter.key];
    if (value === undefined || value === null || value === '' || value === false) continue;
    values[filter.key] = dayjs.isDayjs(value) ? value.format('YYYY-MM-DD') : String(value);
  }
  return values;
}

export function ReportFilters({
  report,
  values,
  onChange,
}: {
  report: ReportInfo;
  values: FilterValues;
  onChange: (values: FilterValues) => void;
}) {
  const { t, language } = useI18n();
  const [form] = Form.useForm<FormValues>();
  const lists = useLists(report);

  useEffect(() => {
    form.resetFields();
    form.setFieldsValue(toForm(report, values));
  }, [form, report, values]);

  const choices = (filter: ReportFilter): Option[] =>
    (filter.options ?? []).map((option) => ({ value: option.value, label: labelOf(option, language) }));

  const input = (filter: ReportFilter) => {
    const { control } = filter;
    const placeholder = t('report.filter.any');
    switch (control) {
      case 'date':
        return <DatePicker style={{ width: '100%' }} placeholder={t('report.filter.default')} />;
      case 'boolean':
        return <Checkbox>{labelOf(filter, language)}</Checkbox>;
      case 'integer':
        return <InputNumber min={filter.minimum} max={filter.maximum} precision={0} style={{ width: '100%' }} />;
      case 'choice':
        return <Select allowClear placeholder={placeholder} options={choices(filter)} />;
      default: {
        const options = lists[control];
        const current = values[filter.key];
        // A drill-through may name a record not among the first 200: keep its id rather than a blank.
        const withCurrent =
          current && !options.some((option) => option.value === current)
            ? [...options, { value: current, label: current }]
            : options;
        return (
          <Select allowClear showSearch optionFilterProp="label" placeholder={placeholder} options={withCurrent} />
        );
      }
    }
  };

  return (
    <Card size="small" className="report-no-print">
      <Form
        form={form}
        name="report-filters"
        layout="vertical"
        onFinish={(formValues) => onChange(fromForm(report, formValues))}
      >
        <Row gutter={16} align="bottom">
          {report.filters.map((filter) => (
            <Col key={filter.key} xs={24} sm={12} lg={8} xl={6}>
              <Form.Item
                name={filter.key}
                label={filter.control === 'boolean' ? ' ' : labelOf(filter, language)}
                valuePropName={filter.control === 'boolean' ? 'checked' : 'value'}
              >
                {input(filter)}
              </Form.Item>
            </Col>
          ))}
          <Col xs={24} sm={12} lg={8} xl={6}>
            <Form.Item>
              <Space>
                <Button type="primary" htmlType="submit" data-testid="report-search">
                  {t('common.search')}
                </Button>
                <Button onClick={() => onChange({})}>{t('common.reset')}</Button>
              </Space>
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Card>
  );
}
