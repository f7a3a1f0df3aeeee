// 驾驶舱: how much is let, billed and collected, who owes what and for how long, what ends soon and what came in
// today. Every figure, bar and slice opens the report that lists it, with the filter the API names (`drill`).

import { Alert, Button, Card, Col, DatePicker, Empty, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { errorDetail } from '../../../shared/api.ts';
import { formatFen } from '../../../shared/money.ts';
import type { Language } from '../../i18n.ts';
import { useI18n } from '../../language.tsx';
import { type ChartOption, EChart } from './EChart.tsx';
import { codeLabel, formatPercent } from './report-format.ts';
import {
  type Dashboard,
  type Drill,
  type Label,
  loadCatalogue,
  type ReportInfo,
  reportPath,
  reportsApi,
} from './reports-api.ts';

type Labels = Record<string, Label>;

/** Bucket, payment method and asset type names in both languages, from the reports' own columns. */
function labelsFrom(catalogue: ReportInfo[]): { bucket: Labels; method: Labels; type: Labels } {
  const column = (report: string, key: string) =>
    catalogue.find((info) => info.name === report)?.columns.find((candidate) => candidate.key === key)?.labels ?? {};
  return {
    bucket: column('arrears-aging', 'bucket'),
    method: column('payments', 'method'),
    type: column('vacancies', 'type'),
  };
}

/** An axis amount, short: ¥1,234万 or ¥12.3M. Tooltips give the exact figure. */
function axisYuan(fen: number, language: Language): string {
  const yuan = fen / 100;
  if (language === 'zh') return Math.abs(yuan) >= 10_000 ? `¥${(yuan / 10_000).toLocaleString('zh-CN')}万` : `¥${yuan}`;
  if (Math.abs(yuan) >= 1_000_000) return `¥${(yuan / 1_000_000).toLocaleString('en-US')}M`;
  return Math.abs(yuan) >= 1_000 ? `¥${(yuan / 1_000).toLocaleString('en-US')}k` : `¥${yuan}`;
}

/** A ratio string ("0.8333") as a number of percent (83.33) for a chart; null stays a gap. */
const percentNumber = (ratio: string | null) => (ratio === null ? null : Number(ratio) * 100);

interface TooltipParam {
  dataIndex: number;
  marker: string;
  seriesName: string;
}

const firstIndex = (params: unknown) =>
  (Array.isArray(params) ? (params[0] as TooltipParam) : (params as TooltipParam)).dataIndex;

function Figure({
  title,
  value,
  detail,
  drill,
  testId,
}: {
  title: string;
  value: string;
  detail: string;
  drill: Drill;
  testId: string;
}) {
  const navigate = useNavigate();
  return (
    <Card hoverable size="small" onClick={() => navigate(reportPath(drill.report, drill.filter))} data-testid={testId}>
      <Statistic title={title} value={value} />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {detail}
      </Typography.Text>
    </Card>
  );
}

function ChartCard({ title, drill, children }: { title: string; drill?: Drill; children: React.ReactNode }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <Card
      size="small"
      title={title}
      style={{ height: '100%' }}
      extra={
        drill && (
          <Button type="link" size="small" onClick={() => navigate(reportPath(drill.report, drill.filter))}>
            {t('dashboard.details')}
          </Button>
        )
      }
    >
      {children}
    </Card>
  );
}

function Figures({ data }: { data: Dashboard }) {
  const { t } = useI18n();
  const { occupancy, collectionRate, aging, paymentsToday, contractsEnding } = data;
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} sm={12} xl={5}>
        <Figure
          testId="figure-occupancy"
          title={t('dashboard.occupancy')}
          value={formatPercent(occupancy.total.rateByCount)}
          detail={t('dashboard.occupancyDetail', {
            leased: occupancy.total.leasedUnits,
            units: occupancy.total.units,
            byArea: formatPercent(occupancy.total.rateByArea),
          })}
          drill={occupancy.total.drill ?? { report: 'vacancies', filter: { asOf: data.asOf } }}
        />
      </Col>
      <Col xs={24} sm={12} xl={5}>
        <Figure
          testId="figure-collection-rate"
          title={t('dashboard.collectionRate')}
          value={formatPercent(collectionRate.rate)}
          detail={t('dashboard.collectionRateDetail', {
            collected: formatFen(collectionRate.collectedFen),
            billed: formatFen(collectionRate.billedFen),
          })}
          drill={collectionRate.drill}
        />
      </Col>
      <Col xs={24} sm={12} xl={5}>
        <Figure
          testId="figure-arrears"
          title={t('dashboard.arrears')}
          value={formatFen(aging.outstandingFen)}
          detail={t('dashboard.billCount', { count: aging.billCount })}
          drill={aging.drill}
        />
      </Col>
      <Col xs={24} sm={12} xl={5}>
        <Figure
          testId="figure-payments-today"
          title={t('dashboard.paymentsToday')}
          value={formatFen(paymentsToday.amountFen)}
          detail={t('dashboard.paymentCount', { count: paymentsToday.count })}
          drill={paymentsToday.drill}
        />
      </Col>
      <Col xs={24} sm={12} xl={4}>
        <Figure
          testId="figure-contracts-ending"
          title={t('dashboard.contractsEnding')}
          value={String(contractsEnding.count)}
          detail={t('dashboard.monthlyRent', { amount: formatFen(contractsEnding.monthlyRentFen) })}
          drill={contractsEnding.drill}
        />
      </Col>
    </Row>
  );
}

function BilledVsCollected({ data }: { data: Dashboard }) {
  const { t, language } = useI18n();
  const navigate = useNavigate();
  const months = data.billedVsCollected;
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: {
        trigger: 'axis',
        formatter: (params: unknown) => {
          const month = months[firstIndex(params)];
          if (!month) return '';
          return [
            `<b>${month.month}</b>`,
            `${t('dashboard.billed')}：${formatFen(month.billedFen)}`,
            `${t('dashboard.collected')}：${formatFen(month.collectedFen)}`,
            `${t('dashboard.outstanding')}：${formatFen(month.outstandingFen)}`,
            `${t('dashboard.collectionRate')}：${formatPercent(month.collectionRate)}`,
          ].join('<br/>');
        },
      },
      xAxis: { type: 'category', data: months.map((month) => month.month) },
      yAxis: [
        { type: 'value', axisLabel: { formatter: (value: number) => axisYuan(value, language) } },
        { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' }, splitLine: { show: false } },
      ],
      series: [
        { type: 'bar', name: t('dashboard.billed'), data: months.map((month) => month.billedFen) },
        { type: 'bar', name: t('dashboard.collected'), data: months.map((month) => month.collectedFen) },
        {
          type: 'line',
          name: t('dashboard.collectionRate'),
          yAxisIndex: 1,
          data: months.map((month) => percentNumber(month.collectionRate)),
        },
      ],
    }),
    [months, t, language],
  );
  return (
    <ChartCard title={t('dashboard.billedVsCollected')}>
      <EChart
        testId="chart-billed-collected"
        label={t('dashboard.billedVsCollected')}
        option={option}
        height={300}
        pick="x"
        onPick={(index) => {
          const month = months[index];
          if (month) navigate(reportPath(month.drill.report, month.drill.filter));
        }}
      />
    </ChartCard>
  );
}

function Aging({ data, labels }: { data: Dashboard; labels: Labels }) {
  const { t, language } = useI18n();
  const navigate = useNavigate();
  const buckets = data.aging.buckets;
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'axis',
        formatter: (params: unknown) => {
          const bucket = buckets[firstIndex(params)];
          if (!bucket) return '';
          return `<b>${codeLabel(labels, bucket.bucket, language)}</b><br/>${formatFen(bucket.outstandingFen)}<br/>${t(
            'dashboard.billCount',
            { count: bucket.billCount },
          )}`;
        },
      },
      xAxis: {
        type: 'category',
        data: buckets.map((bucket) => codeLabel(labels, bucket.bucket, language)),
        axisLabel: { interval: 0, fontSize: 11 },
      },
      yAxis: { type: 'value', axisLabel: { formatter: (value: number) => axisYuan(value, language) } },
      series: [
        {
          type: 'bar',
          name: t('dashboard.outstanding'),
          data: buckets.map((bucket, index) => ({
            value: bucket.outstandingFen,
            itemStyle: { color: ['#52c41a', '#fadb14', '#faad14', '#fa8c16', '#f5222d', '#a8071a'][index] },
          })),
        },
      ],
    }),
    [buckets, labels, t, language],
  );
  return (
    <ChartCard title={t('dashboard.aging')} drill={data.aging.drill}>
      <EChart
        testId="chart-aging"
        label={t('dashboard.aging')}
        option={option}
        height={300}
        pick="x"
        onPick={(index) => {
          const bucket = buckets[index];
          if (bucket) navigate(reportPath(bucket.drill.report, bucket.drill.filter));
        }}
      />
    </ChartCard>
  );
}

function Occupancy({
  title,
  testId,
  rows,
  names,
}: {
  title: string;
  testId: string;
  rows: Dashboard['occupancy']['byProject'] | Dashboard['occupancy']['byAssetType'];
  names: string[];
}) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: {
        trigger: 'axis',
        formatter: (params: unknown) => {
          const index = firstIndex(params);
          const row = rows[index];
          if (!row) return '';
          return [
            `<b>${names[index]}</b>`,
            `${t('dashboard.byCount')}：${formatPercent(row.rateByCount)}（${row.leasedUnits} / ${row.units}）`,
            `${t('dashboard.byArea')}：${formatPercent(row.rateByArea)}（${row.leasedAreaSqm} / ${row.areaSqm} ㎡）`,
          ].join('<br/>');
        },
      },
      xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      yAxis: { type: 'category', data: names, inverse: true },
      series: [
        { type: 'bar', name: t('dashboard.byCount'), data: rows.map((row) => percentNumber(row.rateByCount)) },
        { type: 'bar', name: t('dashboard.byArea'), data: rows.map((row) => percentNumber(row.rateByArea)) },
      ],
    }),
    [rows, names, t],
  );
  if (rows.length === 0) {
    return (
      <ChartCard title={title}>
        <Empty />
      </ChartCard>
    );
  }
  return (
    <ChartCard title={title}>
      <EChart
        testId={testId}
        label={title}
        option={option}
        height={Math.max(160, 70 + rows.length * 56)}
        pick="y"
        onPick={(index) => {
          const row = rows[index];
          if (row) navigate(reportPath(row.drill.report, row.drill.filter));
        }}
      />
    </ChartCard>
  );
}

function PaymentsByChannel({ data, labels }: { data: Dashboard; labels: Labels }) {
  const { t, language } = useI18n();
  const navigate = useNavigate();
  const channels = data.paymentsToday.byChannel;
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: {
        trigger: 'item',
        formatter: (params: unknown) => {
          const channel = channels[(params as TooltipParam).dataIndex];
          if (!channel) return '';
          return `<b>${codeLabel(labels, channel.method, language)}</b><br/>${formatFen(channel.amountFen)}<br/>${t(
            'dashboard.paymentCount',
            { count: channel.count },
          )}`;
        },
      },
      legend: { bottom: 0 },
      series: [
        {
          type: 'pie',
          radius: ['40%', '68%'],
          top: 0,
          bottom: 32,
          data: channels.map((channel) => ({
            name: codeLabel(labels, channel.method, language),
            value: channel.amountFen,
          })),
          label: { formatter: '{b}\n{d}%' },
        },
      ],
    }),
    [channels, labels, t, language],
  );
  return (
    <ChartCard title={t('dashboard.paymentsByChannel')} drill={data.paymentsToday.drill}>
      {channels.length === 0 ? (
        <Empty description={t('dashboard.noPaymentsToday')} data-testid="payments-today-empty" />
      ) : (
        <EChart
          testId="chart-payments-today"
          label={t('dashboard.paymentsByChannel')}
          option={option}
          height={280}
          pick="item"
          onPick={(index) => {
            const channel = channels[index];
            if (channel) navigate(reportPath(channel.drill.report, channel.drill.filter));
          }}
        />
      )}
    </ChartCard>
  );
}

function TopOverdue({ data }: { data: Dashboard }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <ChartCard
      title={t('dashboard.topOverdue')}
      drill={{ report: 'arrears-aging', filter: { asOf: data.asOf, overdueOnly: true } }}
    >
      <Table
        size="small"
        rowKey="tenantId"
        pagination={false}
        data-testid="top-overdue"
        dataSource={data.topOverdueTenants}
        onRow={(row) => ({
          onClick: () => navigate(reportPath(row.drill.report, row.drill.filter)),
          style: { cursor: 'pointer' },
        })}
        columns={[
          { key: 'tenantName', title: t('dashboard.tenant'), dataIndex: 'tenantName', ellipsis: true },
          {
            key: 'overdueFen',
            title: t('dashboard.overdueAmount'),
            align: 'right',
            render: (_: unknown, row) => <span style={{ whiteSpace: 'nowrap' }}>{formatFen(row.overdueFen)}</span>,
          },
          { key: 'billCount', title: t('dashboard.bills'), dataIndex: 'billCount', align: 'right' },
          {
            key: 'maxDaysOverdue',
            title: t('dashboard.maxDaysOverdue'),
            dataIndex: 'maxDaysOverdue',
            align: 'right',
          },
        ]}
      />
    </ChartCard>
  );
}

function ContractsEnding({ data }: { data: Dashboard }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const ending = data.contractsEnding;
  return (
    <ChartCard title={t('dashboard.contractsEndingList', { count: ending.count })} drill={ending.drill}>
      <Table
        size="small"
        rowKey="number"
        pagination={false}
        data-testid="contracts-ending"
        dataSource={ending.first}
        onRow={() => ({
          onClick: () => navigate(reportPath(ending.drill.report, ending.drill.filter)),
          style: { cursor: 'pointer' },
        })}
        columns={[
          {
            key: 'number',
            title: t('dashboard.contract'),
            render: (_: unknown, row) => <span style={{ whiteSpace: 'nowrap' }}>{row.number}</span>,
          },
          {
            key: 'tenantName',
            title: t('dashboard.tenant'),
            ellipsis: true,
            render: (_: unknown, row) => (
              <span title={row.assetNames ? `${row.tenantName} · ${row.assetNames}` : row.tenantName}>
                {row.tenantName}
              </span>
            ),
          },
          {
            key: 'endDate',
            title: t('dashboard.endDate'),
            render: (_: unknown, row) => <span style={{ whiteSpace: 'nowrap' }}>{row.endDate}</span>,
          },
          {
            key: 'daysLeft',
            title: t('dashboard.daysLeft'),
            align: 'right',
            render: (_: unknown, row) => (
              <Tag color={row.daysLeft <= 30 ? 'red' : row.daysLeft <= 60 ? 'orange' : 'blue'}>{row.daysLeft}</Tag>
            ),
          },
          {
            key: 'monthlyRentFen',
            title: t('dashboard.monthlyRentTitle'),
            align: 'right',
            render: (_: unknown, row) => <span style={{ whiteSpace: 'nowrap' }}>{formatFen(row.monthlyRentFen)}</span>,
          },
        ]}
      />
    </ChartCard>
  );
}

export default function DashboardCharts() {
  const { t, language } = useI18n();
  const [asOf, setAsOf] = useState<string | undefined>(undefined);
  const [data, setData] = useState<Dashboard | null>(null);
  const [catalogue, setCatalogue] = useState<ReportInfo[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    Promise.all([reportsApi.dashboard(asOf), loadCatalogue()])
      .then(([dashboard, reports]) => {
        if (!live) return;
        setData(dashboard);
        setCatalogue(reports);
        setError(null);
      })
      .catch((failure: unknown) => live && setError(errorDetail(failure)));
    return () => {
      live = false;
    };
  }, [asOf]);

  const labels = useMemo(() => labelsFrom(catalogue), [catalogue]);

  if (error) return <Alert type="error" showIcon title={t('common.loadFailed')} description={error} />;
  if (!data) return <Card loading />;
  const typeNames = data.occupancy.byAssetType.map((row) => codeLabel(labels.type, row.type, language));
  const projectNames = data.occupancy.byProject.map((row) => row.projectName ?? t('dashboard.noProject'));

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="dashboard-charts">
      <Space wrap>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('dashboard.overview')}
        </Typography.Title>
        <DatePicker
          allowClear={false}
          value={dayjs(data.asOf)}
          onChange={(value) => setAsOf(value ? value.format('YYYY-MM-DD') : undefined)}
          data-testid="dashboard-as-of"
          prefix={t('dashboard.asOf')}
        />
      </Space>
      <Figures data={data} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <BilledVsCollected data={data} />
        </Col>
        <Col xs={24} xl={10}>
          <Aging data={data} labels={labels.bucket} />
        </Col>
        <Col xs={24} xl={12}>
          <Occupancy
            title={t('dashboard.occupancyByProject')}
            testId="chart-occupancy-project"
            rows={data.occupancy.byProject}
            names={projectNames}
          />
        </Col>
        <Col xs={24} xl={12}>
          <Occupancy
            title={t('dashboard.occupancyByType')}
            testId="chart-occupancy-type"
            rows={data.occupancy.byAssetType}
            names={typeNames}
          />
        </Col>
        <Col xs={24} xl={8}>
          <TopOverdue data={data} />
        </Col>
        <Col xs={24} xl={10}>
          <ContractsEnding data={data} />
        </Col>
        <Col xs={24} xl={6}>
          <PaymentsByChannel data={data} labels={labels.method} />
        </Col>
      </Row>
    </Space>
  );
}
