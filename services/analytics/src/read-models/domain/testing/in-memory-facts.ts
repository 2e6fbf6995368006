// Test support for the projection's unit specs: an in-memory model of exactly the MongoDB
// operators fact-updates.ts uses (anything else throws), so "same documents in any order" can be
// checked over thousands of orders without a database.
import {
  FACT_COLLECTIONS,
  factUpdatesFor,
  mergeFactUpdates,
  type FactCollection,
  type FactUpdate,
  type ProjectedEvent,
} from '../fact-updates';

export type Doc = Record<string, unknown>;

function getPath(doc: Doc, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v as Doc | undefined)?.[k], doc);
}
function setPath(doc: Doc, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = doc;
  for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Doc;
  node[keys.at(-1)!] = structuredClone(value);
}
function unsetPath(doc: Doc, path: string): void {
  const keys = path.split('.');
  const parent = keys.slice(0, -1).reduce<Doc | undefined>((n, k) => n?.[k] as Doc | undefined, doc);
  if (parent) delete parent[keys.at(-1)!];
}
const comparable = (v: unknown): unknown => (v instanceof Date ? v.getTime() : v);

function matchesCondition(value: unknown, cond: Doc): boolean {
  return Object.entries(cond).every(([op, operand]) => {
    if (op === '$exists') return (value !== undefined) === operand;
    if (op === '$lt') return value !== undefined && (value as number) < (operand as number);
    if (op === '$gte') return value !== undefined && (value as number) >= (operand as number);
    if (op === '$not') return !matchesCondition(value, operand as Doc);
    if (op === '$ne')
      return Array.isArray(value) ? !value.includes(operand) : comparable(value) !== comparable(operand);
    throw new Error(`operator not modelled: ${op}`);
  });
}

function matches(doc: Doc, filter: Doc): boolean {
  return Object.entries(filter).every(([key, cond]) => {
    if (key === '$or') return (cond as Doc[]).some((f) => matches(doc, f));
    const value = getPath(doc, key);
    if (cond !== null && typeof cond === 'object' && !(cond instanceof Date)) {
      return matchesCondition(value, cond as Doc);
    }
    return comparable(value) === comparable(cond);
  });
}

export class InMemoryFacts {
  readonly collections = Object.fromEntries(
    FACT_COLLECTIONS.map((c) => [c, new Map<string, Doc>()]),
  ) as Record<FactCollection, Map<string, Doc>>;

  apply(updates: FactUpdate[]): void {
    for (const u of updates) this.applyOne(u);
  }

  private applyOne({ collection, filter, update, upsert }: FactUpdate): void {
    const docs = this.collections[collection];
    let doc = docs.get(filter._id);
    const inserting = doc === undefined;
    if (doc === undefined) {
      if (!upsert) return;
      // An upsert never carries a guard.
      if (Object.keys(filter).join() !== '_id') throw new Error(`guarded upsert: ${JSON.stringify(filter)}`);
      doc = { _id: filter._id };
      docs.set(filter._id, doc);
    } else if (!matches(doc, filter)) return;
    for (const [op, fields] of Object.entries(update) as Array<[string, Doc]>) {
      for (const [path, value] of Object.entries(fields)) {
        if (op === '$setOnInsert') {
          if (inserting) setPath(doc, path, value);
        } else if (op === '$set') setPath(doc, path, value);
        else if (op === '$unset') unsetPath(doc, path);
        else if (op === '$min') {
          const current = getPath(doc, path);
          if (current === undefined || (comparable(value) as number) < (comparable(current) as number))
            setPath(doc, path, value);
        } else if (op === '$push') {
          const { $each, $sort } = value as { $each: string[]; $sort: 1 };
          const list = [...((getPath(doc, path) as string[] | undefined) ?? []), ...$each];
          if ($sort !== 1) throw new Error('only $push with $sort: 1 is modelled');
          setPath(doc, path, list.sort());
        } else throw new Error(`operator not modelled: ${op}`);
      }
    }
  }

  snapshot(): Record<FactCollection, Doc[]> {
    return Object.fromEntries(
      FACT_COLLECTIONS.map((c) => [
        c,
        [...this.collections[c].values()].sort((a, b) => String(a['_id']).localeCompare(String(b['_id']))),
      ]),
    ) as Record<FactCollection, Doc[]>;
  }
}

export function project(events: ProjectedEvent[]): Record<FactCollection, Doc[]> {
  const model = new InMemoryFacts();
  for (const e of events) model.apply(factUpdatesFor(e));
  return model.snapshot();
}

/** As the rebuild applies them: `chunk` events at a time, each chunk's updates merged. */
export function projectMerged(events: ProjectedEvent[], chunk: number): Record<FactCollection, Doc[]> {
  const model = new InMemoryFacts();
  for (let i = 0; i < events.length; i += chunk) {
    model.apply(mergeFactUpdates(events.slice(i, i + chunk).flatMap((e) => factUpdatesFor(e))));
  }
  return model.snapshot();
}

export function* permutations<T>(items: T[]): Generator<T[]> {
  if (items.length <= 1) {
    yield items;
    return;
  }
  for (let i = 0; i < items.length; i += 1) {
    const rest = [...items.slice(0, i), ...items.slice(i + 1)];
    for (const p of permutations(rest)) yield [items[i]!, ...p];
  }
}

/** A deterministic shuffle (mulberry32), so a failure is reproducible. */
export function shuffled<T>(items: T[], seed: number): T[] {
  let s = seed;
  const random = (): number => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
