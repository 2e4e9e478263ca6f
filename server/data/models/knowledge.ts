import { Schema, model, type Types } from 'mongoose';

/**
 * Knowledge base entries (知识库): the answers operators give on the spot
 * for consultations (直接答复). Admins edit them; every edit stamps a new
 * revision in `knowledge_meta`, so each server process re-reads the entries
 * (and rebuilds its search index) only when they changed — one lookup by _id,
 * the only lookup FerretDB answers from an index.
 */
export interface KnowledgeRecord {
  _id: Types.ObjectId;
  /** The standard question (标准问题), as a caller would ask it. */
  title: string;
  /** Words and synonyms that should find the entry (户口 for 户籍). */
  keywords: string[];
  /** What the operator says and records as the direct answer (答复口径). */
  answer: string;
  /** Who the answer comes from (市人社局 …), so the operator can name it. */
  source?: string;
  /** Inactive entries stay for the record but are never offered. */
  active: boolean;
  updatedBy?: { id: string; name: string };
  createdAt: Date;
  updatedAt: Date;
}

const knowledgeSchema = new Schema<KnowledgeRecord>(
  {
    title: { type: String, required: true },
    keywords: { type: [String], default: [] },
    answer: { type: String, required: true },
    source: String,
    active: { type: Boolean, default: true },
    updatedBy: { type: new Schema({ id: String, name: String }, { _id: false }), default: undefined },
  },
  { timestamps: true, versionKey: false, collection: 'knowledge' },
);
export const KnowledgeEntry = model('KnowledgeEntry', knowledgeSchema);

const knowledgeMetaSchema = new Schema({ _id: String, revision: String, at: Date }, { versionKey: false, collection: 'knowledge_meta' });
export const KnowledgeMeta = model('KnowledgeMeta', knowledgeMetaSchema);
