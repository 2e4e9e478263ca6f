import type { TicketRecord } from './ticket.ts';

/**
 * 并单 and 重复件: is a new request the same matter as an earlier ticket?
 * Pure functions over plain data; the caller supplies the candidates.
 *
 * Text similarity is the overlap of the two texts' Han bigram sets (the
 * ticket's searchTokens) relative to the shorter one: robust for Chinese
 * without word boundaries, and fair to a short repeat of a long first report
 * (Jaccard would punish the length difference). Very short texts (under 6
 * bigrams) are not compared: they match too much.
 */
export function similarity(a: readonly string[], b: readonly string[]): number {
  const [x, y] = [new Set(a), new Set(b)];
  const [small, large] = x.size <= y.size ? [x, y] : [y, x];
  if (small.size < 6) return 0;
  let shared = 0;
  for (const t of small) if (large.has(t)) shared++;
  return shared / small.size;
}

/** At or above this similarity (and in the same area) two requests are treated as the same matter. */
export const SAME_MATTER_AT = 0.5;

export type Candidate = Pick<TicketRecord, '_id' | 'number' | 'status' | 'content' | 'searchTokens' | 'createdAt' | 'caller' | 'location'> &
  Partial<Pick<TicketRecord, 'repeatCount' | 'reply' | 'callback'>>;

export interface Match {
  ticketId: string;
  number: string;
  status: string;
  reasons: ('same_phone' | 'similar_text')[];
  score: number;
}

/** Rank candidates for a new request: same caller, or similar text in the same area. */
export function matchCandidates(
  req: { phone: string; tokens: readonly string[]; areaCode?: string; address?: string },
  candidates: readonly Candidate[],
): Match[] {
  const out: Match[] = [];
  for (const c of candidates) {
    const reasons: Match['reasons'] = [];
    const score = similarity(req.tokens, c.searchTokens ?? []);
    if (c.caller?.phone === req.phone) reasons.push('same_phone');
    const sameArea =
      (req.areaCode && c.location?.areaCode && (req.areaCode.startsWith(c.location.areaCode) || c.location.areaCode.startsWith(req.areaCode))) ||
      (req.address && c.location?.address && (req.address.includes(c.location.address) || c.location.address.includes(req.address)));
    if (score >= SAME_MATTER_AT && (sameArea || !req.areaCode)) reasons.push('similar_text');
    if (reasons.length) out.push({ ticketId: c._id.toHexString(), number: c.number, status: c.status, reasons, score: Math.round(score * 1000) / 1000 });
  }
  return out.sort((a, b) => b.reasons.length - a.reasons.length || b.score - a.score);
}

/** A closed ticket whose matter was not resolved: the citizen's callback said so, or the unit replied 未解决. */
export function closedUnresolved(c: Partial<Pick<TicketRecord, 'status' | 'callback' | 'reply'>>): boolean {
  return c.status === 'closed' && (c.callback?.resolved === false || c.reply?.result === 'unresolved');
}

/**
 * Repeat escalation (domain.md §9): the second time the same unresolved issue
 * comes back the unit must explain the cause and who is responsible; the third
 * time the supervision office takes it over.
 */
export const EXPLAIN_FROM_REPEAT = 2;
export const SUPERVISION_FROM_REPEAT = 3;
