import { Tag } from 'antd';
import type { Ticket } from '../api.ts';
import { useI18n } from '../i18n.tsx';

const STATUS_COLOR: Record<string, string> = {
  new: 'default',
  manual: 'orange',
  dispatched: 'blue',
  accepted: 'processing',
  return_requested: 'magenta',
  arbitration: 'magenta',
  replied: 'cyan',
  callback: 'purple',
  closed: 'green',
  merged: 'default',
};
const URGENCY_COLOR: Record<string, string> = { normal: 'default', urgent: 'orange', critical: 'red' };

export function StatusTag({ status }: { status: string }) {
  const i18n = useI18n();
  return (
    <Tag color={STATUS_COLOR[status] ?? 'default'} data-status={status}>
      {i18n.status(status)}
    </Tag>
  );
}

export function UrgencyTag({ urgency }: { urgency: string }) {
  const i18n = useI18n();
  return <Tag color={URGENCY_COLOR[urgency] ?? 'default'}>{i18n.urgency(urgency)}</Tag>;
}

/** The caller as the API shows it to this viewer (full, masked or hidden). */
export function CallerText({ caller }: { caller: Ticket['caller'] }) {
  const { t } = useI18n();
  if (!caller || caller.visibility === 'hidden') return <span style={{ color: '#8c8c8c' }}>{t('hidden')}</span>;
  const text = [caller.name, caller.phone].filter(Boolean).join(' ');
  return (
    <span>
      {text || '-'}
      {caller.visibility === 'masked' && <span style={{ color: '#8c8c8c' }}> {t('masked')}</span>}
    </span>
  );
}
