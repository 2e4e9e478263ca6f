import { useCallback, useEffect, useMemo, useState, type HTMLAttributes } from 'react';
import { Badge, Button, Card, Table, Tabs, Tag, Typography } from 'antd';
import { api, errorText, type Ticket } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { useLiveReload } from '../live.tsx';
import { navigate } from '../router.ts';
import { StatusTag, UrgencyTag } from './common.tsx';
import { relevantClock, spanText, toneOf, useNow, type Clock, type Tone } from './deadline.ts';

type TabKey = 'new' | 'doing' | 'soon' | 'overdue';

interface Row {
  ticket: Ticket;
  clock: Clock | null;
  tone: Tone;
}

/**
 * The unit handler's inbox: the unit's dispatched and accepted tickets with
 * the time left to the deadline that matters now, recomputed on the client
 * (every 30 s and at each warning/deadline instant); live: re-read on any
 * event the unit's room delivers and after a reconnect.
 */
export function InboxPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const [tickets, setTickets] = useState<Ticket[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [tab, setTab] = useState<TabKey>(() => (sessionStorage.getItem('hotline.inboxTab') as TabKey | null) ?? 'new');

  const load = useCallback(async () => {
    try {
      const r = await api<{ items: Ticket[] }>('GET', '/api/v1/tickets?status=dispatched,accepted&limit=200');
      setTickets(r.items);
      setError(null);
    } catch (err) {
      setError(errorText(err, i18n.lang));
    } finally {
      setLoading(false);
    }
  }, [i18n.lang]);

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => sessionStorage.setItem('hotline.inboxTab', tab), [tab]);

  useLiveReload(() => void load(), () => true);

  const clocks = useMemo(() => tickets.map((tk) => ({ ticket: tk, clock: relevantClock(tk) })), [tickets]);
  const boundaries = useMemo(() => clocks.flatMap(({ clock }) => (clock ? [clock.dueAt, ...(clock.warningAt ? [clock.warningAt] : [])] : [])), [clocks]);
  const now = useNow(boundaries);
  const rows: Row[] = clocks.map((c) => {
    const tone = toneOf(c.clock, now);
    return { ...c, tone: c.ticket.overdue && tone !== 'overdue' ? 'overdue' : tone };
  });

  const byTab: Record<TabKey, Row[]> = {
    new: rows.filter((r) => r.ticket.status === 'dispatched'),
    doing: rows.filter((r) => r.ticket.status === 'accepted'),
    soon: rows.filter((r) => r.tone === 'warning'),
    overdue: rows.filter((r) => r.tone === 'overdue'),
  };
  for (const k of Object.keys(byTab) as TabKey[]) {
    byTab[k].sort((a, b) => (a.clock?.dueAt ?? Infinity) - (b.clock?.dueAt ?? Infinity));
  }

  const sep = i18n.lang === 'en' ? ' ' : '';
  const left = (r: Row) => {
    if (!r.clock) return <Typography.Text type="secondary">{t('noDeadline')}</Typography.Text>;
    const ms = r.clock.dueAt - now;
    const text = ms > 0 ? t('leftFmt', { t: spanText(ms, t, sep) }) : t('overFmt', { t: spanText(ms, t, sep) });
    const color = r.tone === 'overdue' ? 'red' : r.tone === 'warning' ? 'orange' : 'green';
    return (
      <span data-testid="time-left" data-tone={r.tone}>
        <Tag color={color}>{r.clock.milestone === 'accept' ? t('milestoneAccept') : t('milestoneResolve')}</Tag>
        <Typography.Text strong style={{ color: r.tone === 'overdue' ? '#cf1322' : r.tone === 'warning' ? '#d46b08' : undefined }}>
          {text}
        </Typography.Text>
      </span>
    );
  };

  const label = (k: TabKey, key: 'tabNew' | 'tabDoing' | 'tabSoon' | 'tabOverdue') => (
    <span data-testid={`inbox-tab-${k}`}>
      {t(key)}{' '}
      <Badge
        count={byTab[k].length}
        showZero
        color={k === 'overdue' ? '#cf1322' : k === 'soon' ? '#fa8c16' : k === 'new' ? '#1677ff' : '#8c8c8c'}
        size="small"
      />
    </span>
  );

  return (
    <Card
      title={t('inboxTitle')}
      extra={
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('newTicketsLive')} <Button size="small" onClick={() => void load()}>{t('refresh')}</Button>
        </Typography.Text>
      }
    >
      {error && <Typography.Paragraph type="danger">{error}</Typography.Paragraph>}
      <Tabs
        activeKey={tab}
        onChange={(k) => setTab(k as TabKey)}
        items={[
          { key: 'new', label: label('new', 'tabNew') },
          { key: 'doing', label: label('doing', 'tabDoing') },
          { key: 'soon', label: label('soon', 'tabSoon') },
          { key: 'overdue', label: label('overdue', 'tabOverdue') },
        ]}
      />
      <Table<Row>
        rowKey={(r) => r.ticket.id}
        size="middle"
        loading={loading}
        dataSource={byTab[tab]}
        pagination={false}
        locale={{ emptyText: t('inboxEmpty') }}
        rowClassName={(r) => (r.tone === 'overdue' ? 'row-overdue' : r.tone === 'warning' ? 'row-warning' : '')}
        onRow={(r) => ({ onClick: () => navigate(`/tickets/${r.ticket.id}`), style: { cursor: 'pointer' }, 'data-tone': r.tone } as HTMLAttributes<HTMLElement>)}
        data-testid="inbox-table"
        columns={[
          { title: t('number'), key: 'number', width: 150, render: (_: unknown, r) => <Typography.Text strong>{r.ticket.number}</Typography.Text> },
          { title: t('status'), key: 'status', width: 110, render: (_: unknown, r) => <StatusTag status={r.ticket.status} /> },
          { title: t('timeLeft'), key: 'left', width: 210, render: (_: unknown, r) => left(r) },
          { title: t('dueAt'), key: 'due', width: 150, render: (_: unknown, r) => (r.clock ? i18n.dateTime(new Date(r.clock.dueAt)) : '-') },
          { title: t('urgency'), key: 'urgency', width: 80, render: (_: unknown, r) => <UrgencyTag urgency={r.ticket.urgency} /> },
          { title: t('type'), key: 'type', width: 80, render: (_: unknown, r) => i18n.type(r.ticket.type) },
          { title: t('category'), key: 'category', width: 170, render: (_: unknown, r) => r.ticket.category?.path.slice(-2).join(' › ') ?? '-' },
          { title: t('summary'), key: 'content', render: (_: unknown, r) => <span className="clip">{r.ticket.content}</span> },
          { title: t('leadUnit'), key: 'lead', width: 140, render: (_: unknown, r) => r.ticket.lead?.unitName ?? '-' },
        ]}
      />
    </Card>
  );
}
