import type { ReadFile } from './cli-common';
import type { FetchLike } from './client';

/** The CLI with its world injected: tests drive it with a fake fetch and captured output. */
export interface CliIo {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readFile: ReadFile;
  fetch?: FetchLike;
  /** Waits between reconnects; tests pass one that does not. Defaults to a real timer. */
  sleep?: (ms: number) => Promise<void>;
}

export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].map((l) => `${l}\n`).join('');
}
