import { useState } from 'react';
import { Alert, App as AntApp, Button, Card, Form, Input, Modal, Popconfirm, Skeleton, Space, Table, Typography } from 'antd';
import { api, ApiError, errorText, type Ticket, type User } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { listOf, useBoard, type Row } from './board-data.ts';
import { BoardError, TicketLink, UpdatedAt } from './manager-common.tsx';

/**
 * 延期审批: pending extension requests, oldest first (the board's shared
 * list); approve or refuse through POST /api/v1/tickets/:id/extension/decision
 * (the server lets only a center manager decide).
 */
export function ExtensionsPage({ user }: { user: User }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = AntApp.useApp();
  const { data, error, refresh } = useBoard(['extensions']);
  const [refusing, setRefusing] = useState<Row | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [form] = Form.useForm<{ note: string }>();

  if (error && !data) return <BoardError error={error} />;
  if (!data) return <Skeleton active />;
  const canDecide = user.role === 'manager' && user.atCenter;

  const decide = async (r: Row, approve: boolean, note?: string): Promise<boolean> => {
    setBusy(r.id);
    setFormError(null);
    try {
      const res = await api<{ ticket: Ticket }>('POST', `/api/v1/tickets/${r.id}/extension/decision`, {
        body: { version: r.version, approve, ...(note?.trim() ? { note: note.trim() } : {}) },
      });
      message.success(t(approve ? 'extApproved' : 'extRefused', { number: r.number }));
      refresh(Date.parse(res.ticket.updatedAt));
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        message.warning(t('changedReloaded', { msg: errorText(err, i18n.lang) }));
        refresh();
        return true;
      }
      if (approve) message.error(errorText(err, i18n.lang));
      else setFormError(errorText(err, i18n.lang));
      return false;
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card title={t('extTitle')} extra={<UpdatedAt at={data.computedAt} />}>
      <Table<Row>
        rowKey="id"
        size="middle"
        dataSource={listOf(data, 'extensions').items}
        pagination={false}
        locale={{ emptyText: t('extEmpty') }}
        data-testid="extensions-table"
        columns={[
          { title: t('number'), dataIndex: 'number', width: 150, render: (v: string, r) => <TicketLink id={r.id}>{v}</TicketLink> },
          { title: t('summary'), key: 'summary', render: (_: unknown, r) => <span className="clip">{r.title ? `${r.title}：${r.summary}` : r.summary}</span> },
          { title: t('leadUnit'), dataIndex: 'unitName', width: 160 },
          {
            title: t('colDays'),
            key: 'days',
            width: 110,
            render: (_: unknown, r) => <Typography.Text strong>{t('daysFmt', { n: r.extensionRequest!.workingDays })}</Typography.Text>,
          },
          { title: t('colReason'), key: 'reason', width: 220, render: (_: unknown, r) => r.extensionRequest!.reason },
          {
            title: t('colApplicant'),
            key: 'by',
            width: 150,
            render: (_: unknown, r) => (
              <span>
                {r.extensionRequest!.by}
                <br />
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {i18n.dateTime(r.extensionRequest!.at)}
                </Typography.Text>
              </span>
            ),
          },
          { title: t('colResolveDue'), dataIndex: 'resolveDueAt', width: 140, render: (v: string | null) => (v ? i18n.dateTime(v) : '-') },
          ...(canDecide
            ? [
                {
                  title: '',
                  key: 'act',
                  width: 160,
                  render: (_: unknown, r: Row) => (
                    <Space>
                      <Popconfirm
                        title={t('approveConfirm', { n: r.extensionRequest!.workingDays })}
                        okText={t('approve')}
                        cancelText={t('cancel')}
                        onConfirm={() => decide(r, true)}
                      >
                        <Button size="small" type="primary" loading={busy === r.id} data-testid={`approve-${r.number}`}>
                          {t('approve')}
                        </Button>
                      </Popconfirm>
                      <Button
                        size="small"
                        onClick={() => {
                          form.resetFields();
                          setFormError(null);
                          setRefusing(r);
                        }}
                        data-testid={`refuse-${r.number}`}
                      >
                        {t('refuse')}
                      </Button>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={!!refusing}
        title={refusing ? t('refuseTitle', { number: refusing.number }) : ''}
        okText={t('refuse')}
        cancelText={t('cancel')}
        okButtonProps={{ loading: !!busy }}
        onOk={() => form.submit()}
        onCancel={() => setRefusing(null)}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          preserve={false}
          onFinish={async (v) => {
            if (refusing && (await decide(refusing, false, v.note))) setRefusing(null);
          }}
        >
          <Form.Item name="note" label={t('refuseNote')} rules={[{ required: true, whitespace: true, message: t('required') }]}>
            <Input.TextArea rows={3} maxLength={1000} showCount autoFocus />
          </Form.Item>
        </Form>
        {formError && <Alert type="error" showIcon message={formError} />}
      </Modal>
    </Card>
  );
}
