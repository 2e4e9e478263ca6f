import type { ReactNode } from 'react';
import { Card, Col, Empty, Progress, Row, Skeleton, Statistic, Table, Typography } from 'antd';
import { useI18n } from '../i18n.tsx';
import { navigate } from '../router.ts';
import { StatusTag } from './common.tsx';
import { LEVEL_KEYS, useBoard, type BoardView, type OverdueLevel } from './board-data.ts';
import { BoardError, UpdatedAt } from './manager-common.tsx';

type UnitRow = BoardView['summary']['units'][number];

const LEVELS: OverdueLevel[] = ['due', 'reminderNotice', 'supervision'];
const LEVEL_HEX: Record<OverdueLevel, string> = { due: '#cf1322', reminderNotice: '#d4380d', supervision: '#9e1068' };
/** Stages in the order of the closed loop. */
const STAGES = ['new', 'manual', 'dispatched', 'accepted', 'return_requested', 'arbitration', 'replied', 'callback'];

/**
 * 值班长看板: open tickets by stage, due soon, overdue by ladder level and by
 * unit, live (useBoard: every ticket event brings a board that includes it).
 */
export function BoardPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { data, error } = useBoard();
  if (error && !data) return <BoardError error={error} />;
  if (!data) return <Skeleton active />;
  const s = data.summary;

  const stat = (key: string, title: string, value: number, color?: string, to?: string) => (
    <Col xs={12} md={8} xl={4} key={key}>
      <Card size="small" hoverable={!!to} onClick={to ? () => navigate(to) : undefined} data-testid={`stat-${key}`}>
        <Statistic title={title} value={value} styles={{ content: { color: value > 0 ? color : undefined, fontWeight: 600 } }} />
      </Card>
    </Col>
  );
  const n = (v: number | undefined, color?: string): ReactNode =>
    v ? <Typography.Text strong style={color ? { color } : undefined}>{v}</Typography.Text> : <Typography.Text type="secondary">0</Typography.Text>;
  const maxStage = Math.max(1, ...STAGES.map((k) => s.byStatus[k] ?? 0));

  return (
    <div data-testid="manager-board">
      <Card title={t('boardTitle')} extra={<UpdatedAt at={data.computedAt} />} style={{ marginBottom: 16 }}>
        <Row gutter={[12, 12]}>
          {stat('open', t('boardOpen'), s.open)}
          {stat('due-soon', t('boardDueSoon'), s.dueSoon, '#d46b08', '/overdue')}
          {stat('overdue', t('boardOverdue'), s.overdue, '#cf1322', '/overdue')}
          {stat('supervision', t('levelSupervision'), s.levels.supervision, LEVEL_HEX.supervision, '/overdue')}
          {stat('extensions', t('boardExtensions'), s.extensions, '#1677ff', '/extensions')}
          {stat('arbitration', t('boardArbitration'), s.arbitration, '#722ed1', '/arbitration')}
        </Row>
      </Card>
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col xs={24} lg={14}>
          <Card title={t('boardByStatus')} size="small" data-testid="board-stages">
            {STAGES.map((k) => (
              <div key={k} style={{ display: 'flex', alignItems: 'center', gap: 12, padding: '3px 0' }} data-stage={k}>
                <span style={{ width: 130 }}>
                  <StatusTag status={k} />
                </span>
                <Progress percent={((s.byStatus[k] ?? 0) / maxStage) * 100} showInfo={false} size="small" strokeColor="#c8161d" style={{ flex: 1, margin: 0 }} />
                <span style={{ width: 48, textAlign: 'right', fontWeight: 600 }} data-testid={`stage-${k}`}>
                  {s.byStatus[k] ?? 0}
                </span>
              </div>
            ))}
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('boardLadder')} size="small" data-testid="board-ladder">
            <Row gutter={8}>
              {LEVELS.map((l) => (
                <Col span={8} key={l}>
                  <div
                    style={{ border: `1px solid ${s.levels[l] ? LEVEL_HEX[l] : '#f0f0f0'}`, borderRadius: 8, padding: '14px 8px', textAlign: 'center', cursor: 'pointer' }}
                    onClick={() => navigate(`/overdue?level=${l}`)}
                    data-testid={`ladder-${l}`}
                  >
                    <div style={{ fontSize: 30, fontWeight: 600, lineHeight: 1.2, color: s.levels[l] ? LEVEL_HEX[l] : '#bfbfbf' }}>{s.levels[l]}</div>
                    <div style={{ color: '#595959', marginTop: 4 }}>{t(LEVEL_KEYS[l])}</div>
                  </div>
                </Col>
              ))}
            </Row>
            <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '12px 0 0' }}>
              {t('boardDueSoon')}
              {i18n.lang === 'en' ? ': ' : '：'}
              <Typography.Text strong style={{ color: s.dueSoon ? '#d46b08' : undefined }}>{s.dueSoon}</Typography.Text>
            </Typography.Paragraph>
          </Card>
        </Col>
      </Row>
      <Card title={t('boardByUnit')} size="small">
        <Table<UnitRow>
          rowKey={(u) => u.unitId ?? ''}
          size="small"
          dataSource={s.units}
          pagination={s.units.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('boardNoUnits')} /> }}
          rowClassName={(u) => (u.overdue ? 'row-overdue' : u.dueSoon ? 'row-warning' : '')}
          data-testid="board-units"
          columns={[
            { title: t('colUnit'), dataIndex: 'unitName', render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
            { title: t('colOpen'), dataIndex: 'open', width: 80, align: 'right', render: (v: number) => n(v) },
            { title: t('colToAccept'), key: 'dispatched', width: 90, align: 'right', render: (_: unknown, u) => n(u.byStatus.dispatched) },
            { title: t('colDoing'), key: 'accepted', width: 90, align: 'right', render: (_: unknown, u) => n(u.byStatus.accepted) },
            { title: t('colReturning'), key: 'return', width: 90, align: 'right', render: (_: unknown, u) => n(u.byStatus.return_requested) },
            { title: t('boardDueSoon'), dataIndex: 'dueSoon', width: 90, align: 'right', render: (v: number) => n(v, '#d46b08') },
            { title: t('boardOverdue'), dataIndex: 'overdue', width: 80, align: 'right', render: (v: number) => n(v, '#cf1322') },
            { title: t('levelReminderNotice'), key: 'rn', width: 90, align: 'right', render: (_: unknown, u) => n(u.levels.reminderNotice, LEVEL_HEX.reminderNotice) },
            { title: t('levelSupervision'), key: 'sv', width: 80, align: 'right', render: (_: unknown, u) => n(u.levels.supervision, LEVEL_HEX.supervision) },
            { title: t('boardExtensions'), dataIndex: 'extensions', width: 100, align: 'right', render: (v: number) => n(v, '#1677ff') },
          ]}
        />
      </Card>
    </div>
  );
}
