import { Result, Tag, Typography } from 'antd';
import { ApiError, errorText } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { LEVEL_COLORS, LEVEL_KEYS, type OverdueLevel } from './board-data.ts';

/** A 403 from the board API (or a page a role may not open) and any other load error. */
export function BoardError({ error }: { error: unknown }) {
  const i18n = useI18n();
  if (error instanceof ApiError && error.status === 403) {
    return <Result status="403" title={i18n.t('managersOnly')} data-testid="board-forbidden" />;
  }
  return <Result status="error" title={errorText(error, i18n.lang)} />;
}

export function ManagersOnly() {
  const { t } = useI18n();
  return <Result status="403" title={t('managersOnly')} data-testid="board-forbidden" />;
}

export function LevelTag({ level }: { level: OverdueLevel | null }) {
  const { t } = useI18n();
  if (!level) return null;
  return (
    <Tag color={LEVEL_COLORS[level]} data-level={level}>
      {t(LEVEL_KEYS[level])}
    </Tag>
  );
}

/** "数据更新于 10:32:05": the instant the shared snapshot was read from the store. */
export function UpdatedAt({ at, live = true }: { at: string | undefined; live?: boolean }) {
  const i18n = useI18n();
  if (!at) return null;
  const time = new Intl.DateTimeFormat(i18n.lang === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(new Date(at));
  return (
    <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="board-updated">
      {i18n.t('boardUpdated', { time })}
      {live && ` · ${i18n.t('boardLiveHint')}`}
    </Typography.Text>
  );
}
