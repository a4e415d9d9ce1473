/**
 * Splits a response body into lines ending in `\n`, `\r\n` or `\r` (what SSE allows; NDJSON rows
 * are escaped JSON, so they never hold a bare `\r`). UTF-8 is decoded across chunk boundaries.
 * A final line without a terminator is still yielded: an NDJSON row may lack its newline, and the
 * SSE reader drops an unfinished frame anyway.
 *
 * Aborting `signal` ends the iteration quietly; leaving the loop early cancels the body, which
 * closes the connection.
 */
export async function* readLines(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<string> {
  const reader = body.getReader();
  // Cancelling settles a pending read() with done: true, whatever the fetch implementation does with the signal.
  const onAbort = (): void => void reader.cancel().catch(() => {});
  if (signal?.aborted === true) onAbort();
  signal?.addEventListener('abort', onAbort);
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer.charCodeAt(i);
        if (c !== 0x0a && c !== 0x0d) continue;
        // A `\r` that ends the chunk may be the first half of `\r\n`: wait for the next chunk.
        if (c === 0x0d && i === buffer.length - 1 && !done) break;
        const line = buffer.slice(start, i);
        if (c === 0x0d && buffer.charCodeAt(i + 1) === 0x0a) i++;
        start = i + 1;
        yield line;
      }
      buffer = buffer.slice(start);
      if (done) {
        if (buffer !== '' && signal?.aborted !== true) yield buffer;
        return;
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await reader.cancel().catch(() => {});
  }
}
