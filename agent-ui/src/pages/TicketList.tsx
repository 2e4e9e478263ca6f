import { useCallback, useEffect, useRef, useState } from 'react';
import { Button, Card, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { api, errorText, type Ticket, type User } from '../api.ts';
import { REQUEST_TYPE_KEYS, STATUS_KEYS, URGENCY_KEYS, useI18n } from '../i18n.tsx';
import { useLiveReload } from '../live.tsx';
import { navigate } from '../router.ts';
import { CallerText, StatusTag, UrgencyTag } from './common.tsx';

interface Filters {
  status: string[];
  urgency: string[];
  type: string[];
  q: string;
  phone: string;
}

const EMPTY: Filters = { status: [], urgency: [], type: [], q: '', phone: '' };

function query(f: Filters, limit: number, cursor?: string): string {
  const p = new URLSearchParams();
  if (f.status.length) p.set('status', f.status.join(','));
  if (f.urgency.length) p.set('urgency', f.urgency.join(','));
  if (f.type.length) p.set('type', f.type.join(','));
  if (f.q.trim()) p.set('q', f.q.trim());
  if (f.phone.trim()) p.set('phone', f.phone.trim());
  p.set('limit', String(limit));
  if (cursor) p.set('cursor', cursor);
  return p.toString();
}

/** Tickets in the viewer's scope, filtered; live: re-read when a shown ticket changes or a new one arrives. */
export function TicketListPage({ user }: { user: User }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [filters, setFilters] = useState<Filters>(() => {
    try {
      return { ...EMPTY, ...(JSON.parse(sessionStorage.getItem('hotline.listFilters') ?? '{}') as Partial<Filters>) };
    } catch {
      return EMPTY;
    }
  });
  const [rows, setRows] = useState<Ticket[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const shown = useRef(new Set<string>());
  const seq = useRef(0);

  const load = useCallback(
    async (more = false) => {
      const my = ++seq.current;
      setLoading(true);
      try {
        const limit = more ? 50 : Math.min(200, Math.max(50, shown.current.size));
        const r = await api<{ items: Ticket[]; nextCursor: string | null }>('GET', `/api/v1/tickets?${query(filters, limit, more ? (next ?? undefined) : undefined)}`);
        if (my !== seq.current) return;
        setRows((prev) => (more ? [...prev, ...r.items] : r.items));
        setNext(r.nextCursor);
        setError(null);
      } catch (err) {
        if (my === seq.current) setError(errorText(err, i18n.lang));
      } finally {
        if (my === seq.current) setLoading(false);
      }
    },
    [filters, next, i18n.lang],
  );

  useEffect(() => {
    sessionStorage.setItem('hotline.listFilters', JSON.stringify(filters));
    void load(false);
  }, [filters]);

  useEffect(() => {
    shown.current = new Set(rows.map((r) => r.id));
  }, [rows]);

  useLiveReload(
    () => void load(false),
    (e) => shown.current.has(e.ticketId) || e.type === 'created' || e.type === 'dispatched' || e.type === 'parked',
  );

  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));

  return (
    <Card
      title={t('navTickets')}
      extra={
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('newTicketsLive')}
        </Typography.Text>
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          mode="multiple"
          allowClear
          style={{ minWidth: 200 }}
          placeholder={t('status')}
          value={filters.status}
          onChange={(v) => set({ status: v })}
          options={STATUS_KEYS.map((k) => ({ value: k, label: i18n.status(k) }))}
          data-testid="filter-status"
        />
        <Select
          mode="multiple"
          allowClear
          style={{ minWidth: 140 }}
          placeholder={t('urgency')}
          value={filters.urgency}
          onChange={(v) => set({ urgency: v })}
          options={URGENCY_KEYS.map((k) => ({ value: k, label: i18n.urgency(k) }))}
        />
        <Select
          mode="multiple"
          allowClear
          style={{ minWidth: 160 }}
          placeholder={t('type')}
          value={filters.type}
          onChange={(v) => set({ type: v })}
          options={REQUEST_TYPE_KEYS.map((k) => ({ value: k, label: i18n.type(k) }))}
        />
        <Input.Search placeholder={t('search')} allowClear defaultValue={filters.q} onSearch={(q) => set({ q })} style={{ width: 220 }} />
        {user.role !== 'unit_handler' && user.role !== 'manager' && (
          <Input.Search placeholder={t('phoneFilter')} allowClear defaultValue={filters.phone} onSearch={(phone) => set({ phone })} style={{ width: 180 }} />
        )}
        <Button onClick={() => setFilters({ ...EMPTY })}>{t('reset')}</Button>
        <Button onClick={() => void load(false)}>{t('refresh')}</Button>
      </Space>
      {error && <Typography.Paragraph type="danger">{error}</Typography.Paragraph>}
      <Table<Ticket>
        rowKey="id"
        size="middle"
        loading={loading && rows.length === 0}
        dataSource={rows}
        pagination={false}
        rowClassName={(r) => (r.overdue ? 'row-overdue' : '')}
        onRow={(r) => ({ onClick: () => navigate(`/tickets/${r.id}`), style: { cursor: 'pointer' } })}
        data-testid="ticket-table"
        columns={[
          { title: t('number'), dataIndex: 'number', width: 150, render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
          { title: t('status'), dataIndex: 'status', width: 120, render: (v: string, r) => (
            <Space size={2}>
              <StatusTag status={v} />
              {r.overdue && <Tag color="red">{t('overdue')}</Tag>}
            </Space>
          ) },
          { title: t('type'), dataIndex: 'type', width: 90, render: (v: string) => i18n.type(v) },
          { title: t('urgency'), dataIndex: 'urgency', width: 80, render: (v: string) => <UrgencyTag urgency={v} /> },
          { title: t('category'), dataIndex: 'category', width: 180, render: (c: Ticket['category']) => c?.path.slice(-2).join(' › ') ?? '-' },
          { title: t('summary'), dataIndex: 'content', render: (v: string) => <span className="clip">{v}</span> },
          { title: t('caller'), dataIndex: 'caller', width: 150, render: (c: Ticket['caller']) => <CallerText caller={c} /> },
          { title: t('leadUnit'), dataIndex: 'lead', width: 160, render: (l: Ticket['lead']) => l?.unitName ?? '-' },
          { title: t('createdAt'), dataIndex: 'createdAt', width: 140, render: (v: string) => i18n.dateTime(v) },
        ]}
      />
      {next && (
        <div style={{ textAlign: 'center', marginTop: 12 }}>
          <Button onClick={() => void load(true)}>{t('loadMore')}</Button>
        </div>
      )}
    </Card>
  );
}
