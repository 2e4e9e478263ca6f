import type { Collection, Document, MongoBulkWriteError } from 'mongodb';

/**
 * Group commit for inserts. Each durable write costs FerretDB (SQLite) one
 * transaction; under load that, not the work, is the limit (measured: 700
 * single inserts/s, 3,500/s in batches of 64). Inserts that arrive while a
 * batch is being written wait for the next batch, so an idle service writes
 * at once with no added latency and a busy one writes in batches. Every
 * caller still gets its own result only after its document is durable.
 */
export class BatchInserter<T extends Document> {
  private pending: { doc: T; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private writing = false;

  constructor(
    private readonly collection: () => Collection<T>,
    private readonly maxBatch = 128,
  ) {}

  insert(doc: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ doc, resolve, reject });
      if (!this.writing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.maxBatch);
        try {
          await this.collection().insertMany(batch.map((b) => b.doc) as never, { ordered: false });
          for (const b of batch) b.resolve();
        } catch (err) {
          // Unordered: the documents without a write error are stored; fail only the others.
          const failed = new Map<number, unknown>();
          const writeErrors = (err as MongoBulkWriteError).writeErrors;
          const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : null;
          if (!list) {
            for (const b of batch) b.reject(err);
            continue;
          }
          for (const we of list) failed.set(we.index, Object.assign(new Error(we.errmsg ?? 'write error'), { code: we.code }));
          batch.forEach((b, i) => (failed.has(i) ? b.reject(failed.get(i)) : b.resolve()));
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
