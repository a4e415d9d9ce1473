import { fail, type Obj } from './guards';

/** A field is shared only if its JSON is this short: a long one would be checked once per item. */
const MAX_SHARED_FIELD_CHARS = 256;
/** What a receiver accepts in `shared`, as JSON. */
export const MAX_SHARED_CHARS = 4096;

const json = (value: unknown): string => JSON.stringify(value) ?? 'undefined';

/**
 * The items of one message usually agree on most fields: one function's tasks on the module,
 * limits, env and stdin; their outcomes on status, exit code and empty stderr. On the wire such a
 * field travels once, in `shared`, and each item keeps only its own: fewer bytes, so fewer SCTP
 * packets and thread wake-ups per message. `withShared(shared, own)` restores an item.
 */
export function shareFields<T extends object>(items: readonly T[]): { shared: Partial<T>; own: readonly Partial<T>[] } {
  const first = items[0] as Obj | undefined;
  // Nothing to share with one item: it goes as it is, uncopied (an idle node's every message).
  if (first === undefined || items.length < 2) return { shared: {}, own: items };
  const shared: Obj = {};
  for (const [key, value] of Object.entries(first)) {
    const text = json(value);
    if (text.length > MAX_SHARED_FIELD_CHARS) continue;
    const same = typeof value === 'object' && value !== null ? (item: Obj) => json(item[key]) === text : (item: Obj) => item[key] === value;
    if ((items as readonly Obj[]).every(same)) shared[key] = value;
  }
  const own = items.map((item) => {
    const rest: Obj = {};
    for (const [key, value] of Object.entries(item)) if (!(key in shared)) rest[key] = value;
    return rest as Partial<T>;
  });
  return { shared: shared as Partial<T>, own };
}

/** The `shared` object of a received message, bounded (absent means none). */
export function receivedShared(raw: unknown, what: string): Obj {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`${what} must be an object`);
  if (json(raw).length > MAX_SHARED_CHARS) fail(`${what} is larger than ${MAX_SHARED_CHARS} characters`);
  return raw as Obj;
}

/**
 * `{...shared, ...own}`, written out: V8 in Node 20 builds an object from two spreads through its
 * slow path, ~2–4 µs an item against ~0.3 µs here, and a message carries up to hundreds of items.
 * A `__proto__` key is dropped: assigned, it would set the item's prototype (spread defines it as
 * an own field, which no parser reads).
 */
export function withShared(shared: Obj, own: Obj): Obj {
  const item: Obj = {};
  for (const key in shared) if (key !== '__proto__') item[key] = shared[key];
  for (const key in own) if (key !== '__proto__') item[key] = own[key];
  return item;
}
