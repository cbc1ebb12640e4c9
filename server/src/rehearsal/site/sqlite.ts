// The site on SQLite: worker threads, each with its own better-sqlite3 connection to the snapshot
// file and the application's busy_timeout. better-sqlite3 blocks its thread while SQLite's busy
// handler waits, as it would block an application's; threads keep one waiting write from
// stalling the site's other requests and its clock.
import { Worker } from 'node:worker_threads';
import { requireFromRoots, type ModuleRoots } from '../child/modules';
import { quoteIdent, type SiteDriver, type TableInfo } from './driver';
import type { SiteRequest } from './workload';

interface Statement {
  reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): unknown;
}
interface Db {
  prepare(sql: string): Statement;
  pragma(text: string, options?: { simple: boolean }): unknown;
  close(): void;
}
type DatabaseCtor = new (file: string, options?: { readonly?: boolean; timeout?: number; fileMustExist?: boolean }) => Db;

export interface SqliteWorkerData {
  evolveSiteWorker: true;
  file: string;
  busyTimeoutMs: number;
  roots: ModuleRoots;
}

type WorkerReply = { id: number; error: { code: string; message: string } | null };

/** The worker thread's loop: one statement at a time on its own connection. */
export function runSqliteWorker(data: SqliteWorkerData, port: { on(e: 'message', f: (m: { id: number; request: SiteRequest }) => void): void; postMessage(m: WorkerReply): void }): void {
  const Database = requireFromRoots('better-sqlite3', data.roots) as DatabaseCtor;
  const db = new Database(data.file, { fileMustExist: true, timeout: data.busyTimeoutMs });
  const statements = new Map<string, Statement>();
  port.on('message', ({ id, request }) => {
    try {
      let statement = statements.get(request.sql);
      if (!statement) statements.set(request.sql, (statement = db.prepare(request.sql)));
      if (statement.reader) statement.all(...request.params);
      else statement.run(...request.params);
      port.postMessage({ id, error: null });
    } catch (error) {
      const e = error as { code?: unknown; message?: string };
      port.postMessage({ id, error: { code: String(e.code ?? ''), message: String(e.message ?? error) } });
    }
  });
}

export async function sqliteDriver(file: string, busyTimeoutMs: number, roots: ModuleRoots, connections: number, entry: string): Promise<SiteDriver> {
  const Database = requireFromRoots('better-sqlite3', roots) as DatabaseCtor;
  // Table discovery and key sampling, read-only, before the workers start.
  const meta = new Database(file, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
  const idle: Worker[] = [];
  const workers: Worker[] = [];
  const pending = new Map<number, { resolve(): void; reject(error: Error): void; worker: Worker }>();
  let nextId = 0;
  const data: SqliteWorkerData = { evolveSiteWorker: true, file, busyTimeoutMs, roots };
  for (let i = 0; i < connections; i++) {
    const worker = new Worker(entry, { workerData: data });
    worker.on('message', (reply: WorkerReply) => {
      const waiting = pending.get(reply.id);
      if (!waiting) return;
      pending.delete(reply.id);
      idle.push(waiting.worker);
      if (reply.error) waiting.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
      else waiting.resolve();
    });
    worker.on('error', (error) => {
      for (const [id, waiting] of pending) if (waiting.worker === worker) (pending.delete(id), waiting.reject(error));
    });
    workers.push(worker);
    idle.push(worker);
  }
  return {
    connections,
    async tables() {
      const names = meta.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
      return names.map(({ name }): TableInfo => {
        const columns = meta.prepare(`SELECT name, pk FROM pragma_table_info(?)`).all(name) as { name: string; pk: number }[];
        const keys = columns.filter((c) => c.pk > 0);
        const withoutRowid = /\)\s*WITHOUT\s+ROWID\s*;?\s*$/i.test(String((meta.prepare("SELECT sql FROM sqlite_master WHERE name = ?").all(name)[0] as { sql: string }).sql));
        const key = keys.length === 1 ? keys[0].name : keys.length === 0 && !withoutRowid ? 'rowid' : null;
        return { name, ref: quoteIdent(name), key };
      });
    },
    async sampleKeys(table, limit) {
      const key = quoteIdent(table.key as string);
      return (meta.prepare(`SELECT ${key} AS k FROM ${table.ref} ORDER BY random() LIMIT ?`).all(limit) as { k: unknown }[]).map((r) => r.k);
    },
    quote: quoteIdent,
    placeholder: () => '?',
    execute(request) {
      const worker = idle.pop();
      if (!worker) return Promise.reject(new Error('no idle site connection'));
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject, worker });
        worker.postMessage({ id, request });
      });
    },
    async close() {
      meta.close();
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
