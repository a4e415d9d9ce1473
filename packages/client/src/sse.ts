/** One Server-Sent Events frame: the `event:` name ('message' if none) and its `data:` lines joined by `\n`. */
export interface SseFrame {
  event: string;
  data: string;
}

/**
 * Lines → SSE frames (WHATWG "event stream interpretation"): a blank line ends a frame, `:` starts
 * a comment (the server's keep-alives), a frame without data is dropped. `id:` and `retry:` are
 * ignored: the server sends neither, and a reconnecting client reloads the state instead of replaying.
 */
export async function* readSseFrames(lines: AsyncIterable<string>): AsyncGenerator<SseFrame> {
  let event = '';
  let data: string[] = [];
  for await (const line of lines) {
    if (line === '') {
      if (data.length > 0) yield { event: event === '' ? 'message' : event, data: data.join('\n') };
      event = '';
      data = [];
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
}
