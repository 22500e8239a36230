// A second thread that does a build's writing: what each file gave (deflated there), the FTS5
// inserts and the paper blocks, while this one reads, analyses and encodes. In a 100,000-paper
// build the inserts were 7.4 s of the 19.8 s spent indexing, all of it on the one thread that
// also tokenises, stems and encodes; on a machine of two cores they now run beside that work.
//
// Jobs are sent without waiting, and the sender blocks only while too many are queued (a count
// shared with the worker): files are read and parsed synchronously, and their rows are sent as
// each file is parsed, with no turn of the event loop between.
//
// The worker is given its code as text rather than as a file: lit runs as one bundled file, and
// its tests run the TypeScript sources, and the same text serves both. It loads the driver
// from the path this thread resolved, so it finds the same better-sqlite3 from any folder.
import type BetterSqlite3 from 'better-sqlite3';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { deflateSync, type ZlibOptions } from 'node:zlib';

/** One job for the writer, done in the order sent. */
export type WriterJob =
  | { op: 'exec'; sql: string }
  /**
   * Rows for one prepared statement: `width` parameters a row, flattened. The texts in column
   * `deflate` (if given) are stored deflated, with the writer's deflate options.
   */
  | { op: 'rows'; sql: string; width: number; values: unknown[]; deflate?: number }
  /**
   * Rows of an integer and `width - 1` texts, as one text: fields end in US (\x1f), and the texts
   * are index terms, with no control characters. A slice of 250 papers crosses to the thread as
   * one string, not 1,500. (In one profile each of a 100,000-paper build, posting took 0.9 s as
   * arrays and 1.2 s as text, in a run slower throughout: no gain either way was shown.)
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

/** What runJob needs of a connection: better-sqlite3's, on either thread. */
interface JobDb {
  exec(sql: string): unknown;
  prepare(sql: string): { run(params: unknown[]): unknown };
}

/**
 * Does one job on a connection: the one function that both the writer thread (given its text)
 * and this thread run. What it uses comes in as arguments: a bundler may rename what it names.
 */
export function runJob(db: JobDb, statements: Map<string, { run(params: unknown[]): unknown }>, job: WriterJob, rowsOf: typeof textRows, deflate: (text: string) => unknown): void {
  if (job.op === 'exec') {
    db.exec(job.sql);
    return;
  }
  let st = statements.get(job.sql);
  if (!st) statements.set(job.sql, (st = db.prepare(job.sql)));
  const v = job.op === 'rows' ? job.values : rowsOf(job.text, job.width);
  const d = job.op === 'rows' ? job.deflate : undefined;
  for (let i = 0; i < v.length; i += job.width) {
    const row = v.slice(i, i + job.width);
    if (d !== undefined) row[d] = deflate(row[d] as string);
    st.run(row);
  }
}

// The shared counts: jobs done, and 1 once a job failed.
const DONE = 0;
const FAILED = 1;

// What the worker runs. After a failure it only counts the jobs it is sent: every one of them
// would act on a database the main thread is about to give up.
const WORKER = `
const { workerData } = require('node:worker_threads');
const { deflateSync } = require('node:zlib');
const Database = require(workerData.driver);
const { port, counts } = workerData;
let db = null;
const statements = new Map();
// The same functions as this module's (named expressions: a bundler may rename the declarations).
const textRows = ${textRows.toString()};
const runJob = ${runJob.toString()};
const deflate = (text) => deflateSync(text, workerData.deflate);
const run = (m) => {
  if (m.op === 'close') {
    if (db) db.close();
    db = null;
    return;
  }
  if (!db) {
    db = new Database(workerData.file, workerData.options);
    for (const p of workerData.pragmas) db.pragma(p);
  }
  runJob(db, statements, m, textRows, deflate);
};
port.on('message', (m) => {
  if (!Atomics.load(counts, ${FAILED})) {
    try {
      run(m);
    } catch (e) {
      port.postMessage({ message: String(e && e.message), code: e && e.code });
      Atomics.store(counts, ${FAILED}, 1);
    }
  }
  Atomics.add(counts, ${DONE}, 1);
  Atomics.notify(counts, ${DONE});
  if (m.op === 'close') port.close();
});
`;

// Jobs sent but not yet done before send() blocks: enough to keep the writer busy, few enough
// that what waits for it stays some tens of megabytes.
const IN_FLIGHT = 8;

/** The writing thread of one build. A failure makes that job's send, or a later one, throw. */
export class WriterThread {
  private worker: Worker;
  private port: MessagePort;
  private counts = new Int32Array(new SharedArrayBuffer(8));
  private sent = 0;
  private failure: Error | null = null;

  /** Opens `file` on a new thread, with these pragmas, through the driver at `driver` (given these options); deflates with `deflate`. */
  constructor(driver: string, file: string, pragmas: string[], options: Record<string, unknown> = {}, deflate: ZlibOptions = {}) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER, { eval: true, workerData: { driver, file, pragmas, options, deflate, port: port2, counts: this.counts }, transferList: [port2] });
    // A worker that cannot start (or dies) does no more jobs: the wait below must not be endless.
    this.worker.on('error', (e) => this.stop(e));
    this.worker.on('exit', (code) => this.stop(new Error(`the index writer stopped (exit ${code})`)));
  }

  /** Queues a job, blocking while too many are queued; throws the writer's failure, if any. */
  send(job: WriterJob): void {
    this.post(job);
  }

  /** Blocks until every job sent is done; throws the writer's failure, if any. */
  drain(): void {
    this.wait(0);
  }

  /** Closes the writer's connection after every job, and lets the thread end. */
  close(): void {
    this.post({ op: 'close' });
    this.drain();
    this.worker.removeAllListeners('exit');
    this.worker.unref();
  }

  /**
   * Ends the thread, whatever it was doing: after a failure, before the database is given up.
   * It does nothing more once a job failed, so the database may go before the thread has ended.
   */
  abort(): void {
    this.worker.removeAllListeners('exit');
    this.worker.unref();
    this.port.close();
    void this.worker.terminate();
  }

  private post(job: WriterJob | { op: 'close' }): void {
    this.check();
    this.port.postMessage(job);
    this.sent++;
    this.wait(IN_FLIGHT);
  }

  private wait(queued: number): void {
    for (;;) {
      const done = Atomics.load(this.counts, DONE);
      if (this.sent - done <= queued || Atomics.load(this.counts, FAILED) || this.failure) break;
      // A second at a time: an 'exit' of the worker is seen only between waits.
      if (Atomics.wait(this.counts, DONE, done, 1000) === 'timed-out') this.checkAlive();
    }
    this.check();
  }

  private checkAlive(): void {
    // The worker's own events cannot run while this thread blocks; its thread id is -1 once it has exited.
    if (this.worker.threadId === -1) this.stop(new Error('the index writer stopped'));
  }

  private check(): void {
    if (Atomics.load(this.counts, FAILED) && !this.failure) {
      const m = receiveMessageOnPort(this.port)?.message as { message: string; code?: string } | undefined;
      this.failure = Object.assign(new Error(m?.message ?? 'the index writer failed'), { code: m?.code });
    }
    if (this.failure) throw this.failure;
  }

  private stop(e: Error): void {
    this.failure ??= e;
  }
}

/** What a build's rows are written through: a thread of their own (WriterThread), or this one. */
export interface RowWriter {
  /** Does a job, or queues it for the writer thread (throwing a failure of the thread's as soon as it is seen). */
  send(job: WriterJob): void;
  /** Ends writing, every job done. */
  close(): void;
  /** Ends writing after a failure, whatever is queued. */
  abort(): void;
}

/** When a build's rows go to a thread of their own: from this many bytes of sources (tests change it). */
export const writerTuning = { threadFrom: 8 * 2 ** 20 };

/**
 * The writer for a build from `sourceBytes` of sources into `db`: a thread of its own for a
 * large library in a file (starting one costs some 40 ms, and a database in memory cannot be
 * shared), loading the driver `db` was opened with; else this thread, through the same jobs.
 */
export function writerFor(db: BetterSqlite3.Database, sourceBytes: number, driver: { path?: string; addon?: string }, deflate: ZlibOptions): RowWriter {
  if (!db.memory && sourceBytes >= writerTuning.threadFrom && driver.path) {
    // This connection writes nothing while the writer does.
    db.pragma('shrink_memory');
    // SQLite's small default cache while the files' rows are appended; fill() enlarges it for the index.
    return new WriterThread(driver.path, db.name, ['journal_mode = OFF', 'synchronous = OFF', 'busy_timeout = 10000'], driver.addon ? { nativeBinding: driver.addon } : {}, deflate);
  }
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    send: (job) => runJob(db, statements, job, textRows, (text) => deflateSync(text, deflate)),
    close: () => undefined,
    abort: () => undefined,
  };
}
