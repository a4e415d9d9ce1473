/**
 * Text → task input helpers shared by the CLI (`--env K=V`) and the dashboard (one entry per line).
 * They throw plain Errors with a message fit to show a person.
 */

export function parseEnvPair(pair: string): [key: string, value: string] {
  const eq = pair.indexOf('=');
  if (eq <= 0) throw new Error(`environment entry "${pair}" must look like KEY=VALUE`);
  return [pair.slice(0, eq), pair.slice(eq + 1)];
}

function lines(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.trim() !== '');
}

/** `K=V` per line; blank lines are ignored; a later key wins. */
export function parseEnvLines(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of lines(text)) {
    const [key, value] = parseEnvPair(line);
    env[key] = value;
  }
  return env;
}

/** One argument per line, kept verbatim (spaces included); blank lines are ignored. */
export function parseArgLines(text: string): string[] {
  return lines(text).map((line) => line.replace(/\r$/, ''));
}

/**
 * One batch task per non-blank line, that line (with its `\n`, as a POSIX text line has) as stdin.
 * Shared by `tabgrid job submit --stdin-lines` and the dashboard's Jobs form, so both split alike.
 */
export function tasksFromLines(text: string): { stdin: string }[] {
  return lines(text).map((line) => ({ stdin: `${line}\n` }));
}
