import { useEffect, useRef, useState } from 'react';
import { Button, Card, Empty, Space, Tag, Typography } from 'antd';
import './operator.css';
import { api } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { navigate } from '../router.ts';
import { StatusTag } from './common.tsx';

/**
 * What the call form looks up while the operator types: knowledge-base
 * answers for the request, and open tickets the call may repeat (并单).
 * Both are hints: the form works without them, and a slow answer for older
 * text never replaces a newer one.
 */
export interface KnowledgeHit {
  id: string;
  title: string;
  answer: string;
  source: string | null;
  keywords: string[];
  score: number;
  matched: string[];
}

export interface DuplicateHit {
  ticketId: string;
  number: string;
  status: string;
  reasons: ('same_phone' | 'similar_text')[];
  score: number;
  content: string;
  createdAt: string;
}

const PHONE = /^\+?\d[\d-]{6,19}$/;

/** Fetch `url` (null: nothing to ask) after the input has rested `delayMs`; only the latest answer counts. */
function useDebouncedQuery<T>(url: string | null, delayMs: number): T | null {
  const [data, setData] = useState<T | null>(null);
  const seq = useRef(0);
  useEffect(() => {
    const my = ++seq.current;
    // Nothing to ask (a new call): forget the last answer, so the previous caller's hits never show.
    if (!url) {
      setData(null);
      return;
    }
    const timer = setTimeout(() => {
      api<T>('GET', url)
        .then((r) => my === seq.current && setData(r))
        .catch(() => undefined); // a hint: the form works without it
    }, delayMs);
    return () => clearTimeout(timer);
  }, [url, delayMs]);
  return data;
}

/** Knowledge-base answers for what the caller asks; one click puts an answer into the direct answer. */
export function KnowledgePanel({ content, onUse }: { content: string; onUse: (hit: KnowledgeHit) => void }) {
  const { t } = useI18n();
  const text = content.trim();
  const url = text.length >= 2 ? `/api/v1/knowledge/search?limit=4&q=${encodeURIComponent(text.slice(0, 2000))}` : null;
  const data = useDebouncedQuery<{ items: KnowledgeHit[] }>(url, 350);
  const items = url ? (data?.items ?? []) : [];

  return (
    <Card title={t('kbTitle')} size="small" data-testid="kb-panel" style={{ marginBottom: 12 }}>
      {!url || !data ? (
        <Typography.Text type="secondary">{t('kbHint')}</Typography.Text>
      ) : items.length === 0 ? (
        <Typography.Text type="secondary">{t('kbNone')}</Typography.Text>
      ) : (
        items.map((k) => (
          <div key={k.id} className="assist-item" data-testid="kb-hit">
            <div className="assist-head">
              <Typography.Text strong>{k.title}</Typography.Text>
              <Button size="small" type="primary" ghost onClick={() => onUse(k)} data-testid="kb-use">
                {t('kbUse')}
              </Button>
            </div>
            <div className="clip3 assist-body">{k.answer}</div>
            <Space size={4} wrap className="assist-meta">
              {k.source && <Tag>{k.source}</Tag>}
              <span>{t('kbMatched', { words: k.matched.slice(0, 4).join('、') })}</span>
            </Space>
          </div>
        ))
      )}
    </Card>
  );
}

/** Open tickets this call may repeat: same caller, or similar text in the same place; 并入 merges the call into one. */
export function DuplicatePanel({
  phone,
  content,
  address,
  onMerge,
  disabled,
}: {
  phone: string;
  content: string;
  address: string;
  onMerge: (hit: DuplicateHit) => void;
  disabled: boolean;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const p = new URLSearchParams();
  if (PHONE.test(phone.trim())) p.set('phone', phone.trim());
  // Under six Han bigrams the server does not compare texts: no need to ask for text alone.
  if (content.trim().length >= 6) p.set('content', content.trim().slice(0, 2000));
  if (address.trim() && p.has('content')) p.set('address', address.trim().slice(0, 200));
  const url = p.has('phone') || p.has('content') ? `/api/v1/tickets/duplicates?${p.toString()}` : null;
  const data = useDebouncedQuery<{ items: DuplicateHit[] }>(url, 400);
  const items = url ? (data?.items ?? []).slice(0, 5) : [];

  return (
    <Card title={t('dupTitle')} size="small" data-testid="dup-panel" style={{ marginBottom: 12 }}>
      {!url || !data ? (
        <Typography.Text type="secondary">{t('dupHint')}</Typography.Text>
      ) : items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dupNone')} style={{ margin: '4px 0' }} />
      ) : (
        items.map((d) => (
          <div key={d.ticketId} className="assist-item" data-testid="dup-hit">
            <div className="assist-head">
              <Space size={6} wrap>
                <a
                  href={`/tickets/${d.ticketId}`}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(`/tickets/${d.ticketId}`);
                  }}
                >
                  {d.number}
                </a>
                <StatusTag status={d.status} />
              </Space>
              <Button size="small" disabled={disabled} onClick={() => onMerge(d)} data-testid={`merge-${d.number}`}>
                {t('mergeInto')}
              </Button>
            </div>
            <div className="clip assist-body">{d.content}</div>
            <Space size={4} wrap className="assist-meta">
              {d.reasons.includes('same_phone') && <Tag color="blue">{t('dupSamePhone')}</Tag>}
              {d.reasons.includes('similar_text') && <Tag color="orange">{t('dupSimilar', { pct: Math.round(d.score * 100) })}</Tag>}
              <span>{i18n.dateTime(d.createdAt)}</span>
            </Space>
          </div>
        ))
      )}
    </Card>
  );
}
