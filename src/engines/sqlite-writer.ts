// A second thread that does a build's FTS5 inserts, while this one analyses the next papers.
// In a 100,000-paper build the inserts were 7.4 s of the 19.8 s spent indexing, all of it on
// the one thread that also tokenises, stems and encodes; on a machine of two cores they now
// run beside that work.
//
// The worker is given its code as text rather than as a file: lit runs as one bundled file, and
// its tests run the TypeScript sources, and the same text serves both. It loads the driver
// from the path this thread resolved, so it finds the same better-sqlite3 from any folder.
import { Worker } from 'node:worker_threads';

/** One batch of work for the writer, in the order it must be done. */
export type WriterJob =
  | { op: 'exec'; sql: string }
  /** Rows for one prepared statement: `width` parameters a row, flattened. */
  | { op: 'rows'; sql: string; width: number; values: unknown[] }
  /**
   * Rows of an integer and `width - 1` texts, as one text: fields end in US (\x1f). One text
   * crosses to the thread as one copy, where an array of them is cloned string by string (the
   * arrays took 0.9 s of a 100,000-paper build). The texts are index terms: no control characters.
   */
  | { op: 'text-rows'; sql: string; width: number; text: string };

/** The values of a text-rows job (see WriterJob), for a statement of `width` parameters. */
export function textRows(text: string, width: number): unknown[] {
  const v: unknown[] = text.split('\x1f');
  // Each field ends in the separator: the last piece is empty.
  v.pop();
  for (let i = 0; i < v.length; i += width) v[i] = Number(v[i]);
  return v;
}

// What the worker runs. It stops at the first failure: every later job would act on a
// database the main thread is about to give up.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db = null;
let failed = false;
const statements = new Map();
// The same function as this module's (a named expression: a bundler may rename the declaration).
const textRows = ${textRows.toString()};
parentPort.on('message', (m) => {
  if (failed) return;
  try {
    if (m.op === 'close') {
      if (db) db.close();
      db = null;
    } else {
      if (!db) {
        db = new Database(workerData.file, workerData.options);
        for (const p of workerData.pragmas) db.pragma(p);
      }
      if (m.op === 'exec') db.exec(m.sql);
      else {
        let st = statements.get(m.sql);
        if (!st) statements.set(m.sql, (st = db.prepare(m.sql)));
        const v = m.op === 'rows' ? m.values : textRows(m.text, m.width);
        for (let i = 0; i < v.length; i += m.width) st.run(v.slice(i, i + m.width));
      }
    }
    parentPort.postMessage({ id: m.id });
  } catch (e) {
    failed = true;
    parentPort.postMessage({ id: m.id, error: { message: String(e && e.message), code: e && e.code } });
  }
});
`;

// Jobs sent but not yet done before send() waits: enough to keep the writer busy, few enough
// that the texts waiting for it stay a few megabytes.
const IN_FLIGHT = 6;

/** The writing thread of one build: jobs run in order; a failure rejects that job and every later one. */
export class WriterThread {
  private worker: Worker;
  private next = 0;
  private pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;

  /** Opens `file` on a new thread, with these pragmas, through the driver at `driver`. */
  constructor(driver: string, file: string, pragmas: string[], options: Record<string, unknown> = {}) {
    this.worker = new Worker(WORKER, { eval: true, workerData: { driver, file, pragmas, options } });
    this.worker.on('message', (m: { id: number; error?: { message: string; code?: string } }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (!m.error) return p?.resolve();
      this.fail(Object.assign(new Error(m.error.message), { code: m.error.code }));
      p?.reject(this.failure!);
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new Error(`the index writer stopped (exit ${code})`)));
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
  }

  /** Queues a job; waits only while too many are queued. Rejects with the writer's first failure. */
  async send(job: WriterJob): Promise<void> {
    if (this.failure) throw this.failure;
    const done = this.post(job);
    // Handled by whoever awaits the next send() or drain(): a failure is never unhandled.
    done.catch(() => undefined);
    while (this.pending.size > IN_FLIGHT && !this.failure) await this.oldest();
    if (this.failure) throw this.failure;
  }

  /** Waits for every queued job. */
  async drain(): Promise<void> {
    while (this.pending.size && !this.failure) await this.oldest();
    if (this.failure) throw this.failure;
  }

  /** Closes the writer's connection (after every queued job) and ends the thread. */
  async close(): Promise<void> {
    try {
      await this.post({ op: 'close' });
    } finally {
      this.worker.removeAllListeners('exit');
      await this.worker.terminate();
    }
    if (this.failure) throw this.failure;
  }

  /** Ends the thread at once, whatever it was doing: after a failure, before the database is given up. */
  async abort(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  private post(job: WriterJob | { op: 'close' }): Promise<void> {
    const id = this.next++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...job, id });
    });
  }

  /** Settles when the oldest queued job does, whichever way. */
  private oldest(): Promise<void> {
    const [id] = this.pending.keys();
    if (id === undefined) return Promise.resolve();
    const p = this.pending.get(id)!;
    return new Promise<void>((settle) => {
      const { resolve, reject } = p;
      p.resolve = () => (resolve(), settle());
      p.reject = (e) => (reject(e), settle());
    });
  }
}
