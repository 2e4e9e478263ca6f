import { useState } from 'react';
import { Alert, App as AntApp, Button, Card, Form, Input, Modal, Popconfirm, Radio, Space, Typography } from 'antd';
import { api, ApiError, errorText, type Ticket, type User } from '../api.ts';
import { useI18n, type MessageKey } from '../i18n.tsx';

type Action = 'accept' | 'contact' | 'progress' | 'request_return' | 'reply' | 'co_report';

const LABEL: Record<Action, MessageKey> = {
  accept: 'actAccept',
  contact: 'actContact',
  progress: 'actProgress',
  request_return: 'actReturn',
  reply: 'actReply',
  co_report: 'actCoReport',
};

const RESULTS: { value: string; label: MessageKey }[] = [
  { value: 'resolved', label: 'resultResolved' },
  { value: 'partly', label: 'resultPartly' },
  { value: 'unresolved', label: 'resultUnresolved' },
  { value: 'explained', label: 'resultExplained' },
];

/** From the second repeat of a matter the reply must state the cause and who is responsible (server: EXPLAIN_FROM_REPEAT). */
const EXPLAIN_FROM_REPEAT = 2;

/** What this viewer may do with the ticket now (the server checks again). */
export function availableActions(t: Ticket, user: User): Action[] {
  if (user.role !== 'unit_handler') return [];
  const open = t.status === 'dispatched' || t.status === 'accepted';
  if (!open) return [];
  const lead = t.lead?.unitId === user.unitId;
  const co = t.coUnits.some((u) => u.unitId === user.unitId);
  const out: Action[] = [];
  if (lead) {
    if (t.status === 'dispatched') out.push('accept');
    out.push('contact', 'progress');
    if (t.status === 'accepted') out.push('reply');
    out.push('request_return');
  } else if (co) {
    out.push('co_report', 'progress');
  }
  return out;
}

/**
 * The unit handler's workflow buttons: each sends {version, …} to
 * POST /api/v1/tickets/:id/actions/:action; 409 re-reads and says the ticket
 * changed, 422 puts the messages on the fields; success re-reads.
 */
export function TicketActions({ ticket, user, reload }: { ticket: Ticket; user: User; reload: () => Promise<void> }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = AntApp.useApp();
  const [open, setOpen] = useState<Action | null>(null);
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [needExplain, setNeedExplain] = useState(false);
  const [needOverride, setNeedOverride] = useState(false);
  const [form] = Form.useForm<Record<string, string>>();
  const actions = availableActions(ticket, user);
  if (user.role !== 'unit_handler') return null;

  const repeatCount = (ticket as Ticket & { repeatCount?: number }).repeatCount ?? 0;
  const explain = needExplain || repeatCount >= EXPLAIN_FROM_REPEAT;

  const send = async (action: Action, fields: Record<string, string>): Promise<boolean> => {
    setBusy(true);
    setFormError(null);
    try {
      const body: Record<string, unknown> = { version: ticket.version };
      for (const [k, v] of Object.entries(fields)) if (typeof v === 'string' && v.trim()) body[k] = v.trim();
      await api('POST', `/api/v1/tickets/${ticket.id}/actions/${action}`, { body });
      message.success(t('actionDone', { action: t(LABEL[action]) }));
      await reload();
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        if (err.code === 'co_parts_missing') {
          setNeedOverride(true);
          setFormError(errorText(err, i18n.lang));
          return false;
        }
        message.warning(t('changedReloaded', { msg: errorText(err, i18n.lang) }));
        await reload();
        return err.code === 'version_conflict' ? false : true;
      }
      if (err instanceof ApiError && err.status === 422 && err.details?.length) {
        const strip = (s: string) => (i18n.lang === 'en' ? s : s.replace(/\s*\([^()]*\)/g, ''));
        if (err.details.some((d) => d.field === 'cause' || d.field === 'responsibility')) setNeedExplain(true);
        const known = new Set(Object.keys(fields).concat(['cause', 'responsibility', 'override']));
        const onFields = err.details.filter((d) => known.has(d.field));
        const rest = err.details.filter((d) => !known.has(d.field));
        // Fields that just appeared (cause/responsibility) are mounted on the next render.
        setTimeout(() => form.setFields(onFields.map((d) => ({ name: d.field, errors: [strip(d.problem)] }))), 0);
        if (rest.length) setFormError(rest.map((d) => `${d.field}: ${strip(d.problem)}`).join('；'));
        return false;
      }
      setFormError(errorText(err, i18n.lang));
      if (!open) message.error(errorText(err, i18n.lang));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const start = (a: Action) => {
    setFormError(null);
    setNeedOverride(false);
    setOpen(a);
  };

  const req = [{ required: true, whitespace: true, message: t('required') }];
  const fieldsOf = (a: Action) => {
    switch (a) {
      case 'contact':
        return (
          <Form.Item name="note" label={t('contactNote')} rules={req}>
            <Input.TextArea rows={3} maxLength={1000} showCount id="act-contact-note" />
          </Form.Item>
        );
      case 'progress':
        return (
          <Form.Item name="note" label={t('progressNote')} rules={req}>
            <Input.TextArea rows={3} maxLength={2000} showCount id="act-progress-note" />
          </Form.Item>
        );
      case 'request_return':
        return (
          <Form.Item name="reason" label={t('returnReason')} rules={req}>
            <Input.TextArea rows={3} maxLength={1000} showCount id="act-return-reason" />
          </Form.Item>
        );
      case 'co_report':
        return (
          <Form.Item name="text" label={t('coReportText')} rules={req}>
            <Input.TextArea rows={4} maxLength={5000} showCount id="act-co-text" />
          </Form.Item>
        );
      case 'reply':
        return (
          <>
            <Form.Item name="result" label={t('replyResult')} rules={[{ required: true, message: t('required') }]}>
              <Radio.Group optionType="button" buttonStyle="solid" options={RESULTS.map((r) => ({ value: r.value, label: t(r.label) }))} />
            </Form.Item>
            <Form.Item name="text" label={t('replyText')} rules={req}>
              <Input.TextArea rows={4} maxLength={5000} showCount id="act-reply-text" />
            </Form.Item>
            {explain && (
              <>
                <Form.Item name="cause" label={t('replyCause')} rules={req}>
                  <Input.TextArea rows={2} maxLength={1000} id="act-reply-cause" />
                </Form.Item>
                <Form.Item name="responsibility" label={t('replyResponsibility')} rules={req}>
                  <Input maxLength={500} id="act-reply-responsibility" />
                </Form.Item>
              </>
            )}
            {needOverride && (
              <Form.Item name="override" label={t('replyOverride')} rules={req}>
                <Input maxLength={500} id="act-reply-override" />
              </Form.Item>
            )}
          </>
        );
      default:
        return null;
    }
  };

  return (
    <Card title={t('handle')} size="small" style={{ marginBottom: 16 }} data-testid="ticket-actions">
      {actions.length === 0 ? (
        <Typography.Text type="secondary">{t('noActions')}</Typography.Text>
      ) : (
        <Space wrap>
          {actions.map((a) =>
            a === 'accept' ? (
              <Popconfirm key={a} title={t('acceptConfirm')} okText={t('confirm')} cancelText={t('cancel')} onConfirm={() => send('accept', {})}>
                <Button type="primary" loading={busy} data-testid="act-accept">
                  {t('actAccept')}
                </Button>
              </Popconfirm>
            ) : (
              <Button key={a} type={a === 'reply' ? 'primary' : a === 'request_return' ? 'default' : 'default'} danger={a === 'request_return'} onClick={() => start(a)} data-testid={`act-${a}`}>
                {t(LABEL[a])}
              </Button>
            ),
          )}
        </Space>
      )}
      <Modal
        open={open !== null}
        title={open ? `${t(LABEL[open])} · ${ticket.number}` : ''}
        okText={t('submit')}
        cancelText={t('cancel')}
        confirmLoading={busy}
        destroyOnHidden
        onCancel={() => setOpen(null)}
        onOk={() => form.submit()}
        data-testid="action-modal"
      >
        <Form
          form={form}
          layout="vertical"
          preserve={false}
          onFinish={async (values) => {
            if (!open) return;
            if (await send(open, values)) setOpen(null);
          }}
        >
          {open && fieldsOf(open)}
        </Form>
        {formError && <Alert type="error" showIcon message={formError} />}
      </Modal>
    </Card>
  );
}
