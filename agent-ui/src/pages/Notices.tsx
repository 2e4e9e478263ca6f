import { useCallback, useEffect, useRef, useState } from 'react';
import { App as AntApp, Badge, Button, List, Popover, Typography } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { api, type User } from '../api.ts';
import { useI18n, type MessageKey } from '../i18n.tsx';
import { useLive, type TicketEvent } from '../live.tsx';
import { navigate } from '../router.ts';

interface Notice {
  id: string;
  ticketId: string;
  ticketNumber: string;
  kind: string;
  level?: string;
  title: string;
  text: string;
  read: boolean;
  at: string;
}

const ESCALATION: Partial<Record<TicketEvent['type'], { title: MessageKey; text: MessageKey; type: 'warning' | 'error' }>> = {
  warning: { title: 'toastWarning', text: 'toastWarningText', type: 'warning' },
  overdue: { title: 'toastOverdue', text: 'toastOverdueText', type: 'error' },
  escalated: { title: 'toastEscalated', text: 'toastEscalatedText', type: 'error' },
};
/** Events after which this user may have a new notice. */
const NOTICE_EVENTS = new Set<string>(['warning', 'overdue', 'escalated', 'extension_requested', 'extension_decided', 'supervised', 'changed']);

/**
 * The header's notices (GET /api/v1/notices: time limits, extensions, 督办
 * addressed to this user) with the unread count, and the live escalation
 * toasts: a time-limit event about a ticket the user can see (the socket
 * rooms already limit it: a unit's handlers get their unit's, managers their
 * scope) shows at once; other new notices (督办, extension decisions) show when
 * they arrive. Only unit handlers and managers receive notices.
 */
export function NoticeBell({ user }: { user: User }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { notification } = AntApp.useApp();
  const live = useLive();
  const [items, setItems] = useState<Notice[]>([]);
  const [open, setOpen] = useState(false);
  const seen = useRef<Set<string> | null>(null);
  const burst = useRef<Record<string, { n: number; at: number }>>({});
  const tRef = useRef(t);
  tRef.current = t;

  const load = useCallback(async () => {
    try {
      const r = await api<{ items: Notice[] }>('GET', '/api/v1/notices?limit=30');
      const before = seen.current;
      if (before) {
        for (const n of r.items) {
          // Time-limit levels were shown from their live event already.
          if (!n.read && !before.has(n.id) && n.kind !== 'time_limit') {
            notification.info({
              key: `notice-${n.id}`,
              title: n.title,
              description: n.text,
              placement: 'bottomRight',
              onClick: () => navigate(`/tickets/${n.ticketId}`),
            });
          }
        }
      }
      seen.current = new Set(r.items.map((n) => n.id));
      setItems(r.items);
    } catch {
      // Offline or logged out: the next event or reconnect tries again.
    }
  }, [notification]);

  useEffect(() => {
    void load();
  }, [load]);

  // Subscriptions only: the live context object changes with the connection state, which must not re-read by itself.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const schedule = () => {
      timer ??= setTimeout(() => {
        timer = null;
        void load();
      }, 1500);
    };
    // A center manager's room carries every change in the city; its notices come with time-limit and extension events.
    const quiet = user.role === 'manager' && user.atCenter;
    const off = live.onEvent((e) => {
      const esc = ESCALATION[e.type];
      if (esc) {
        // One toast per kind, counting a burst instead of stacking dozens.
        const now = Date.now();
        const b = burst.current[e.type];
        const n = b && now - b.at < 10_000 ? b.n + 1 : 1;
        burst.current[e.type] = { n, at: now };
        const tt = tRef.current;
        notification[esc.type]({
          key: `escalation-${e.type}`,
          title: tt(esc.title),
          description: `${tt(esc.text, { number: e.number })}${n > 1 ? tt('toastMore', { n }) : ''}`,
          placement: 'bottomRight',
          duration: 8,
          onClick: () => navigate(`/tickets/${e.ticketId}`),
          props: { 'data-testid': `toast-${e.type}` } as Record<string, string>,
        });
      }
      if (NOTICE_EVENTS.has(e.type) && !(quiet && e.type === 'changed')) schedule();
    });
    const offReconnect = live.onReconnect(schedule);
    return () => {
      off();
      offReconnect();
      if (timer) clearTimeout(timer);
    };
  }, [live, load, notification, user.role, user.atCenter]);

  const unread = items.filter((n) => !n.read);
  const markRead = async (ids: string[]) => {
    await Promise.all(ids.map((id) => api('POST', `/api/v1/notices/${encodeURIComponent(id)}/read`).catch(() => undefined)));
    setItems((prev) => prev.map((n) => (ids.includes(n.id) ? { ...n, read: true } : n)));
  };

  const content = (
    <div style={{ width: 380 }} data-testid="notice-list">
      <List<Notice>
        size="small"
        dataSource={items}
        locale={{ emptyText: t('noticesEmpty') }}
        style={{ maxHeight: 420, overflowY: 'auto' }}
        renderItem={(n) => (
          <List.Item
            style={{ cursor: 'pointer', background: n.read ? undefined : '#fff7e6', padding: '8px 10px' }}
            onClick={() => {
              if (!n.read) void markRead([n.id]);
              setOpen(false);
              navigate(`/tickets/${n.ticketId}`);
            }}
          >
            <div>
              <Typography.Text strong={!n.read}>{n.title}</Typography.Text>
              <div style={{ fontSize: 12, color: '#595959' }}>{n.text}</div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {i18n.dateTime(n.at)}
              </Typography.Text>
            </div>
          </List.Item>
        )}
      />
    </div>
  );

  return (
    <Popover
      open={open}
      onOpenChange={setOpen}
      trigger="click"
      placement="bottomRight"
      title={
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
          <span>{t('notices')}</span>
          <Button size="small" type="link" disabled={unread.length === 0} onClick={() => void markRead(unread.map((n) => n.id))}>
            {t('markAllRead')}
          </Button>
        </div>
      }
      content={content}
    >
      <span style={{ cursor: 'pointer' }} data-testid="notice-bell" data-unread={unread.length}>
        <Badge count={unread.length} size="small" overflowCount={99}>
          <BellOutlined style={{ fontSize: 18, color: '#fff' }} />
        </Badge>
      </span>
    </Popover>
  );
}
