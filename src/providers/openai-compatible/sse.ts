/**
 * Reads a Server-Sent Events body and yields each event's data (multi-line data joined with
 * "\n"). Stops at the OpenAI `[DONE]` sentinel or the end of the body.
 */
export async function* readSseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        // A lone "\r" at the end may be half of a "\r\n" split across chunks.
        if (!done && newline === buffer.length - 1 && buffer[newline] === '\r') break;
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          if (data.length > 0) {
            const payload = data.join('\n');
            data = [];
            if (payload.trim() === '[DONE]') return;
            yield payload;
          }
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        if (field !== 'data') continue;
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        data.push(value);
      }
      if (done) break;
    }
    if (buffer.length > 0 && buffer.startsWith('data:')) data.push(buffer.slice(5).trimStart());
    if (data.length > 0) {
      const payload = data.join('\n');
      if (payload.trim() !== '[DONE]') yield payload;
    }
  } finally {
    // Frees the connection when the consumer stops early (or we hit [DONE]).
    await reader.cancel().catch(() => undefined);
  }
}
