import { useState } from 'react';
import { Alert, Button, Form, Input, Modal, Popconfirm, Skeleton, Space, Typography } from 'antd';
import type { User } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { QueueCard, TicketLink, useTicketAction } from './common.tsx';
import { listOf, useBoard, type Row } from './board-data.ts';
import { BoardError, UpdatedAt } from './manager-common.tsx';

/**
 * 延期审批: pending extension requests, oldest first (the board's shared
 * list); approve or refuse through POST /api/v1/tickets/:id/extension/decision
 * (the server lets only a center manager decide).
 */
export function ExtensionsPage({ user }: { user: User }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { data, error, refresh } = useBoard(['extensions']);
  const [refusing, setRefusing] = useState<Row | null>(null);
  const { run, busy, formError, clearFormError } = useTicketAction({
    reload: (res) => refresh(res && Date.parse(res.ticket.updatedAt)),
    conflictText: 'changedReloaded',
  });
  const [form] = Form.useForm<{ note: string }>();

  if (error && !data) return <BoardError error={error} />;
  if (!data) return <Skeleton active />;
  const canDecide = user.role === 'manager' && user.atCenter;

  // Approving happens in a popconfirm, so its error is a message; refusing has a form to show it in.
  const decide = (r: Row, approve: boolean, note?: string): Promise<boolean> =>
    run(r, 'extension/decision', { approve, ...(note?.trim() ? { note: note.trim() } : {}) }, {
      success: () => t(approve ? 'extApproved' : 'extRefused', { number: r.number }),
      errorIn: approve ? 'message' : 'form',
    });

  return (
    <QueueCard<Row>
      title={t('extTitle')}
      extra={<UpdatedAt at={data.computedAt} />}
      rows={listOf(data, 'extensions').items}
      emptyText={t('extEmpty')}
      tableTestId="extensions-table"
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
                        clearFormError();
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
    >
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
    </QueueCard>
  );
}
