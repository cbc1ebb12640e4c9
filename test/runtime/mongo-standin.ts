// An in-memory STAND-IN for the MongoDB driver calls evolve-runtime's mongodb and mongoose adapters
// make. No MongoDB server can run on this machine, so the adapters are tested against this, never
// against MongoDB itself. It mirrors: MongoClient.startSession/db, ClientSession.withTransaction
// (commit on resolve, abort on throw, the callback re-run on TransientTransactionError as the
// driver does), Db.collection, and Collection.find().sort().limit().toArray(), findOne, updateOne
// ($set/$inc, upsert), updateMany, with writes invisible outside the session until commit and a
// WriteConflict (code 112, TransientTransactionError) when two transactions write the same document.
type Doc = Record<string, unknown> & { _id: unknown };
type Filter = Record<string, unknown>;
type Update = { $set?: Record<string, unknown>; $inc?: Record<string, number> };

const keyOf = (id: unknown) => (typeof id === 'object' && id !== null ? `o:${String(id)}` : `${typeof id}:${String(id)}`);
// ObjectIds order like their hex text; numbers and strings by value.
const compare = (a: unknown, b: unknown) => {
  const [x, y] = typeof a === 'object' && a !== null ? [String(a), String(b)] : [a as number, b as number];
  return x < y ? -1 : x > y ? 1 : 0;
};

function matches(doc: Doc, filter: Filter): boolean {
  return Object.entries(filter).every(([field, condition]) => {
    const value = doc[field];
    if (condition && typeof condition === 'object' && !Array.isArray(condition) && Object.keys(condition).some((k) => k.startsWith('$'))) {
      const c = condition as { $gt?: unknown; $in?: unknown[]; $ne?: unknown };
      if ('$gt' in c && !(value !== undefined && compare(value, c.$gt) > 0)) return false;
      if ('$in' in c && !c.$in!.some((v) => keyOf(v) === keyOf(value))) return false;
      if ('$ne' in c && keyOf(value) === keyOf(c.$ne)) return false;
      return true;
    }
    return keyOf(value) === keyOf(condition);
  });
}

class Store {
  /** collection -> document key -> { doc, version } */
  committed = new Map<string, Map<string, { doc: Doc; version: number }>>();
  clock = 0;
  collection(name: string) {
    let c = this.committed.get(name);
    if (!c) this.committed.set(name, (c = new Map()));
    return c;
  }
}

export class StandInSession {
  private writes: Map<string, Map<string, Doc>> | null = null;
  private startedAt = 0;
  ended = false;
  constructor(private readonly store: Store) {}

  get inTransaction() {
    return this.writes !== null;
  }

  async withTransaction<T>(fn: (session: StandInSession) => Promise<T>): Promise<T> {
    for (;;) {
      this.writes = new Map();
      this.startedAt = this.store.clock;
      try {
        const result = await fn(this);
        this.commit();
        return result;
      } catch (error) {
        this.writes = null;
        const labels = (error as { errorLabels?: string[] }).errorLabels ?? [];
        if (!labels.includes('TransientTransactionError')) throw error;
      }
    }
  }

  async endSession() {
    this.ended = true;
  }

  /** Documents of a collection as this session sees them. */
  view(collection: string): Doc[] {
    const docs = new Map([...this.store.collection(collection)].map(([k, v]) => [k, v.doc]));
    for (const [k, doc] of this.writes?.get(collection) ?? []) docs.set(k, doc);
    // Shallow copies: BSON values such as ObjectId must keep their class (structuredClone drops it).
    return [...docs.values()].map((d) => ({ ...d }));
  }

  write(collection: string, doc: Doc) {
    const key = keyOf(doc._id);
    if (!this.writes) return this.store.collection(collection).set(key, { doc, version: ++this.store.clock });
    const current = this.store.collection(collection).get(key);
    if (current && current.version > this.startedAt) {
      throw Object.assign(new Error('WriteConflict error: this operation conflicted with another operation.'), { code: 112, errorLabels: ['TransientTransactionError'] });
    }
    let c = this.writes.get(collection);
    if (!c) this.writes.set(collection, (c = new Map()));
    c.set(key, doc);
  }

  private commit() {
    const version = ++this.store.clock;
    for (const [collection, docs] of this.writes!) for (const [key, doc] of docs) this.store.collection(collection).set(key, { doc, version });
    this.writes = null;
  }
}

function applyUpdate(doc: Doc, update: Update): Doc {
  const next = { ...doc };
  Object.assign(next, update.$set ?? {});
  for (const [field, by] of Object.entries(update.$inc ?? {})) next[field] = ((next[field] as number) ?? 0) + by;
  return next;
}

export class StandInCollection {
  constructor(private readonly store: Store, private readonly name: string) {}

  private session(options?: { session?: StandInSession }) {
    return options?.session ?? new StandInSession(this.store);
  }

  find(filter: Filter, options?: { session?: StandInSession }) {
    let docs = this.session(options).view(this.name).filter((d) => matches(d, filter));
    const cursor = {
      sort: (spec: Record<string, 1 | -1>) => {
        const [[field, direction]] = Object.entries(spec) as [[string, 1 | -1]];
        docs = docs.sort((a, b) => compare(a[field], b[field]) * direction);
        return cursor;
      },
      limit: (n: number) => ((docs = docs.slice(0, n)), cursor),
      toArray: async () => docs,
    };
    return cursor;
  }

  async findOne(filter: Filter, options?: { session?: StandInSession }) {
    return this.session(options).view(this.name).find((d) => matches(d, filter)) ?? null;
  }

  async updateOne(filter: Filter, update: Update, options?: { session?: StandInSession; upsert?: boolean }) {
    const session = this.session(options);
    const doc = session.view(this.name).find((d) => matches(d, filter));
    if (doc) session.write(this.name, applyUpdate(doc, update));
    else if (options?.upsert) session.write(this.name, applyUpdate({ ...filter, _id: filter._id } as Doc, update));
    return { matchedCount: doc ? 1 : 0 };
  }

  async updateMany(filter: Filter, update: Update, options?: { session?: StandInSession }) {
    const session = this.session(options);
    const docs = session.view(this.name).filter((d) => matches(d, filter));
    for (const doc of docs) session.write(this.name, applyUpdate(doc, update));
    return { modifiedCount: docs.length };
  }

  async insertMany(docs: Doc[]) {
    const session = this.session();
    for (const doc of docs) session.write(this.name, { ...doc });
  }
}

/** Stands in for MongoClient. */
export class StandInMongoClient {
  private readonly stores = new Map<string, Store>();
  sessionsStarted = 0;
  sessionsEnded: StandInSession[] = [];

  db(name = 'test') {
    let store = this.stores.get(name);
    if (!store) this.stores.set(name, (store = new Store()));
    const s = store;
    return { collection: (collection: string) => new StandInCollection(s, collection), store: s };
  }

  /** Sessions span databases in MongoDB; the stand-in keeps one store per database, so sessions serve the default one. */
  startSession() {
    this.sessionsStarted++;
    const session = new StandInSession(this.db().store);
    const end = session.endSession.bind(session);
    session.endSession = async () => (this.sessionsEnded.push(session), end());
    return session;
  }
}

/** Stands in for a mongoose Connection: transaction(fn) = startSession + withTransaction + endSession, and `db`. */
export function standInMongooseConnection(client: StandInMongoClient) {
  return {
    db: client.db(),
    async transaction<T>(fn: (session: StandInSession) => Promise<T>): Promise<T> {
      const session = client.startSession();
      try {
        return await session.withTransaction(fn);
      } finally {
        await session.endSession();
      }
    },
  };
}
