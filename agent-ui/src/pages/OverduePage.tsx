import { useMemo, useState } from 'react';
import { Alert, Form, Input, Modal, Segmented, Skeleton, Tag, Typography } from 'antd';
import type { User } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { QueueCard, rowActionColumn, TicketLink, UrgencyTag, useTicketAction } from './common.tsx';
import { spanText, useNow } from './deadline.ts';
import { LEVEL_KEYS, listOf, useBoard, type OverdueLevel, type Row } from './board-data.ts';
import { BoardError, LevelTag, UpdatedAt } from './manager-common.tsx';

type Filter = 'all' | OverdueLevel;

/**
 * 超期督办: overdue tickets the units hold, most severe first (the board's
 * shared list), with the 督办 action (POST …/actions/supervise).
 */
export function OverduePage({ user }: { user: User }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { data, error, refresh } = useBoard(['overdue']);
  const [filter, setFilter] = useState<Filter>(() => {
    const l = new URLSearchParams(location.search).get('level');
    return l === 'due' || l === 'reminderNotice' || l === 'supervision' ? l : 'all';
  });
  const [target, setTarget] = useState<Row | null>(null);
  const { run, busy, formError, clearFormError } = useTicketAction({
    reload: (res) => refresh(res && Date.parse(res.ticket.updatedAt)),
    conflictText: 'changedReloaded',
  });
  const [form] = Form.useForm<{ note: string }>();
  const items = useMemo(() => (data ? listOf(data, 'overdue').items : []).filter((r) => filter === 'all' || r.level === filter), [data, filter]);
  // Re-rendered at each listed deadline too, so a row that arrives just as its deadline passes shows the time over.
  const now = useNow(useMemo(() => items.flatMap((r) => (r.dueAt ? [Date.parse(r.dueAt)] : [])), [items]));

  if (error && !data) return <BoardError error={error} />;
  if (!data) return <Skeleton active />;
  const canSupervise = user.role === 'manager';
  const sep = i18n.lang === 'en' ? ' ' : '';

  const supervise = async (values: { note: string }) => {
    if (!target) return;
    const done = await run(target, 'actions/supervise', { note: values.note.trim() }, { success: () => t('superviseDone', { number: target.number }), errorIn: 'form' });
    if (done) setTarget(null);
  };

  const count = (l: OverdueLevel) => data.summary.levels[l];
  const overdue = listOf(data, 'overdue');
  return (
    <QueueCard<Row>
      title={t('overdueTitle')}
      extra={<UpdatedAt at={data.computedAt} />}
      above={
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 12 }}>
          <Segmented<Filter>
            value={filter}
            onChange={setFilter}
            options={[
              { value: 'all', label: `${t('allLevels')} ${overdue.total}` },
              ...(['due', 'reminderNotice', 'supervision'] as const).map((l) => ({ value: l, label: `${t(LEVEL_KEYS[l])} ${count(l)}` })),
            ]}
            data-testid="overdue-filter"
          />
          {overdue.total > overdue.items.length && (
            <Typography.Text type="secondary">{t('shownOf', { n: overdue.items.length, total: overdue.total })}</Typography.Text>
          )}
        </div>
      }
      rows={items}
      pagination={items.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
      emptyText={t('overdueEmpty')}
      rowClassName={() => 'row-overdue'}
      tableTestId="overdue-table"
      columns={[
        { title: t('number'), dataIndex: 'number', width: 150, render: (v: string, r) => <TicketLink id={r.id}>{v}</TicketLink> },
        { title: t('summary'), key: 'summary', render: (_: unknown, r) => <span className="clip">{r.title ? `${r.title}：${r.summary}` : r.summary}</span> },
        { title: t('leadUnit'), dataIndex: 'unitName', width: 170 },
        { title: t('urgency'), dataIndex: 'urgency', width: 90, render: (v: string) => <UrgencyTag urgency={v} /> },
        {
          title: t('colMilestone'),
          dataIndex: 'milestone',
          width: 90,
          render: (m: Row['milestone']) => <Tag>{t(m === 'accept' ? 'milestoneAccept' : m === 'contact' ? 'milestoneContact' : 'milestoneResolve')}</Tag>,
        },
        { title: t('dueAt'), dataIndex: 'dueAt', width: 140, render: (v: string | null) => (v ? i18n.dateTime(v) : '-') },
        {
          title: t('colOverBy'),
          key: 'over',
          width: 120,
          render: (_: unknown, r) =>
            r.dueAt && now > Date.parse(r.dueAt) ? <Typography.Text style={{ color: '#cf1322' }}>{spanText(now - Date.parse(r.dueAt), t, sep)}</Typography.Text> : '-',
        },
        { title: t('colLevel'), dataIndex: 'level', width: 100, render: (l: Row['level']) => <LevelTag level={l} /> },
        ...rowActionColumn<Row>(canSupervise, {
          label: t('actSupervise'),
          testId: 'supervise',
          danger: true,
          onClick: (r) => {
            form.resetFields();
            clearFormError();
            setTarget(r);
          },
        }),
      ]}
    >
      <Modal
        open={!!target}
        title={target ? t('superviseTitle', { number: target.number }) : ''}
        okText={t('actSupervise')}
        cancelText={t('cancel')}
        okButtonProps={{ danger: true, loading: !!busy }}
        onOk={() => form.submit()}
        onCancel={() => setTarget(null)}
        destroyOnHidden
      >
        {target && (
          <Typography.Paragraph>
            <Typography.Text type="secondary">{target.unitName}</Typography.Text> · <LevelTag level={target.level} />
            <br />
            <span className="clip">{target.summary}</span>
          </Typography.Paragraph>
        )}
        <Form form={form} layout="vertical" onFinish={(v) => void supervise(v)} preserve={false}>
          <Form.Item name="note" label={t('superviseNote')} rules={[{ required: true, whitespace: true, message: t('required') }]} extra={t('superviseHint')}>
            <Input.TextArea rows={3} maxLength={1000} showCount placeholder={t('superviseNotePh')} id="supervise-note" autoFocus />
          </Form.Item>
        </Form>
        {formError && <Alert type="error" showIcon message={formError} />}
      </Modal>
    </QueueCard>
  );
}
