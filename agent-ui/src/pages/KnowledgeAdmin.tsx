import { useCallback, useEffect, useMemo, useState } from 'react';
import { App as AntApp, Button, Card, Col, Form, Input, Modal, Popconfirm, Row, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import './operator.css';
import { api, ApiError, errorText } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import type { KnowledgeHit } from './CallAssist.tsx';

interface Entry {
  id: string;
  title: string;
  keywords: string[];
  answer: string;
  source: string | null;
  active: boolean;
  updatedBy: { id: string; name: string } | null;
  updatedAt: string;
}

interface EntryValues {
  title: string;
  keywords: string[];
  answer: string;
  source?: string;
  active: boolean;
}

/**
 * The knowledge base for admins: the answers operators give on the spot.
 * Edits apply to the operators' next search. "试一试" runs the operators'
 * search, so an editor sees which entry a citizen's words would find.
 */
export function KnowledgeAdminPage() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = AntApp.useApp();
  const [rows, setRows] = useState<Entry[]>([]);
  const [loading, setLoading] = useState(true);
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<Entry | 'new' | null>(null);
  const [busy, setBusy] = useState(false);
  const [trial, setTrial] = useState('');
  const [trialHits, setTrialHits] = useState<KnowledgeHit[] | null>(null);
  const [form] = Form.useForm<EntryValues>();

  const load = useCallback(async () => {
    try {
      const r = await api<{ items: Entry[] }>('GET', '/api/v1/admin/knowledge');
      setRows(r.items);
    } catch (err) {
      message.error(errorText(err, i18n.lang));
    } finally {
      setLoading(false);
    }
  }, [i18n.lang, message]);

  useEffect(() => {
    void load();
  }, [load]);

  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    if (!f) return rows;
    return rows.filter((r) => [r.title, r.answer, r.source ?? '', ...r.keywords].join(' ').toLowerCase().includes(f));
  }, [rows, filter]);

  const edit = (e: Entry | 'new') => {
    form.resetFields();
    form.setFieldsValue(
      e === 'new' ? { title: '', keywords: [], answer: '', active: true } : { title: e.title, keywords: e.keywords, answer: e.answer, source: e.source ?? '', active: e.active },
    );
    setEditing(e);
  };

  const save = async () => {
    if (!editing) return;
    const v = await form.validateFields();
    const body = { title: v.title, keywords: v.keywords ?? [], answer: v.answer, active: v.active, ...(v.source?.trim() ? { source: v.source.trim() } : {}) };
    setBusy(true);
    try {
      if (editing === 'new') await api('POST', '/api/v1/admin/knowledge', { body });
      else await api('PUT', `/api/v1/admin/knowledge/${editing.id}`, { body });
      message.success(t('kbSaved'));
      setEditing(null);
      void load();
    } catch (err) {
      if (err instanceof ApiError && err.details) {
        form.setFields(
          err.details.map((d) => ({
            name: d.field.split('.')[0]!,
            errors: [i18n.lang === 'zh' ? d.problem.replace(/\s*\([^()]*\)/g, '') : d.problem],
          })) as never,
        );
      }
      message.error(errorText(err, i18n.lang));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (e: Entry) => {
    try {
      await api('DELETE', `/api/v1/admin/knowledge/${e.id}`);
      message.success(t('kbDeleted'));
      void load();
    } catch (err) {
      message.error(errorText(err, i18n.lang));
    }
  };

  const toggle = async (e: Entry, active: boolean) => {
    try {
      const body = { title: e.title, keywords: e.keywords, answer: e.answer, active, ...(e.source ? { source: e.source } : {}) };
      await api('PUT', `/api/v1/admin/knowledge/${e.id}`, { body });
      void load();
    } catch (err) {
      message.error(errorText(err, i18n.lang));
    }
  };

  const runTrial = async (q: string) => {
    if (!q.trim()) {
      setTrialHits(null);
      return;
    }
    try {
      const r = await api<{ items: KnowledgeHit[] }>('GET', `/api/v1/knowledge/search?limit=5&q=${encodeURIComponent(q.trim())}`);
      setTrialHits(r.items);
    } catch (err) {
      message.error(errorText(err, i18n.lang));
    }
  };

  return (
    <Card
      title={t('kbAdminTitle')}
      extra={
        <Space>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('kbCount', { n: rows.length, m: rows.filter((r) => r.active).length })}
          </Typography.Text>
          <Input.Search allowClear placeholder={t('kbFilter')} style={{ width: 260 }} value={filter} onChange={(e) => setFilter(e.target.value)} />
          <Button type="primary" onClick={() => edit('new')} data-testid="kb-new">
            {t('kbNew')}
          </Button>
        </Space>
      }
    >
      <div className="kb-trial">
        <Input.Search
          placeholder={t('kbTry')}
          enterButton
          value={trial}
          onChange={(e) => setTrial(e.target.value)}
          onSearch={(q) => void runTrial(q)}
          data-testid="kb-trial"
        />
        {trialHits && (
          <div style={{ marginTop: 8 }}>
            {trialHits.length === 0 ? (
              <Typography.Text type="secondary">{t('kbNone')}</Typography.Text>
            ) : (
              <Space size={[6, 6]} wrap>
                {trialHits.map((h, i) => (
                  <Tag key={h.id} color={i === 0 ? 'red' : 'default'}>
                    {i + 1}. {h.title}（{h.score.toFixed(1)}）
                  </Tag>
                ))}
              </Space>
            )}
          </div>
        )}
      </div>
      <Table<Entry>
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={shown}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        data-testid="kb-table"
        rowClassName={(r) => (r.active ? '' : 'row-inactive')}
        columns={[
          {
            title: t('kbQuestion'),
            dataIndex: 'title',
            width: 260,
            render: (v: string, r) => (
              <div>
                <Typography.Text strong>{v}</Typography.Text>
                <div style={{ marginTop: 4 }}>
                  {r.keywords.map((k) => (
                    <Tag key={k} style={{ marginBottom: 4 }}>
                      {k}
                    </Tag>
                  ))}
                </div>
              </div>
            ),
          },
          { title: t('kbAnswer'), dataIndex: 'answer', render: (v: string) => <span className="clip3">{v}</span> },
          { title: t('kbSource'), dataIndex: 'source', width: 130, render: (v: string | null) => v ?? '-' },
          {
            title: t('kbActive'),
            dataIndex: 'active',
            width: 70,
            render: (v: boolean, r) => <Switch size="small" checked={v} onChange={(on) => void toggle(r, on)} />,
          },
          {
            title: t('updatedAt'),
            dataIndex: 'updatedAt',
            width: 150,
            render: (v: string, r) => (
              <div>
                <div>{i18n.dateTime(v)}</div>
                {r.updatedBy && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {r.updatedBy.name}
                  </Typography.Text>
                )}
              </div>
            ),
          },
          {
            title: '',
            key: 'ops',
            width: 110,
            render: (_: unknown, r) => (
              <Space size={4}>
                <Button size="small" type="link" onClick={() => edit(r)} data-testid={`kb-edit-${r.id}`}>
                  {t('edit')}
                </Button>
                <Popconfirm title={t('kbDeleteConfirm')} okText={t('remove')} cancelText={t('cancel')} okButtonProps={{ danger: true }} onConfirm={() => void remove(r)}>
                  <Button size="small" type="link" danger>
                    {t('remove')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={!!editing}
        title={editing === 'new' ? t('kbNew') : t('kbEdit')}
        okText={t('save')}
        cancelText={t('cancel')}
        onOk={() => void save()}
        onCancel={() => setEditing(null)}
        okButtonProps={{ loading: busy }}
        width={720}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" requiredMark>
          <Form.Item label={t('kbQuestion')} name="title" rules={[{ required: true, whitespace: true, message: t('required') }]}>
            <Input maxLength={200} placeholder={t('kbQuestionPh')} id="kb-title" />
          </Form.Item>
          <Form.Item label={t('kbKeywords')} name="keywords" extra={t('kbKeywordsHint')}>
            <Select mode="tags" tokenSeparators={[',', '，', '、', ' ']} open={false} suffixIcon={null} id="kb-keywords" />
          </Form.Item>
          <Form.Item label={t('kbAnswer')} name="answer" rules={[{ required: true, whitespace: true, message: t('required') }]}>
            <Input.TextArea rows={7} maxLength={5000} showCount id="kb-answer" />
          </Form.Item>
          <Row gutter={12}>
            <Col span={16}>
              <Form.Item label={t('kbSource')} name="source">
                <Input maxLength={100} id="kb-source" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item label={t('kbActive')} name="active" valuePropName="checked">
                <Switch />
              </Form.Item>
            </Col>
          </Row>
        </Form>
      </Modal>
    </Card>
  );
}
