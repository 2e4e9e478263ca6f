import { useCallback, useEffect, useMemo, useState } from 'react';
import { Card, Col, Empty, Row, Segmented, Skeleton, Statistic, Table, Typography } from 'antd';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { api } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { useLive } from '../live.tsx';
import { BoardError, UpdatedAt } from './manager-common.tsx';

// Only the parts of ECharts this chart uses go into the bundle.
echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

type Period = 'today' | 'week' | 'month';

interface UnitRate {
  unitId: string;
  unitName: string;
  acceptDue: number;
  acceptOnTime: number;
  resolveDue: number;
  resolveOnTime: number;
  /** Percent with one decimal; null when nothing was due. */
  acceptRate: number | null;
  resolveRate: number | null;
}
interface RatesView {
  computedAt: string;
  today: string;
  periods: Record<Period, { from: string; to: string; total: Omit<UnitRate, 'unitId' | 'unitName'>; units: UnitRate[] }>;
}

const ACCEPT_COLOR = '#1677ff';
const RESOLVE_COLOR = '#c8161d';

/**
 * 按时率统计: 及时签收率 and 按期办结率 by unit for today, this week, this
 * month (GET /api/v1/board/rates; the server keeps finished days and
 * recomputes today at most every 30 s, so this page asks once a minute).
 */
export function RatesPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const live = useLive();
  const [data, setData] = useState<RatesView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [period, setPeriod] = useState<Period>(() => (sessionStorage.getItem('hotline.ratesPeriod') as Period | null) ?? 'today');

  const load = useCallback(async () => {
    try {
      setData(await api<RatesView>('GET', '/api/v1/board/rates'));
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    const id = setInterval(() => void load(), 60_000);
    const off = live.onReconnect(() => void load());
    return () => {
      clearInterval(id);
      off();
    };
  }, [load, live]);
  useEffect(() => sessionStorage.setItem('hotline.ratesPeriod', period), [period]);

  const p = data?.periods[period];
  const units = useMemo(() => (p?.units ?? []).filter((u) => u.acceptDue + u.resolveDue > 0), [p]);
  const option = useMemo(() => {
    // Top to bottom in the table's order.
    const rows = [...units].reverse();
    const pct = (v: number | null) => (v === null ? '—' : `${v}%`);
    return {
      animationDuration: 300,
      color: [ACCEPT_COLOR, RESOLVE_COLOR],
      legend: { top: 0, data: [t('acceptRate'), t('resolveRate')] },
      grid: { left: 8, right: 48, top: 32, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (items: { dataIndex: number }[]) => {
          const u = rows[items[0]?.dataIndex ?? 0];
          if (!u) return '';
          return [
            `<b>${u.unitName}</b>`,
            `${t('acceptRate')}：${pct(u.acceptRate)}（${u.acceptOnTime}/${u.acceptDue}）`,
            `${t('resolveRate')}：${pct(u.resolveRate)}（${u.resolveOnTime}/${u.resolveDue}）`,
          ].join('<br/>');
        },
      },
      xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      yAxis: { type: 'category', data: rows.map((u) => u.unitName), axisLabel: { width: 180, overflow: 'truncate' } },
      series: [
        { name: t('acceptRate'), type: 'bar', barMaxWidth: 14, data: rows.map((u) => u.acceptRate), label: { show: true, position: 'right', formatter: '{c}%' } },
        { name: t('resolveRate'), type: 'bar', barMaxWidth: 14, data: rows.map((u) => u.resolveRate), label: { show: true, position: 'right', formatter: '{c}%' } },
      ],
    };
  }, [units, t]);

  if (error && !data) return <BoardError error={error} />;
  if (!data || !p) return <Skeleton active />;
  const pct = (v: number | null) => (v === null ? '—' : `${v}%`);
  const count = (onTime: number, due: number) => (
    <Typography.Text type={due ? undefined : 'secondary'}>
      {onTime} / {due}
    </Typography.Text>
  );

  return (
    <Card
      title={t('ratesTitle')}
      extra={
        <Segmented<Period>
          value={period}
          onChange={setPeriod}
          options={[
            { value: 'today', label: t('periodToday') },
            { value: 'week', label: t('periodWeek') },
            { value: 'month', label: t('periodMonth') },
          ]}
          data-testid="rates-period"
        />
      }
      data-testid="rates-page"
    >
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('ratesRange', { from: p.from, to: p.to })} · <UpdatedAt at={data.computedAt} live={false} />
        <br />
        {t('ratesRule')}
      </Typography.Paragraph>
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col xs={12} md={6}>
          <Card size="small" data-testid="rates-total-accept">
            <Statistic title={t('acceptRate')} value={pct(p.total.acceptRate)} suffix={<span style={{ fontSize: 13, color: '#8c8c8c' }}>{p.total.acceptOnTime}/{p.total.acceptDue}</span>} styles={{ content: { color: ACCEPT_COLOR } }} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small" data-testid="rates-total-resolve">
            <Statistic title={t('resolveRate')} value={pct(p.total.resolveRate)} suffix={<span style={{ fontSize: 13, color: '#8c8c8c' }}>{p.total.resolveOnTime}/{p.total.resolveDue}</span>} styles={{ content: { color: RESOLVE_COLOR } }} />
          </Card>
        </Col>
      </Row>
      {units.length === 0 ? (
        <Empty description={t('ratesEmpty')} />
      ) : (
        <>
          <div data-testid="rates-chart">
            <ReactEChartsCore echarts={echarts} option={option} notMerge style={{ height: Math.max(220, units.length * 56 + 60) }} />
          </div>
          <Table<UnitRate>
            rowKey="unitId"
            size="small"
            style={{ marginTop: 16 }}
            dataSource={units}
            pagination={false}
            data-testid="rates-table"
            columns={[
              { title: t('colUnit'), dataIndex: 'unitName' },
              { title: t('acceptRate'), dataIndex: 'acceptRate', width: 120, align: 'right', render: (v: number | null) => <Typography.Text strong style={{ color: ACCEPT_COLOR }}>{pct(v)}</Typography.Text> },
              { title: t('colAcceptCount'), key: 'ac', width: 150, align: 'right', render: (_: unknown, u) => count(u.acceptOnTime, u.acceptDue) },
              { title: t('resolveRate'), dataIndex: 'resolveRate', width: 120, align: 'right', render: (v: number | null) => <Typography.Text strong style={{ color: RESOLVE_COLOR }}>{pct(v)}</Typography.Text> },
              { title: t('colResolveCount'), key: 'rc', width: 150, align: 'right', render: (_: unknown, u) => count(u.resolveOnTime, u.resolveDue) },
            ]}
          />
        </>
      )}
    </Card>
  );
}
