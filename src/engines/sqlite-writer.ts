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
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/** One job for the writer, done in the order sent. */
export type WriterJob =
  | { op: 'exec'; sql: string }
  /**
   * Rows for one prepared statement: `width` parameters a row, flattened. The texts in column
   * `deflate` (if given) are stored deflated at level 1.
   */
  | { op: 'rows'; sql: string; width: number; values: unknown[]; deflate?: number }
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
// The same function as this module's (a named expression: a bundler may rename the declaration).
const textRows = ${textRows.toString()};
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
  if (m.op === 'exec') return db.exec(m.sql);
  let st = statements.get(m.sql);
  if (!st) statements.set(m.sql, (st = db.prepare(m.sql)));
  const v = m.op === 'rows' ? m.values : textRows(m.text, m.width);
  for (let i = 0; i < v.length; i += m.width) {
    const row = v.slice(i, i + m.width);
    if (m.deflate !== undefined) row[m.deflate] = deflateSync(row[m.deflate], { level: 1 });
    st.run(row);
  }
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

  /** Opens `file` on a new thread, with these pragmas, through the driver at `driver`. */
  constructor(driver: string, file: string, pragmas: string[], options: Record<string, unknown> = {}) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER, { eval: true, workerData: { driver, file, pragmas, options, port: port2, counts: this.counts }, transferList: [port2] });
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
