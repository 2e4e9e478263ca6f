import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { buildKnowledgeIndex, rankKnowledge, type KnowledgeIndex } from '../domain/knowledge.ts';
import { KnowledgeEntry, KnowledgeMeta, type KnowledgeRecord } from '../data/models/index.ts';
import type { Actor } from '../domain/ticket.ts';
import { NotFoundError } from '../errors.ts';

/**
 * The knowledge base: admins' edits, and the search operators run while a
 * call is typed. The search index lives in each server process and is
 * rebuilt when the stored revision differs from the one it was built from,
 * so an edit on one node is searched on every node at the next request.
 */
export interface KnowledgeInput {
  title: string;
  keywords: string[];
  answer: string;
  source?: string | undefined;
  active: boolean;
}

/** A fresh random revision: no counter, so no read-modify-write (FerretDB updates are not isolated). */
async function touch(): Promise<void> {
  await KnowledgeMeta.updateOne({ _id: 'knowledge' }, { $set: { revision: randomUUID(), at: new Date() } }, { upsert: true });
}

export function entryView(e: KnowledgeRecord) {
  return {
    id: e._id.toHexString(),
    title: e.title,
    keywords: e.keywords ?? [],
    answer: e.answer,
    source: e.source ?? null,
    active: e.active !== false,
    updatedBy: e.updatedBy ?? null,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}
export type KnowledgeView = ReturnType<typeof entryView>;

const byWho = (by: Actor) => ({ id: by.id, name: by.name });

export async function listEntries(opts: { activeOnly?: boolean } = {}): Promise<KnowledgeView[]> {
  const rows = await KnowledgeEntry.find(opts.activeOnly ? { active: true } : {}).sort({ updatedAt: -1, _id: -1 }).lean<KnowledgeRecord[]>();
  return rows.map(entryView);
}

export async function getEntry(id: string): Promise<KnowledgeView> {
  const e = await KnowledgeEntry.findById(id).lean<KnowledgeRecord>();
  if (!e) throw new NotFoundError('知识库条目');
  return entryView(e);
}

export async function createEntry(input: KnowledgeInput, by: Actor): Promise<KnowledgeView> {
  const now = new Date();
  const doc = { _id: new Types.ObjectId(), ...clean(input), updatedBy: byWho(by), createdAt: now, updatedAt: now };
  await KnowledgeEntry.collection.insertOne(doc);
  await touch();
  return entryView(doc as KnowledgeRecord);
}

/** Replace an entry's content. Last write wins: two admins editing one answer at once is rare, and both edits stay in updatedAt order. */
export async function updateEntry(id: string, input: KnowledgeInput, by: Actor): Promise<KnowledgeView> {
  const e = await KnowledgeEntry.findByIdAndUpdate(
    id,
    { $set: { ...clean(input), updatedBy: byWho(by) }, ...(input.source ? {} : { $unset: { source: 1 } }) },
    { returnDocument: 'after' },
  ).lean<KnowledgeRecord>();
  if (!e) throw new NotFoundError('知识库条目');
  await touch();
  return entryView(e);
}

export async function deleteEntry(id: string): Promise<void> {
  const res = await KnowledgeEntry.deleteOne({ _id: id });
  if (!res.deletedCount) throw new NotFoundError('知识库条目');
  await touch();
}

function clean(input: KnowledgeInput) {
  const keywords = [...new Set(input.keywords.map((k) => k.trim()).filter(Boolean))];
  return { title: input.title, keywords, answer: input.answer, ...(input.source ? { source: input.source } : {}), active: input.active };
}

let cached: { revision: string | null; index: KnowledgeIndex; byId: Map<string, KnowledgeView> } | null = null;

async function currentIndex(): Promise<NonNullable<typeof cached>> {
  const meta = await KnowledgeMeta.findById('knowledge').lean<{ revision?: string }>();
  const revision = meta?.revision ?? null;
  if (cached && cached.revision === revision) return cached;
  const entries = await listEntries({ activeOnly: true });
  const index = buildKnowledgeIndex(entries.map((e) => ({ id: e.id, title: e.title, keywords: e.keywords, answer: e.answer })));
  cached = { revision, index, byId: new Map(entries.map((e) => [e.id, e])) };
  return cached;
}

/** Active entries that answer what the caller says, best first, with the words that matched. */
export async function searchKnowledge(text: string, limit: number): Promise<(KnowledgeView & { score: number; matched: string[] })[]> {
  const { index, byId } = await currentIndex();
  return rankKnowledge(index, text, limit).map((h) => ({ ...byId.get(h.id)!, score: h.score, matched: h.matched }));
}

/** Demo and first-run entries (scripts/seed): inserted as they are, one revision stamp for all. */
export async function insertEntries(items: Omit<KnowledgeInput, 'active'>[], by: Actor | null): Promise<number> {
  if (!items.length) return 0;
  const now = new Date();
  await KnowledgeEntry.collection.insertMany(
    items.map((i) => ({ _id: new Types.ObjectId(), ...clean({ ...i, active: true }), ...(by ? { updatedBy: byWho(by) } : {}), createdAt: now, updatedAt: now })),
    { ordered: false },
  );
  await touch();
  return items.length;
}
