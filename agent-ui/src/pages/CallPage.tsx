import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { App as AntApp, Button, Card, Checkbox, Col, Empty, Form, Input, Modal, Radio, Row, Select, Space, Tag, Typography } from 'antd';
import { api, ApiError, errorText, NetworkError, type Category, type Ticket, type User } from '../api.ts';
import { LINE_KEYS, REQUEST_TYPE_KEYS, URGENCY_KEYS, useI18n } from '../i18n.tsx';
import { useLive } from '../live.tsx';
import { navigate } from '../router.ts';
import { StatusTag } from './common.tsx';
import { DuplicatePanel, KnowledgePanel, type DuplicateHit, type KnowledgeHit } from './CallAssist.tsx';

/**
 * The operator's call form, made for speed: the phone field has the focus,
 * Tab walks the fields in call order, Ctrl+Enter dispatches, Alt+D answers
 * directly, Alt+1..4 transfer to 110/119/120/122. The caller's previous
 * tickets show as soon as the number is typed. Everything typed is kept in
 * localStorage (per user) until the call is recorded, so a reload or a lost
 * connection loses nothing; a call that could not be sent is sent again, with
 * the same Idempotency-Key, when the connection is back.
 *
 * While the request is typed, the knowledge base offers answers (one click
 * puts one into the direct answer) and open tickets the call may repeat are
 * listed; 并入 records the call merged into one of them (the server merges
 * it before storing it, so it is never dispatched on its own).
 */
interface CallValues {
  phone?: string;
  name?: string;
  type?: string;
  categoryCode?: string;
  urgency?: string;
  address?: string;
  content?: string;
  confidential?: boolean;
}

type Outcome =
  | { kind: 'ticket' }
  | { kind: 'direct_answer'; answer: string }
  | { kind: 'emergency_transfer'; line: string; note?: string }
  | { kind: 'merge'; parentId: string; note?: string };

interface Draft {
  values: CallValues;
  key: string;
  /** Set when the submission failed for want of a connection: sent again when it is back. */
  pending?: Outcome;
  /** The number of the ticket a pending merge joins (for the message). */
  mergeParent?: string;
}

const PHONE = /^\+?\d[\d-]{6,19}$/;
const EMPTY: CallValues = { type: 'consult', urgency: 'normal', confidential: false };

function newKey(): string {
  return crypto.randomUUID();
}

function draftKey(user: User): string {
  return `hotline.callDraft.${user.id}`;
}

function readDraft(user: User): Draft | null {
  try {
    return JSON.parse(localStorage.getItem(draftKey(user)) ?? 'null') as Draft | null;
  } catch {
    return null;
  }
}

function body(values: CallValues, outcome: Outcome) {
  const s = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);
  const name = s(values.name);
  return {
    channel: 'phone',
    caller: { phone: (values.phone ?? '').trim(), ...(name ? { name } : {}) },
    type: values.type ?? 'consult',
    ...(values.categoryCode ? { categoryCode: values.categoryCode } : {}),
    urgency: values.urgency ?? 'normal',
    content: (values.content ?? '').trim(),
    ...(s(values.address) ? { address: s(values.address) } : {}),
    confidential: !!values.confidential,
    outcome,
  };
}

export function CallPage({ user }: { user: User }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message, modal } = AntApp.useApp();
  const live = useLive();
  const [form] = Form.useForm<CallValues>();
  const draft = useRef<Draft>(readDraft(user) ?? { values: EMPTY, key: newKey() });
  const [categories, setCategories] = useState<Category[]>([]);
  const [history, setHistory] = useState<{ phone: string; items: Ticket[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState<boolean>(!!draft.current.pending);
  const [answerOpen, setAnswerOpen] = useState(false);
  const [answer, setAnswer] = useState('');
  const phoneRef = useRef<{ focus: () => void } | null>(null);
  const watchedPhone = Form.useWatch('phone', form) ?? '';
  const watchedContent = Form.useWatch('content', form) ?? '';
  const watchedAddress = Form.useWatch('address', form) ?? '';

  const save = useCallback(() => {
    localStorage.setItem(draftKey(user), JSON.stringify(draft.current));
  }, [user]);

  // Restore the unsaved call once.
  useEffect(() => {
    const restored = readDraft(user);
    if (restored) {
      form.setFieldsValue({ ...EMPTY, ...restored.values });
      const v = restored.values;
      if (v.phone || v.content || v.name || v.address) message.info(t('draftRestored'));
      if (restored.values.phone) void loadHistory(restored.values.phone);
    } else {
      form.setFieldsValue(EMPTY);
    }
  }, []);

  useEffect(() => {
    api<{ items: Category[] }>('GET', '/api/v1/categories')
      .then((r) => setCategories(r.items))
      .catch(() => undefined);
  }, []);

  const categoryOptions = useMemo(
    () =>
      categories.map((c) => ({
        value: c._id,
        label: c.path.join(' › '),
        search: [c.path.join(''), c._id, ...(c.keywords ?? [])].join(' ').toLowerCase(),
      })),
    [categories],
  );

  // Previous tickets of the caller, as soon as the number looks complete.
  const historyTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const loadHistory = useCallback(async (phone: string) => {
    const p = phone.trim();
    if (!PHONE.test(p)) {
      setHistory(null);
      return;
    }
    try {
      const r = await api<{ items: Ticket[] }>('GET', `/api/v1/tickets?phone=${encodeURIComponent(p)}&limit=10`);
      setHistory({ phone: p, items: r.items });
    } catch {
      // history is a hint; the form works without it
    }
  }, []);

  const onValuesChange = (changed: CallValues, all: CallValues) => {
    draft.current = { ...draft.current, values: all };
    save();
    if ('phone' in changed) {
      if (historyTimer.current) clearTimeout(historyTimer.current);
      historyTimer.current = setTimeout(() => void loadHistory(changed.phone ?? ''), 250);
    }
  };

  const reset = useCallback(() => {
    draft.current = { values: EMPTY, key: newKey() };
    localStorage.removeItem(draftKey(user));
    form.resetFields();
    form.setFieldsValue(EMPTY);
    setHistory(null);
    setPending(false);
    setTimeout(() => phoneRef.current?.focus(), 0);
  }, [form, user]);

  const send = useCallback(
    async (outcome: Outcome, resend = false): Promise<void> => {
      const values = draft.current.values;
      setBusy(true);
      try {
        const res = await api<{ ticket: Ticket }>('POST', '/api/v1/tickets', {
          body: body(values, outcome),
          headers: { 'Idempotency-Key': draft.current.key },
        });
        if (res.ticket.status === 'merged') {
          message.success({ content: t('mergedDone', { number: res.ticket.number, parent: draft.current.mergeParent ?? '' }), duration: 6 });
        } else {
          message.success({ content: t(resend ? 'resent' : 'submitted', { number: res.ticket.number }), duration: 6 });
        }
        reset();
      } catch (err) {
        if (err instanceof NetworkError) {
          draft.current = { ...draft.current, pending: outcome };
          save();
          setPending(true);
          if (!resend) message.warning({ content: t('offlineQueued'), duration: 6 });
          return;
        }
        if (err instanceof ApiError && err.details) {
          form.setFields(
            err.details.map((d) => ({
              name: d.field === 'caller.phone' ? 'phone' : d.field === 'caller.name' ? 'name' : d.field,
              errors: [i18n.lang === 'zh' ? d.problem.replace(/\s*\([^()]*\)/g, '') : d.problem],
            })) as never,
          );
        }
        // A refused submission is not retried automatically.
        draft.current = { ...draft.current, pending: undefined };
        save();
        setPending(false);
        message.error(errorText(err, i18n.lang));
      } finally {
        setBusy(false);
      }
    },
    [form, i18n.lang, message, reset, save, t],
  );

  // Send a call that was kept while offline as soon as the server answers again.
  useEffect(() => {
    if (!pending) return;
    const retry = () => {
      const p = draft.current.pending;
      if (p) void send(p, true);
    };
    const offReconnect = live.onReconnect(retry);
    window.addEventListener('online', retry);
    const timer = setInterval(retry, 5000);
    return () => {
      offReconnect();
      window.removeEventListener('online', retry);
      clearInterval(timer);
    };
  }, [pending, live, send]);

  const submit = useCallback(
    async (outcome: Outcome) => {
      if (busy) return;
      const fields = outcome.kind === 'emergency_transfer' ? ['phone'] : ['phone', 'type', 'content'];
      try {
        await form.validateFields(fields);
      } catch {
        return;
      }
      await send(outcome);
    },
    [busy, form, send],
  );

  const openAnswer = useCallback(
    async (prefill = '') => {
      try {
        await form.validateFields(['phone', 'type', 'content']);
      } catch {
        return;
      }
      setAnswer(prefill);
      setAnswerOpen(true);
    },
    [form],
  );

  // A knowledge-base answer, in one click, becomes the direct answer (still editable before it is sent).
  const answerWith = useCallback((hit: KnowledgeHit) => void openAnswer(hit.answer), [openAnswer]);

  // 并单: record this call merged into an open ticket it repeats.
  const merge = useCallback(
    async (hit: DuplicateHit) => {
      try {
        await form.validateFields(['phone', 'type', 'content']);
      } catch {
        return;
      }
      let note = '';
      const ok = await modal.confirm({
        title: t('mergeTitle', { number: hit.number }),
        content: (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <span>{t('mergeConfirm', { number: hit.number })}</span>
            <Input.TextArea placeholder={t('mergeNote')} rows={2} maxLength={500} onChange={(e) => (note = e.target.value)} />
          </Space>
        ),
        okText: t('mergeInto'),
        cancelText: t('cancel'),
      });
      if (!ok) return;
      draft.current = { ...draft.current, mergeParent: hit.number };
      await send({ kind: 'merge', parentId: hit.ticketId, ...(note.trim() ? { note: note.trim() } : {}) });
    },
    [form, modal, send, t],
  );

  const transfer = useCallback(
    async (line: string) => {
      try {
        await form.validateFields(['phone']);
      } catch {
        return;
      }
      let note = '';
      const ok = await modal.confirm({
        title: `${t('transferTitle')} ${line}`,
        content: (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <span>{t('transferConfirm', { line, name: i18n.line(line) })}</span>
            <Input.TextArea placeholder={t('transferNote')} rows={2} onChange={(e) => (note = e.target.value)} />
          </Space>
        ),
        okText: t('confirm'),
        cancelText: t('cancel'),
        okButtonProps: { danger: true },
      });
      if (!ok) return;
      const values = draft.current.values;
      // The content may be empty in a hurry: record the transfer itself.
      if (!values.content?.trim()) draft.current.values = { ...values, content: `${t('transfer')} ${line} ${i18n.line(line)}` };
      await send({ kind: 'emergency_transfer', line, ...(note.trim() ? { note: note.trim() } : {}) });
    },
    [form, i18n, modal, send, t],
  );

  // Keyboard shortcuts for the whole page.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (answerOpen) return;
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
        e.preventDefault();
        void submit({ kind: 'ticket' });
      } else if (e.altKey && (e.key === 'd' || e.key === 'D' || e.code === 'KeyD')) {
        e.preventDefault();
        void openAnswer();
      } else if (e.altKey && /^Digit[1-4]$/.test(e.code)) {
        e.preventDefault();
        void transfer(LINE_KEYS[Number(e.code.slice(5)) - 1]!);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [answerOpen, openAnswer, submit, transfer]);

  return (
    <Row gutter={16}>
      <Col xs={24} lg={16}>
        <Card
          title={t('navCall')}
          extra={
            <Space>
              {pending && <Tag color="warning">{t('offlineQueued')}</Tag>}
              <Button onClick={reset}>{t('clearForm')}</Button>
            </Space>
          }
        >
          <Form form={form} layout="vertical" onValuesChange={onValuesChange} requiredMark autoComplete="off" data-testid="call-form">
            <Row gutter={12}>
              <Col span={8}>
                <Form.Item
                  label={t('callerPhone')}
                  name="phone"
                  rules={[
                    { required: true, message: t('required') },
                    { pattern: PHONE, message: i18n.lang === 'zh' ? '电话号码格式不正确' : 'Not a phone number' },
                  ]}
                >
                  <Input autoFocus id="call-phone" inputMode="tel" ref={(r) => void (phoneRef.current = r)} />
                </Form.Item>
              </Col>
              <Col span={6}>
                <Form.Item label={t('callerName')} name="name">
                  <Input id="call-name" maxLength={40} />
                </Form.Item>
              </Col>
              <Col span={5}>
                <Form.Item label={t('type')} name="type" rules={[{ required: true, message: t('required') }]}>
                  <Select
                    id="call-type"
                    showSearch={{ optionFilterProp: 'label' }}
                    options={REQUEST_TYPE_KEYS.map((k) => ({ value: k, label: i18n.type(k) }))}
                  />
                </Form.Item>
              </Col>
              <Col span={5}>
                <Form.Item name="confidential" valuePropName="checked" label=" ">
                  <Checkbox id="call-confidential">{t('confidential')}</Checkbox>
                </Form.Item>
              </Col>
            </Row>
            <Row gutter={12}>
              <Col span={14}>
                <Form.Item label={t('category')} name="categoryCode">
                  <Select
                    id="call-category"
                    allowClear
                    placeholder={t('categorySearch')}
                    showSearch={{
                      filterOption: (input, option) => {
                        const o = option as { search?: string } | undefined;
                        return !!o?.search?.includes(input.trim().toLowerCase());
                      },
                    }}
                    options={categoryOptions}
                  />
                </Form.Item>
              </Col>
              <Col span={10}>
                <Form.Item label={t('urgency')} name="urgency">
                  <Radio.Group
                    id="call-urgency"
                    optionType="button"
                    buttonStyle="solid"
                    options={URGENCY_KEYS.map((k) => ({ value: k, label: i18n.urgency(k) }))}
                  />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item label={t('address')} name="address">
              <Input id="call-address" maxLength={200} />
            </Form.Item>
            <Form.Item label={t('content')} name="content" rules={[{ required: true, message: t('required') }]}>
              <Input.TextArea id="call-content" rows={5} maxLength={5000} showCount placeholder={t('contentHint')} />
            </Form.Item>
            <Space wrap>
              <Button type="primary" size="large" loading={busy} onClick={() => void submit({ kind: 'ticket' })} data-testid="outcome-dispatch">
                {t('dispatchOutcome')} <span className="shortcut-hint" style={{ color: 'inherit', opacity: 0.75 }}>Ctrl+Enter</span>
              </Button>
              <Button size="large" disabled={busy} onClick={() => void openAnswer()} data-testid="outcome-answer">
                {t('directAnswer')} <span className="shortcut-hint">Alt+D</span>
              </Button>
              {LINE_KEYS.map((line, i) => (
                <Button key={line} size="large" danger disabled={busy} onClick={() => void transfer(line)} data-testid={`outcome-${line}`}>
                  {t('transfer')} {line} <span className="shortcut-hint">Alt+{i + 1}</span>
                </Button>
              ))}
            </Space>
            <div className="shortcut-hint" style={{ marginTop: 10 }}>
              {t('shortcuts')}
            </div>
          </Form>
        </Card>
      </Col>
      <Col xs={24} lg={8}>
        <KnowledgePanel content={watchedContent} onUse={answerWith} />
        <DuplicatePanel phone={watchedPhone} content={watchedContent} address={watchedAddress} onMerge={(d) => void merge(d)} disabled={busy} />
        <Card title={t('history')} size="small" data-testid="caller-history">
          {!history ? (
            <Typography.Text type="secondary">{t('historyHint')}</Typography.Text>
          ) : history.items.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('historyNone')} />
          ) : (
            history.items.map((tk) => (
              <div key={tk.id} className="history-item" onClick={() => navigate(`/tickets/${tk.id}`)}>
                <Space size={6} wrap>
                  <Typography.Text strong>{tk.number}</Typography.Text>
                  <StatusTag status={tk.status} />
                  <Tag>{i18n.type(tk.type)}</Tag>
                  <Typography.Text type="secondary">{i18n.dateTime(tk.createdAt)}</Typography.Text>
                </Space>
                <div className="clip">{tk.content}</div>
              </div>
            ))
          )}
        </Card>
      </Col>
      <Modal
        open={answerOpen}
        title={t('answerTitle')}
        okText={t('confirm')}
        cancelText={t('cancel')}
        onCancel={() => setAnswerOpen(false)}
        okButtonProps={{ disabled: !answer.trim(), loading: busy }}
        onOk={async () => {
          setAnswerOpen(false);
          await send({ kind: 'direct_answer', answer: answer.trim() });
        }}
        destroyOnHidden
      >
        <Input.TextArea
          autoFocus
          rows={6}
          value={answer}
          placeholder={t('answerText')}
          onChange={(e) => setAnswer(e.target.value)}
          onKeyDown={(e) => {
            if ((e.ctrlKey || e.metaKey) && e.key === 'Enter' && answer.trim()) {
              e.preventDefault();
              setAnswerOpen(false);
              void send({ kind: 'direct_answer', answer: answer.trim() });
            }
          }}
        />
      </Modal>
    </Row>
  );
}
