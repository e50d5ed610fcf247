/**
 * Reads the API's event streams (lessons, tutor answers) with fetch, since EventSource cannot send
 * the access token. A dropped connection is resumed with Last-Event-ID (the text offset of the
 * last event), so the text continues where it stopped instead of starting again.
 */
import { apiHeaders } from "./api";
import { ApiError, readProblem } from "./problem";
import { authedFetch } from "./session";

export interface StreamEvent {
  event: string;
  data: unknown;
  id: string | null;
}

export interface FollowOptions {
  method?: "GET" | "POST";
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Called for every event, in order; return true once the stream is complete (done or error). */
  onEvent: (event: StreamEvent) => boolean | undefined;
  /** Called before each reconnection. */
  onReconnect?: (attempt: number) => void;
  /** Where to reconnect after the first request (a POST that started a tutor answer streams again from its URL). */
  resumeUrl?: () => string | null;
  maxAttempts?: number;
}

/** Splits a chunked event-stream into events; `feed` keeps partial frames between chunks. */
export function eventParser(emit: (event: StreamEvent) => void) {
  let buffer = "";
  let retry = 3000;
  return {
    retry: () => retry,
    feed(chunk: string) {
      buffer += chunk;
      for (;;) {
        const end = buffer.search(/\r?\n\r?\n/);
        if (end < 0) return;
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, "");
        let event = "message";
        let id: string | null = null;
        const data: string[] = [];
        for (const line of frame.split(/\r?\n/)) {
          if (line.startsWith(":")) continue;
          const colon = line.indexOf(":");
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
          if (field === "event") event = value;
          else if (field === "data") data.push(value);
          else if (field === "id") id = value;
          else if (field === "retry" && /^\d+$/.test(value)) retry = Number(value);
        }
        if (!data.length) continue;
        let parsed: unknown = data.join("\n");
        try {
          parsed = JSON.parse(parsed as string);
        } catch {
          // plain text data stays a string
        }
        emit({ event, data: parsed, id });
      }
    },
  };
}

const wait = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

/** Follows a stream to its end, reconnecting with Last-Event-ID after a drop. A refusal throws ApiError. */
export async function followStream(url: string, options: FollowOptions): Promise<void> {
  let lastId: string | null = null;
  let finished = false;
  let target = url;
  let method = options.method ?? "GET";
  const maxAttempts = options.maxAttempts ?? 8;
  for (let attempt = 0; !finished && !options.signal?.aborted; attempt++) {
    const parser = eventParser((event) => {
      if (event.id !== null) lastId = event.id;
      if (options.onEvent(event)) finished = true;
    });
    const resumeFrom = lastId as string | null;
    try {
      const res = await authedFetch(target, {
        method,
        headers: apiHeaders({
          accept: "text/event-stream",
          ...(method === "POST" ? { "content-type": "application/json" } : {}),
          ...(resumeFrom !== null ? { "last-event-id": resumeFrom } : {}),
          ...options.headers,
        }),
        ...(method === "POST" ? { body: JSON.stringify(options.body ?? {}) } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (!res.ok || !res.body) throw new ApiError(await readProblem(res));
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done || finished) break;
        parser.feed(value);
      }
      if (finished) return;
    } catch (error) {
      if (options.signal?.aborted) return;
      if (error instanceof ApiError && error.problem.status !== 429 && error.problem.status < 500) throw error;
      if (attempt + 1 >= maxAttempts) throw error;
    }
    // Dropped before its end: resume from the last event (a POST resumes at its stream URL).
    const resume = options.resumeUrl?.();
    if (resume) {
      target = resume;
      method = "GET";
    }
    options.onReconnect?.(attempt + 1);
    await wait(Math.min(parser.retry() * (attempt + 1), 15_000), options.signal);
  }
}
