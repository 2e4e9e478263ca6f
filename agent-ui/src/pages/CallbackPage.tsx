import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { App as AntApp, Button, Checkbox, Form, Input, Modal, Radio, Space, Tag, Typography } from 'antd';
import './operator.css';
import { api, errorText, type Ticket } from '../api.ts';
import { useI18n, type MessageKey } from '../i18n.tsx';
import { useLiveReload } from '../live.tsx';
import { CallerText, QueueCard, UrgencyTag, TicketLink, useTicketAction } from './common.tsx';
import { spanText, useNow } from './deadline.ts';

/** A ticket waiting for the callback: the approved reply is what the citizen is asked about. */
type CallbackTicket = Ticket & {
  reply: { result: string; text: string; at: string; unitId: string } | null;
  redoCount: number;
};

interface CallbackValues {
  satisfaction: 'satisfied' | 'basically' | 'unsatisfied';
  resolved: boolean;
  unitFault?: boolean;
  note?: string;
}

const SATISFACTION: { value: CallbackValues['satisfaction']; label: MessageKey }[] = [
  { value: 'satisfied', label: 'satSatisfied' },
  { value: 'basically', label: 'satBasically' },
  { value: 'unsatisfied', label: 'satUnsatisfied' },
];
const RESULT_LABEL: Record<string, MessageKey> = {
  resolved: 'resultResolved',
  partly: 'resultPartly',
  unresolved: 'resultUnresolved',
  explained: 'resultExplained',
};
const RESULT_COLOR: Record<string, string> = { resolved: 'green', partly: 'gold', unresolved: 'red', explained: 'blue' };
/** The callback is due the working day after the reply: past a day the wait shows amber. */
const DUE_AFTER_MS = 24 * 3600_000;

/**
 * The operators' callback (回访) list: tickets whose reply was approved, the
 * oldest reply first, live (a ticket approved anywhere appears, one called
 * back by a colleague leaves). The result goes through the workflow's
 * callback action: satisfied or not, resolved or not, and — when the citizen
 * is unsatisfied through the unit's fault — back to the unit for a redo.
 */
export function CallbackPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = AntApp.useApp();
  const [rows, setRows] = useState<CallbackTicket[]>([]);
  const [loading, setLoading] = useState(true);
  const [target, setTarget] = useState<CallbackTicket | null>(null);
  const [form] = Form.useForm<CallbackValues>();
  const satisfaction = Form.useWatch('satisfaction', form);
  const shown = useRef(new Set<string>());
  const seq = useRef(0);

  const load = useCallback(async () => {
    const my = ++seq.current;
    try {
      const r = await api<{ items: CallbackTicket[] }>('GET', '/api/v1/tickets?status=callback&limit=200');
      if (my !== seq.current) return;
      const at = (x: CallbackTicket) => x.reply?.at ?? x.updatedAt;
      const items = [...r.items].sort((a, b) => at(a).localeCompare(at(b)));
      setRows(items);
      shown.current = new Set(items.map((x) => x.id));
    } catch (err) {
      if (my === seq.current) message.error(errorText(err, i18n.lang));
    } finally {
      if (my === seq.current) setLoading(false);
    }
  }, [i18n.lang, message]);

  useEffect(() => {
    void load();
  }, [load]);
  useLiveReload(() => void load(), (e) => e.status === 'callback' || shown.current.has(e.ticketId));
  // A conflict: someone else called back first, or the ticket changed; the reload shows what is true now.
  const { run, busy } = useTicketAction({ reload: () => void load(), conflictText: 'conflict' });

  const replyTimes = useMemo(() => rows.map((r) => Date.parse(r.reply?.at ?? r.updatedAt) + DUE_AFTER_MS), [rows]);
  const now = useNow(replyTimes, 60_000);
  const sep = i18n.lang === 'en' ? ' ' : '';

  const open = (r: CallbackTicket) => {
    form.resetFields();
    form.setFieldsValue({ satisfaction: 'satisfied', resolved: r.reply?.result !== 'unresolved', unitFault: false });
    setTarget(r);
  };

  const submit = async () => {
    if (!target) return;
    const v = await form.validateFields();
    const unitFault = v.satisfaction === 'unsatisfied' && !!v.unitFault;
    const done = await run(
      target,
      'actions/callback',
      { satisfaction: v.satisfaction, resolved: v.resolved, unitFault, ...(v.note?.trim() ? { note: v.note.trim() } : {}) },
      { success: (res) => t(res.ticket.status === 'closed' ? 'callbackClosed' : 'callbackRedo', { number: target.number }) },
    );
    if (done) setTarget(null);
  };

  return (
    <QueueCard<CallbackTicket>
      title={t('callbackTitle')}
      countBadge={{ color: '#722ed1', testId: 'callback-count' }}
      extra={
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('callbackHint')}
        </Typography.Text>
      }
      loading={loading && rows.length === 0}
      rows={rows}
      emptyText={t('callbackEmpty')}
      tableTestId="callback-table"
      columns={[
        {
          title: t('number'),
          dataIndex: 'number',
          width: 150,
          render: (v: string, r) => (
            <Space orientation="vertical" size={2}>
              <TicketLink id={r.id}>{v}</TicketLink>
              {r.urgency !== 'normal' && <UrgencyTag urgency={r.urgency} />}
            </Space>
          ),
        },
        { title: t('caller'), dataIndex: 'caller', width: 170, render: (c: Ticket['caller']) => <CallerText caller={c} /> },
        { title: t('summary'), dataIndex: 'content', render: (v: string) => <span className="clip">{v}</span> },
        {
          title: t('replyContent'),
          key: 'reply',
          width: 340,
          render: (_: unknown, r) =>
            r.reply ? (
              <div>
                <Space size={4} wrap>
                  <Tag color={RESULT_COLOR[r.reply.result] ?? 'default'}>{RESULT_LABEL[r.reply.result] ? t(RESULT_LABEL[r.reply.result]!) : r.reply.result}</Tag>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {r.lead?.unitName}
                  </Typography.Text>
                </Space>
                <div className="clip">{r.reply.text}</div>
              </div>
            ) : (
              '-'
            ),
        },
        {
          title: t('replyAt'),
          key: 'replyAt',
          width: 150,
          render: (_: unknown, r) => {
            const at = Date.parse(r.reply?.at ?? r.updatedAt);
            const late = now - at > DUE_AFTER_MS;
            return (
              <div data-testid="callback-wait" data-late={late ? 'yes' : 'no'}>
                <div>{i18n.dateTime(new Date(at))}</div>
                <Typography.Text style={{ fontSize: 12, color: late ? '#d46b08' : '#8c8c8c' }}>
                  {t('waitingFmt', { t: spanText(now - at, t, sep) })}
                </Typography.Text>
              </div>
            );
          },
        },
        {
          title: '',
          key: 'action',
          width: 90,
          render: (_: unknown, r) => (
            <Button type="primary" size="small" onClick={() => open(r)} data-testid={`callback-${r.number}`}>
              {t('callbackDo')}
            </Button>
          ),
        },
      ]}
    >
      <Modal
        open={!!target}
        title={target ? t('callbackModal', { number: target.number }) : ''}
        okText={t('submit')}
        cancelText={t('cancel')}
        onOk={() => void submit()}
        onCancel={() => setTarget(null)}
        okButtonProps={{ loading: !!busy }}
        destroyOnHidden
        width={560}
      >
        {target?.reply && (
          <div className="callback-reply">
            <Typography.Text type="secondary">
              {target.lead?.unitName} · {t('replyContent')}
            </Typography.Text>
            <div>{target.reply.text}</div>
          </div>
        )}
        <Form form={form} layout="vertical" requiredMark={false}>
          <Form.Item label={t('satisfaction')} name="satisfaction" rules={[{ required: true, message: t('required') }]}>
            <Radio.Group
              optionType="button"
              buttonStyle="solid"
              options={SATISFACTION.map((s) => ({ value: s.value, label: t(s.label) }))}
              data-testid="callback-satisfaction"
            />
          </Form.Item>
          <Form.Item label={t('resolvedQ')} name="resolved" rules={[{ required: true, message: t('required') }]}>
            <Radio.Group
              options={[
                { value: true, label: t('resultResolved') },
                { value: false, label: t('resultUnresolved') },
              ]}
            />
          </Form.Item>
          {satisfaction === 'unsatisfied' && (
            <Form.Item name="unitFault" valuePropName="checked" extra={t('unitFaultHint', { unit: target?.lead?.unitName ?? '' })}>
              <Checkbox data-testid="callback-unit-fault">{t('unitFault')}</Checkbox>
            </Form.Item>
          )}
          <Form.Item label={t('callbackNote')} name="note">
            <Input.TextArea rows={3} maxLength={1000} placeholder={t('callbackNotePh')} />
          </Form.Item>
        </Form>
      </Modal>
    </QueueCard>
  );
}
