/** Server-sent events as the end-to-end tests read them off a real response. */

export interface SseEvent {
  id: string | null;
  event: string;
  data: unknown;
}

/** Parses complete SSE frames out of `buffer`, returning them and the unparsed rest. */
export function parseFrames(buffer: string): { events: SseEvent[]; rest: string } {
  const events: SseEvent[] = [];
  const parts = buffer.split("\n\n");
  const rest = parts.pop() ?? "";
  for (const part of parts) {
    let id: string | null = null;
    let event = "message";
    const data: string[] = [];
    for (const line of part.split("\n")) {
      if (line.startsWith("id: ")) id = line.slice(4);
      else if (line.startsWith("event: ")) event = line.slice(7);
      else if (line.startsWith("data: ")) data.push(line.slice(6));
    }
    if (data.length > 0) events.push({ id, event, data: JSON.parse(data.join("\n")) });
  }
  return { events, rest };
}

/** Every event of a stream, read to its end, and whether the first frame arrived while it was open. */
export async function readEvents(res: Response): Promise<{ events: SseEvent[]; firstSeenWhileOpen: boolean }> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const events: SseEvent[] = [];
  let firstSeenWhileOpen = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    const parsed = parseFrames(buffer);
    buffer = parsed.rest;
    if (events.length === 0 && parsed.events.length > 0)
      firstSeenWhileOpen = !parsed.events.some((e) => e.event === "done");
    events.push(...parsed.events);
  }
  return { events, firstSeenWhileOpen };
}

/** The text of a stream's delta events. */
export function deltaText(events: SseEvent[]): string {
  return events
    .filter((e) => e.event === "delta")
    .map((e) => (e.data as { text: string }).text)
    .join("");
}
