import { useCallback, useEffect, useState } from 'react';
import { Button, Card, Col, Descriptions, Result, Row, Skeleton, Space, Tag, Timeline, Typography } from 'antd';
import { api, ApiError, errorText, type Ticket, type User } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { useLive, useLiveReload } from '../live.tsx';
import { navigate } from '../router.ts';
import { CallerText, StatusTag, UrgencyTag } from './common.tsx';
import { TicketActions } from './TicketActions.tsx';
import { relevantClock, spanText, toneOf, useNow } from './deadline.ts';

/** One ticket with its full timeline; live through its ticket room. */
export function TicketDetailPage({ idOrNumber, user }: { idOrNumber: string; user: User }) {
  const i18n = useI18n();
  const { t } = i18n;
  const live = useLive();
  const [ticket, setTicket] = useState<Ticket | null>(null);
  const [error, setError] = useState<{ status: number; text: string } | null>(null);

  const load = useCallback(async () => {
    try {
      const r = await api<{ ticket: Ticket }>('GET', `/api/v1/tickets/${encodeURIComponent(idOrNumber)}`);
      setTicket(r.ticket);
      setError(null);
    } catch (err) {
      setError({ status: err instanceof ApiError ? err.status : 0, text: errorText(err, i18n.lang) });
    }
  }, [idOrNumber, i18n.lang]);

  useEffect(() => {
    void load();
  }, [load]);

  // Join the ticket's room (the server checks the scope again) and re-join after a reconnect.
  const ticketId = ticket?.id;
  useEffect(() => {
    const s = live.socket;
    if (!s || !ticketId) return;
    const join = () => s.emit('watch', { ticketId });
    if (s.connected) join();
    s.on('connect', join);
    return () => {
      s.off('connect', join);
      s.emit('unwatch', { ticketId });
    };
  }, [live.socket, ticketId]);

  useLiveReload(() => void load(), (e) => e.ticketId === ticketId);
  const clock = ticket && (ticket.status === 'dispatched' || ticket.status === 'accepted') ? relevantClock(ticket) : null;
  const now = useNow(clock ? [clock.dueAt, ...(clock.warningAt ? [clock.warningAt] : [])] : []);

  const back = (
    <Button onClick={() => (history.length > 1 ? history.back() : navigate('/tickets'))}>{t('back')}</Button>
  );
  if (error) {
    const status = error.status === 403 ? '403' : error.status === 404 ? '404' : 'error';
    const title = error.status === 403 ? t('forbidden') : error.status === 404 ? t('notFound') : error.text;
    return (
      <Result
        status={status}
        title={title}
        subTitle={error.text !== title ? error.text : undefined}
        extra={back}
        data-testid="ticket-error"
      />
    );
  }
  if (!ticket) return <Skeleton active />;

  const history_ = [...(ticket.history ?? [])].sort((a, b) => b.seq - a.seq);
  return (
    <Row gutter={16} data-testid="ticket-detail">
      <Col xs={24} lg={15}>
        <TicketActions ticket={ticket} user={user} reload={load} />
        <Card
          title={
            <Space>
              {back}
              <span>
                {t('detail')} {ticket.number}
              </span>
              <StatusTag status={ticket.status} />
              <UrgencyTag urgency={ticket.urgency} />
              {ticket.overdue && <Tag color="red">{t('overdue')}</Tag>}
              {ticket.confidential && <Tag color="gold">{t('confidential')}</Tag>}
            </Space>
          }
        >
          <Descriptions column={2} size="small" bordered>
            <Descriptions.Item label={t('type')}>{i18n.type(ticket.type)}</Descriptions.Item>
            <Descriptions.Item label={t('category')}>{ticket.category?.path.join(' › ') ?? '-'}</Descriptions.Item>
            <Descriptions.Item label={t('caller')}>
              <CallerText caller={ticket.caller} />
            </Descriptions.Item>
            <Descriptions.Item label={t('createdAt')}>{i18n.dateTime(ticket.createdAt)}</Descriptions.Item>
            <Descriptions.Item label={t('address')} span={2}>
              {ticket.location.address ?? '-'}
            </Descriptions.Item>
            <Descriptions.Item label={t('content')} span={2}>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{ticket.content}</Typography.Paragraph>
            </Descriptions.Item>
            <Descriptions.Item label={t('leadUnit')}>{ticket.lead?.unitName ?? '-'}</Descriptions.Item>
            <Descriptions.Item label={t('coUnits')}>{ticket.coUnits.map((u) => u.unitName).join('、') || '-'}</Descriptions.Item>
            <Descriptions.Item label={t('owner')}>{ticket.owner?.name ?? '-'}</Descriptions.Item>
            <Descriptions.Item label={t('channel')}>{i18n.channel(ticket.channel)}</Descriptions.Item>
            {clock && (
              <Descriptions.Item label={t('deadlines')} span={2}>
                {(() => {
                  const tone = toneOf(clock, now);
                  const ms = clock.dueAt - now;
                  const span = spanText(ms, t, i18n.lang === 'en' ? ' ' : '');
                  return (
                    <span data-testid="detail-time-left" data-tone={tone}>
                      <Tag color={tone === 'overdue' ? 'red' : tone === 'warning' ? 'orange' : 'green'}>
                        {clock.milestone === 'accept' ? t('milestoneAccept') : t('milestoneResolve')}
                      </Tag>
                      {ms > 0 ? t('leftFmt', { t: span }) : t('overFmt', { t: span })} · {t('dueAt')} {i18n.dateTime(new Date(clock.dueAt))}
                    </span>
                  );
                })()}
              </Descriptions.Item>
            )}
            {ticket.emergency && (
              <Descriptions.Item label={t('emergency')} span={2}>
                {ticket.emergency.line} {i18n.line(ticket.emergency.line)} {ticket.emergency.note ?? ''}
              </Descriptions.Item>
            )}
            {ticket.closure?.answer && (
              <Descriptions.Item label={t('directAnswer')} span={2}>
                {ticket.closure.answer}
              </Descriptions.Item>
            )}
          </Descriptions>
        </Card>
      </Col>
      <Col xs={24} lg={9}>
        <Card title={t('timeline')} data-testid="ticket-timeline">
          <Timeline
            items={history_.map((h) => ({
              key: h.seq,
              content: (
                <div>
                  <Typography.Text strong>{i18n.event(h.type)}</Typography.Text>{' '}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {i18n.dateTime(h.at)} · {h.actor.name}
                  </Typography.Text>
                  {h.note && <div style={{ whiteSpace: 'pre-wrap' }}>{h.note}</div>}
                  {h.type === 'dispatched' && typeof h.data?.lead === 'object' && h.data.lead !== null && (
                    <div>
                      {t('leadUnit')}
                      {i18n.lang === 'zh' ? '：' : ': '}
                      {(h.data.lead as { unitName?: string }).unitName}
                    </div>
                  )}
                </div>
              ),
            }))}
          />
        </Card>
      </Col>
    </Row>
  );
}
