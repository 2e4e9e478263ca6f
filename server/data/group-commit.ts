import type { Collection, Document, MongoBulkWriteError } from 'mongodb';

/**
 * Group commit. Each durable write costs FerretDB (SQLite) one transaction;
 * under load that, not the work, is the limit (measured: 700 single
 * inserts/s, 3,500/s in batches of 64). Writes that arrive while a batch is
 * being written wait for the next batch, so an idle service writes at once
 * with no added latency and a busy one writes in batches. Every caller still
 * gets its own result only after its write is durable.
 */
abstract class GroupCommit<P extends { reject: (e: unknown) => void }> {
  private pending: P[] = [];
  private writing = false;

  constructor(private readonly maxBatch: number) {}

  protected enqueue(p: P): void {
    this.pending.push(p);
    if (!this.writing) void this.flush();
  }

  /** Write one batch and settle each of its callers; a throw fails them all. */
  protected abstract write(batch: P[]): Promise<void>;

  private async flush(): Promise<void> {
    this.writing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.maxBatch);
        try {
          await this.write(batch);
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}

/** The server's per-statement errors of a failed bulk write, if it gave any. */
function writeErrorsOf(err: unknown): Map<number, Error> | null {
  const writeErrors = (err as MongoBulkWriteError).writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  // FerretDB reports an empty list when it stopped the command at a failing statement.
  if (list.length === 0) return null;
  return new Map(list.map((we) => [we.index, Object.assign(new Error(we.errmsg ?? 'write error'), { code: we.code })]));
}

interface PendingInsert<T> {
  doc: T;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** Group commit for inserts: one unordered insertMany per batch. */
export class BatchInserter<T extends Document> extends GroupCommit<PendingInsert<T>> {
  constructor(
    private readonly collection: () => Collection<T>,
    maxBatch = 128,
  ) {
    super(maxBatch);
  }

  insert(doc: T): Promise<void> {
    return new Promise((resolve, reject) => this.enqueue({ doc, resolve, reject }));
  }

  protected async write(batch: PendingInsert<T>[]): Promise<void> {
    try {
      await this.collection().insertMany(batch.map((b) => b.doc) as never, { ordered: false });
      for (const b of batch) b.resolve();
    } catch (err) {
      // Unordered: the documents without a write error are stored; fail only the others.
      const failed = writeErrorsOf(err);
      if (!failed) throw err;
      batch.forEach((b, i) => (failed.has(i) ? b.reject(failed.get(i)) : b.resolve()));
    }
  }
}

interface PendingUpdate {
  filter: Document;
  update: Document;
  resolve: (matched: boolean) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit for conditional updates of single documents (each filter names
 * one document by _id and the state it expects): one unordered bulk write per
 * batch. The server reports only how many matched in all; when fewer matched
 * than were sent, `applied` tells each caller whether its own update took effect.
 */
export class BatchUpdater<T extends Document> extends GroupCommit<PendingUpdate> {
  constructor(
    private readonly collection: () => Collection<T>,
    private readonly applied: (ops: readonly { filter: Document; update: Document }[]) => Promise<boolean[]>,
    maxBatch = 64,
  ) {
    super(maxBatch);
  }

  /** Resolves to whether the update matched its document. */
  update(filter: Document, update: Document): Promise<boolean> {
    return new Promise((resolve, reject) => this.enqueue({ filter, update, resolve, reject }));
  }

  protected async write(batch: PendingUpdate[]): Promise<void> {
    let failed = new Map<number, Error>();
    try {
      const res = await this.collection().bulkWrite(
        batch.map((b) => ({ updateOne: { filter: b.filter, update: b.update } })) as never,
        { ordered: false, ignoreUndefined: true },
      );
      if (res.matchedCount === batch.length) return batch.forEach((b) => b.resolve(true));
    } catch (err) {
      const errors = writeErrorsOf(err);
      if (!errors) return this.settleOneByOne(batch);
      failed = errors;
    }
    const ok = batch.filter((_, i) => !failed.has(i));
    const applied = await this.applied(ok);
    ok.forEach((b, i) => b.resolve(applied[i]!));
    for (const [i, e] of failed) batch[i]!.reject(e);
  }

  /**
   * The server failed the command without saying which statement (FerretDB stops at the first error,
   * having applied those before it): keep what was applied, send the rest one at a time.
   */
  private async settleOneByOne(batch: PendingUpdate[]): Promise<void> {
    const applied = await this.applied(batch);
    for (const [i, b] of batch.entries()) {
      if (applied[i]) {
        b.resolve(true);
        continue;
      }
      try {
        const res = await this.collection().updateOne(b.filter as never, b.update as never, { ignoreUndefined: true });
        b.resolve(res.matchedCount > 0);
      } catch (err) {
        b.reject(err);
      }
    }
  }
}
