import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { App as AntApp, Badge, Button, Card, Table, Tag, type TableProps } from 'antd';
import { api, ApiError, errorText, type Ticket, type Unit } from '../api.ts';
import { useI18n, type MessageKey } from '../i18n.tsx';
import { navigate } from '../router.ts';

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

/** What a ticket action answers: the ticket as it now stands. */
export interface TicketActionResult {
  ticket: Ticket;
}

/**
 * A ticket action from a queue page (派单, 回访, 督办, 仲裁, 延期审批), done one
 * way on every page. The command carries the version of the ticket the user
 * saw, so when someone else changed the ticket meanwhile the server answers
 * 409: the page then warns, reloads the list and lets the user look again
 * rather than retrying blind. Any other error is shown (as a message, or in
 * the open form); success shows the page's message and reloads.
 */
export function useTicketAction(opts: {
  /** Reload the list: with the server's answer after success, without one after a conflict. */
  reload: (res?: TicketActionResult) => void;
  /** The conflict warning: 'conflict' is the fixed text, 'changedReloaded' quotes the server's message. */
  conflictText: Extract<MessageKey, 'conflict' | 'changedReloaded'>;
  /** Only a 409 with this code is a conflict (any other 409 is an error to show); every 409 when not set. */
  conflictCode?: string;
}) {
  const i18n = useI18n();
  const { message } = AntApp.useApp();
  const [busy, setBusy] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);

  /**
   * POST `command` (the path under the ticket, e.g. 'actions/dispatch') with the ticket's version.
   * Resolves true when the dialog may close: the action was done, or the ticket changed and the list was reloaded.
   */
  const run = async (
    ticket: { id: string; version: number },
    command: string,
    body: Record<string, unknown>,
    how: { success: (res: TicketActionResult) => string; errorIn?: 'message' | 'form' },
  ): Promise<boolean> => {
    setBusy(ticket.id);
    setFormError(null);
    try {
      const res = await api<TicketActionResult>('POST', `/api/v1/tickets/${ticket.id}/${command}`, { body: { version: ticket.version, ...body } });
      message.success(how.success(res));
      opts.reload(res);
      return true;
    } catch (err) {
      const text = errorText(err, i18n.lang);
      if (err instanceof ApiError && err.status === 409 && (opts.conflictCode === undefined || err.code === opts.conflictCode)) {
        message.warning(i18n.t(opts.conflictText, { msg: text }));
        opts.reload();
        return true;
      }
      if (how.errorIn === 'form') setFormError(text);
      else message.error(text);
      return false;
    } finally {
      setBusy(null);
    }
  };

  /** `busy`: the id of the ticket whose action is under way; `formError`: the last error shown in the form. */
  return { run, busy, formError, clearFormError: () => setFormError(null) };
}

/**
 * A queue page's card: the title (with, on the live queues, a badge counting
 * the rows), what the page shows above the table, the table, and the page's
 * dialogs as children.
 */
export function QueueCard<T extends { id: string }>(props: {
  title: string;
  /** The badge's colour while the queue is not empty, and its test id; no badge when not set. */
  countBadge?: { color: string; testId: string };
  extra?: ReactNode;
  above?: ReactNode;
  rows: T[];
  columns: NonNullable<TableProps<T>['columns']>;
  emptyText: string;
  tableTestId: string;
  loading?: boolean;
  pagination?: TableProps<T>['pagination'];
  rowClassName?: TableProps<T>['rowClassName'];
  children?: ReactNode;
}) {
  const { countBadge: badge, rows } = props;
  return (
    <Card
      title={
        badge ? (
          <span>
            {props.title} <Badge count={rows.length} showZero color={rows.length ? badge.color : '#bfbfbf'} data-testid={badge.testId} />
          </span>
        ) : (
          props.title
        )
      }
      extra={props.extra}
    >
      {props.above}
      <Table<T>
        rowKey="id"
        size="middle"
        loading={props.loading}
        dataSource={rows}
        pagination={props.pagination ?? false}
        locale={{ emptyText: props.emptyText }}
        rowClassName={props.rowClassName}
        data-testid={props.tableTestId}
        columns={props.columns}
      />
      {props.children}
    </Card>
  );
}

/** A ticket number that opens the ticket in the console (a real link: middle-click opens a tab). */
export function TicketLink({ id, children }: { id: string; children: ReactNode }) {
  return (
    <a
      href={`/tickets/${id}`}
      onClick={(e) => {
        e.preventDefault();
        navigate(`/tickets/${id}`);
      }}
    >
      {children}
    </a>
  );
}

/**
 * The last column of a queue whose rows a user may act on: one button per row
 * (test id `<testId>-<number>`); no column for users who may not.
 */
export function rowActionColumn<T extends { number: string }>(
  allowed: boolean,
  opts: { label: string; testId: string; danger?: boolean; onClick: (row: T) => void },
) {
  if (!allowed) return [];
  return [
    {
      title: '',
      key: 'act',
      width: 80,
      render: (_: unknown, r: T) => (
        <Button size="small" type="primary" danger={opts.danger} onClick={() => opts.onClick(r)} data-testid={`${opts.testId}-${r.number}`}>
          {opts.label}
        </Button>
      ),
    },
  ];
}

const UNIT_KIND_ORDER: Record<string, number> = { district: 0, street: 1, department: 2, enterprise: 3 };

/** The units a ticket can be sent to, as select options: districts, streets, departments, enterprises, each by name. */
export function useUnitOptions(): { units: Unit[]; options: { value: string; label: string }[] } {
  const [units, setUnits] = useState<Unit[]>([]);
  useEffect(() => {
    api<{ items: Unit[] }>('GET', '/api/v1/units')
      .then((r) => setUnits(r.items.filter((u) => u.kind !== 'center')))
      .catch(() => undefined);
  }, []);
  const options = useMemo(
    () =>
      [...units]
        .sort((a, b) => (UNIT_KIND_ORDER[a.kind] ?? 9) - (UNIT_KIND_ORDER[b.kind] ?? 9) || a.name.localeCompare(b.name, 'zh-CN'))
        .map((u) => ({ value: u._id, label: u.name })),
    [units],
  );
  return { units, options };
}
