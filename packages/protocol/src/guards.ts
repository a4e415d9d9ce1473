import { TabgridError } from './errors';

/** Small hand-written validators: every wire value is parsed from `unknown`, never cast. */
export type Obj = Record<string, unknown>;

export function fail(message: string): never {
  throw new TabgridError('bad_request', message);
}

export function asObject(raw: unknown, what: string): Obj {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`${what} must be an object`);
  return raw as Obj;
}

export function str(o: Obj, key: string, what: string, maxLen: number): string {
  const v = o[key];
  if (typeof v !== 'string') fail(`${what}.${key} must be a string`);
  if (v.length > maxLen) fail(`${what}.${key} is longer than ${maxLen} characters`);
  return v;
}

export function optStr(o: Obj, key: string, what: string, maxLen: number): string | undefined {
  return o[key] === undefined ? undefined : str(o, key, what, maxLen);
}

export function int(o: Obj, key: string, what: string, min: number, max: number): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(`${what}.${key} must be an integer`);
  if (v < min || v > max) fail(`${what}.${key} must be between ${min} and ${max}`);
  return v;
}

export function optInt(o: Obj, key: string, what: string, min: number, max: number): number | undefined {
  return o[key] === undefined ? undefined : int(o, key, what, min, max);
}

export function num(o: Obj, key: string, what: string, min: number, max: number): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${what}.${key} must be a number`);
  if (v < min || v > max) fail(`${what}.${key} must be between ${min} and ${max}`);
  return v;
}

export function bool(o: Obj, key: string, what: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') fail(`${what}.${key} must be a boolean`);
  return v;
}

export function strArray(o: Obj, key: string, what: string, maxItems: number, maxLen: number): string[] {
  const v = o[key];
  if (!Array.isArray(v)) fail(`${what}.${key} must be an array of strings`);
  if (v.length > maxItems) fail(`${what}.${key} has more than ${maxItems} items`);
  return v.map((item, i) => {
    if (typeof item !== 'string') fail(`${what}.${key}[${i}] must be a string`);
    if (item.length > maxLen) fail(`${what}.${key}[${i}] is longer than ${maxLen} characters`);
    return item;
  });
}

export function strRecord(
  o: Obj,
  key: string,
  what: string,
  limits: { maxEntries: number; maxKeyLen: number; maxValueLen: number },
): Record<string, string> {
  const rec = asObject(o[key], `${what}.${key}`);
  const entries = Object.entries(rec);
  if (entries.length > limits.maxEntries) fail(`${what}.${key} has more than ${limits.maxEntries} entries`);
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (k.length === 0 || k.length > limits.maxKeyLen) fail(`${what}.${key} has a key of invalid length`);
    if (typeof v !== 'string') fail(`${what}.${key}.${k} must be a string`);
    if (v.length > limits.maxValueLen) fail(`${what}.${key}.${k} is longer than ${limits.maxValueLen} characters`);
    out[k] = v;
  }
  return out;
}

export function oneOf<T extends string>(o: Obj, key: string, what: string, allowed: readonly T[]): T {
  const v = o[key];
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    fail(`${what}.${key} must be one of ${allowed.join(', ')}`);
  }
  return v as T;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function isBase64(s: string): boolean {
  return s.length % 4 === 0 && BASE64.test(s);
}

/** Decoded size of a valid base64 string, without decoding it. */
export function base64DecodedLength(s: string): number {
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return (s.length / 4) * 3 - pad;
}

export function base64(o: Obj, key: string, what: string, maxBytes: number): string {
  const v = str(o, key, what, Math.ceil(maxBytes / 3) * 4);
  if (!isBase64(v)) fail(`${what}.${key} must be base64`);
  return v;
}
