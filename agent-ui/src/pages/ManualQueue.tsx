import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, App as AntApp, Button, Form, Input, Modal, Select, Tag, Tooltip, Typography } from 'antd';
import { api, errorText, type Ticket } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { useLiveReload } from '../live.tsx';
import { QueueCard, UrgencyTag, TicketLink, useTicketAction, useUnitOptions } from './common.tsx';

/** The router's reasons, one per line. */
function Reasons({ lines }: { lines: string[] }) {
  return (
    <ul style={{ margin: 0, paddingInlineStart: 18 }}>
      {lines.map((line, i) => (
        <li key={i}>{line}</li>
      ))}
    </ul>
  );
}

/** The router's suggestion: the unit and how sure it was, its reasons on hover. */
function Suggestion({ routing }: { routing: Ticket['routing'] }) {
  const { t } = useI18n();
  const unit = routing?.suggestion?.unitName;
  const pct = Math.round((routing?.confidence ?? 0) * 100);
  const body = unit ? (
    <span>
      {unit} <Tag color={pct >= 70 ? 'green' : pct >= 40 ? 'gold' : 'default'}>{t('confidencePct', { pct })}</Tag>
    </span>
  ) : (
    <Typography.Text type="secondary">{t('noSuggestion')}</Typography.Text>
  );
  return routing?.explanation.length ? <Tooltip title={<Reasons lines={routing.explanation} />}>{body}</Tooltip> : body;
}

/** The dispatchers' manual queue (status=manual), live, oldest first, with the dispatch action. */
export function ManualQueuePage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = AntApp.useApp();
  const [rows, setRows] = useState<Ticket[]>([]);
  const { units, options: unitOptions } = useUnitOptions();
  const [loading, setLoading] = useState(false);
  const [target, setTarget] = useState<Ticket | null>(null);
  const [form] = Form.useForm<{ leadUnitId: string; coUnitIds?: string[]; note?: string }>();
  const shown = useRef(new Set<string>());
  const seq = useRef(0);

  const load = useCallback(async () => {
    const my = ++seq.current;
    setLoading(true);
    try {
      const r = await api<{ items: Ticket[] }>('GET', '/api/v1/tickets?status=manual&limit=200');
      if (my !== seq.current) return;
      // Oldest first: the queue is worked in arrival order, critical ones on top.
      const rank: Record<string, number> = { critical: 0, urgent: 1, normal: 2 };
      const items = [...r.items].sort((a, b) => (rank[a.urgency] ?? 3) - (rank[b.urgency] ?? 3) || a.createdAt.localeCompare(b.createdAt));
      setRows(items);
      shown.current = new Set(items.map((x) => x.id));
    } catch (err) {
      if (my === seq.current) message.error(errorText(err, i18n.lang));
    } finally {
      if (my === seq.current) setLoading(false);
    }
  }, [i18n.lang, message]);

  useEffect(() => void load(), [load]);

  const { run, busy } = useTicketAction({ reload: () => void load(), conflictText: 'conflict' });

  useLiveReload(() => void load(), (e) => e.status === 'manual' || shown.current.has(e.ticketId));

  // The router's suggestion (lead and co-handling units), preselected where it names units that can be chosen.
  const choosable = (id: string | undefined) => !!id && units.some((u) => u._id === id);
  const suggestedUnit = choosable(target?.routing?.suggestion?.unitId) ? target!.routing!.suggestion!.unitId : undefined;
  const suggestedCo = suggestedUnit ? (target?.routing?.coUnits ?? []).map((c) => c.unitId).filter(choosable) : [];

  const dispatch = async () => {
    if (!target) return;
    const v = await form.validateFields();
    const coUnitIds = (v.coUnitIds ?? []).filter((id) => id !== v.leadUnitId);
    const done = await run(target, 'actions/dispatch', { leadUnitId: v.leadUnitId, ...(coUnitIds.length ? { coUnitIds } : {}), ...(v.note?.trim() ? { note: v.note.trim() } : {}) }, {
      success: () => t('dispatchDone', { number: target.number, unit: units.find((u) => u._id === v.leadUnitId)?.name ?? v.leadUnitId }),
    });
    if (done) setTarget(null);
  };

  return (
    <QueueCard<Ticket>
      title={t('queueTitle')}
      countBadge={{ color: '#fa8c16', testId: 'queue-count' }}
      extra={
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('newTicketsLive')}
        </Typography.Text>
      }
      loading={loading && rows.length === 0}
      rows={rows}
      emptyText={t('queueEmpty')}
      tableTestId="queue-table"
      columns={[
        {
          title: t('number'),
          dataIndex: 'number',
          width: 150,
          render: (v: string, r) => <TicketLink id={r.id}>{v}</TicketLink>,
        },
        { title: t('urgency'), dataIndex: 'urgency', width: 80, render: (v: string) => <UrgencyTag urgency={v} /> },
        { title: t('type'), dataIndex: 'type', width: 90, render: (v: string) => i18n.type(v) },
        { title: t('category'), dataIndex: 'category', width: 160, render: (c: Ticket['category']) => c?.path.slice(-2).join(' › ') ?? '-' },
        { title: t('summary'), dataIndex: 'content', render: (v: string) => <span className="clip">{v}</span> },
        { title: t('address'), dataIndex: 'location', width: 160, render: (l: Ticket['location']) => l.address ?? '-' },
        { title: t('routingSuggestion'), dataIndex: 'routing', width: 220, render: (r: Ticket['routing']) => <Suggestion routing={r} /> },
        { title: t('createdAt'), dataIndex: 'createdAt', width: 140, render: (v: string) => i18n.dateTime(v) },
        {
          title: '',
          key: 'action',
          width: 90,
          render: (_: unknown, r) => (
            <Button
              type="primary"
              size="small"
              onClick={() => {
                form.resetFields();
                setTarget(r);
              }}
              data-testid={`dispatch-${r.number}`}
            >
              {t('dispatchOutcome')}
            </Button>
          ),
        },
      ]}
    >
      <Modal
        open={!!target}
        title={target ? `${t('dispatchOutcome')} ${target.number}` : ''}
        okText={t('dispatchOutcome')}
        cancelText={t('cancel')}
        onOk={() => void dispatch()}
        onCancel={() => setTarget(null)}
        okButtonProps={{ loading: !!busy }}
        destroyOnHidden
      >
        {target && <Typography.Paragraph className="clip">{target.content}</Typography.Paragraph>}
        {!!target?.routing?.explanation.length && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 12 }}
            message={t('parkReasons')}
            description={<Reasons lines={target.routing.explanation} />}
            data-testid="park-reasons"
          />
        )}
        <Form form={form} layout="vertical" initialValues={{ leadUnitId: suggestedUnit, coUnitIds: suggestedCo }}>
          <Form.Item
            label={t('dispatchTo')}
            name="leadUnitId"
            rules={[{ required: true, message: t('chooseUnit') }]}
            {...(suggestedUnit ? { extra: t('suggestedPreset') } : {})}
          >
            <Select
              autoFocus
              getPopupContainer={(node: HTMLElement) => node.parentElement ?? document.body}
              showSearch={{ optionFilterProp: 'label' }} options={unitOptions} placeholder={t('chooseUnit')} data-testid="dispatch-unit" />
          </Form.Item>
          <Form.Item label={t('arbCo')} name="coUnitIds">
            <Select
              mode="multiple"
              getPopupContainer={(node: HTMLElement) => node.parentElement ?? document.body}
              showSearch={{ optionFilterProp: 'label' }}
              options={unitOptions}
              data-testid="dispatch-co-units"
            />
          </Form.Item>
          <Form.Item label={t('dispatchNote')} name="note">
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </QueueCard>
  );
}
