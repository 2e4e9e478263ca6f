import { useState } from 'react';
import { Alert, Form, Input, Modal, Select, Skeleton, Typography } from 'antd';
import type { User } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { QueueCard, rowActionColumn, TicketLink, useTicketAction, useUnitOptions } from './common.tsx';
import { listOf, useBoard, type Row } from './board-data.ts';
import { BoardError, UpdatedAt } from './manager-common.tsx';

/**
 * 派单仲裁: tickets returned too often wait for a manager to name the lead
 * unit (POST …/actions/arbitrate); oldest first, from the board's shared list.
 */
export function ArbitrationPage({ user }: { user: User }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { data, error, refresh } = useBoard(['arbitration']);
  const { options } = useUnitOptions();
  const [target, setTarget] = useState<Row | null>(null);
  const { run, busy, formError, clearFormError } = useTicketAction({
    reload: (res) => refresh(res && Date.parse(res.ticket.updatedAt)),
    conflictText: 'changedReloaded',
    // Only a stale version is a conflict here: another 409 (e.g. the lead unit also named as co-handling) belongs in the form.
    conflictCode: 'version_conflict',
  });
  const [form] = Form.useForm<{ leadUnitId: string; coUnitIds?: string[]; reason: string }>();

  if (error && !data) return <BoardError error={error} />;
  if (!data) return <Skeleton active />;
  // COMMAND_ROLES.arbitrate: managers and admins (a unit's manager never sees a ticket no unit holds).
  const canDecide = user.role === 'manager' || user.role === 'admin';

  const arbitrate = async (v: { leadUnitId: string; coUnitIds?: string[]; reason: string }) => {
    if (!target) return;
    const done = await run(
      target,
      'actions/arbitrate',
      { leadUnitId: v.leadUnitId, ...(v.coUnitIds?.length ? { coUnitIds: v.coUnitIds } : {}), reason: v.reason.trim() },
      { success: (res) => t('arbDone', { number: target.number, unit: res.ticket.lead?.unitName ?? v.leadUnitId }), errorIn: 'form' },
    );
    if (done) setTarget(null);
  };

  return (
    <QueueCard<Row>
      title={t('arbTitle')}
      extra={<UpdatedAt at={data.computedAt} />}
      above={<Typography.Paragraph type="secondary">{t('arbHint')}</Typography.Paragraph>}
      rows={listOf(data, 'arbitration').items}
      emptyText={t('arbEmpty')}
      tableTestId="arbitration-table"
      columns={[
        { title: t('number'), dataIndex: 'number', width: 150, render: (v: string, r) => <TicketLink id={r.id}>{v}</TicketLink> },
        { title: t('summary'), key: 'summary', render: (_: unknown, r) => <span className="clip">{r.title ? `${r.title}：${r.summary}` : r.summary}</span> },
        { title: t('colReturns'), dataIndex: 'returnCount', width: 100, render: (n: number) => <Typography.Text strong style={{ color: '#722ed1' }}>{t('returnsFmt', { n })}</Typography.Text> },
        { title: t('createdAt'), dataIndex: 'createdAt', width: 150, render: (v: string) => i18n.dateTime(v) },
        ...rowActionColumn<Row>(canDecide, {
          label: t('actArbitrate'),
          testId: 'arbitrate',
          onClick: (r) => {
            form.resetFields();
            clearFormError();
            setTarget(r);
          },
        }),
      ]}
    >
      <Modal
        open={!!target}
        title={target ? t('arbModal', { number: target.number }) : ''}
        okText={t('actArbitrate')}
        cancelText={t('cancel')}
        okButtonProps={{ loading: !!busy }}
        onOk={() => form.submit()}
        onCancel={() => setTarget(null)}
        destroyOnHidden
      >
        {target && <Typography.Paragraph className="clip">{target.summary}</Typography.Paragraph>}
        <Form form={form} layout="vertical" preserve={false} onFinish={(v) => void arbitrate(v)}>
          <Form.Item name="leadUnitId" label={t('arbLead')} rules={[{ required: true, message: t('chooseUnit') }]}>
            <Select showSearch={{ optionFilterProp: 'label' }} options={options} placeholder={t('chooseUnit')} getPopupContainer={(n: HTMLElement) => n.parentElement ?? document.body} />
          </Form.Item>
          <Form.Item name="coUnitIds" label={t('arbCo')}>
            <Select mode="multiple" showSearch={{ optionFilterProp: 'label' }} options={options} getPopupContainer={(n: HTMLElement) => n.parentElement ?? document.body} />
          </Form.Item>
          <Form.Item name="reason" label={t('arbReason')} rules={[{ required: true, whitespace: true, message: t('required') }]}>
            <Input.TextArea rows={3} maxLength={500} showCount />
          </Form.Item>
        </Form>
        {formError && <Alert type="error" showIcon message={formError} />}
      </Modal>
    </QueueCard>
  );
}
