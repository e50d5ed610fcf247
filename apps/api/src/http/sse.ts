/**
 * The SSE writer for lesson and tutor streams, built for 2G links:
 * - the first event leaves at once, with a `retry` hint;
 * - text deltas are coalesced into one frame every `coalesceMs` (a frame per token costs ~30× the text),
 *   and a frame also waits for `minFrameChars` of text (at most `maxFrameWaitMs`): a frame's envelope
 *   is ~40 bytes, so at a provider's ~300 characters/s a 200 ms frame alone would cost ~1.6× the text;
 * - a comment heartbeat keeps proxies from closing an idle stream;
 * - each event's id is the count of text characters sent so far, so a client reconnecting with
 *   `Last-Event-ID: n` gets the same stream with its first n characters skipped; a stream whose
 *   text may change between connections (a lesson's runs) names it too: `tag:n`;
 * - the writer stops, timers and all, as soon as the client leaves.
 */
import type { Language } from "@sira/contracts";
import type { Context } from "hono";
import type { AppEnv } from "../app-types.ts";
import { toAppError } from "./problem.ts";

/** `reconnect`: the server is stopping; the client reconnects (with Last-Event-ID) after `retry_ms`. */
export type SseEventName = "meta" | "delta" | "citation" | "done" | "error" | "reconnect";

export interface SseOptions {
  coalesceMs: number;
  /** A coalesced frame waits for this much text… */
  minFrameChars?: number;
  /** …but never longer than this since its first character arrived. */
  maxFrameWaitMs?: number;
  heartbeatMs: number;
  /** Characters of text the client already has (from Last-Event-ID). */
  resumeOffset: number;
  /** The text those characters were of, when the id named it (`tag:n`). */
  resumeTag?: string | null;
  retryMs?: number;
}

const encoder = new TextEncoder();

export class SseWriter {
  private pending = "";
  private pendingSince = 0;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly heartbeatTimer: ReturnType<typeof setInterval>;
  private skip: number;
  private sentChars: number;
  private first = true;
  private _closed = false;
  /** The text being sent, named in every id (none: ids are bare offsets). */
  private tag: string | null;

  constructor(
    private readonly controller: ReadableStreamDefaultController<Uint8Array>,
    private readonly options: SseOptions,
  ) {
    this.skip = options.resumeOffset;
    this.sentChars = options.resumeOffset;
    this.tag = options.resumeTag ?? null;
    this.heartbeatTimer = setInterval(() => this.write(": keep-alive\n\n"), options.heartbeatMs);
  }

  get closed(): boolean {
    return this._closed;
  }

  /** Whether the client came back holding text (Last-Event-ID). */
  get resumed(): boolean {
    return this.options.resumeOffset > 0;
  }

  /** What the client came back holding: that many characters of the text the tag names (null: unnamed). */
  get resumedFrom(): { tag: string | null; offset: number } | null {
    return this.resumed ? { tag: this.options.resumeTag ?? null, offset: this.options.resumeOffset } : null;
  }

  /** The text from here on is the one `tag` names: later ids carry it. */
  nameText(tag: string): void {
    this.flush();
    this.tag = tag;
  }

  /** Sends a typed event now, after any text still waiting to be coalesced. */
  send(event: Exclude<SseEventName, "delta">, data: unknown): void {
    this.flush();
    this.frame(event, data);
  }

  /** Queues text; it leaves with the next coalesced frame. */
  delta(text: string): void {
    if (this._closed || !text) return;
    if (this.skip > 0) {
      const dropped = Math.min(this.skip, text.length);
      this.skip -= dropped;
      text = text.slice(dropped);
      if (!text) return;
    }
    if (!this.pending) this.pendingSince = Date.now();
    this.pending += text;
    if (this.options.coalesceMs === 0) {
      this.flush();
      return;
    }
    this.flushTimer ??= setTimeout(() => this.flushWhenFull(), this.options.coalesceMs);
  }

  /** The coalescing tick: flush a full frame, or wait a little more for a small one. */
  private flushWhenFull(): void {
    this.flushTimer = undefined;
    const { minFrameChars = 0, maxFrameWaitMs = 0, coalesceMs } = this.options;
    const waited = Date.now() - this.pendingSince;
    if (this.pending.length >= minFrameChars || waited >= maxFrameWaitMs) {
      this.flush();
      return;
    }
    this.flushTimer = setTimeout(() => this.flushWhenFull(), Math.min(coalesceMs, maxFrameWaitMs - waited));
  }

  /**
   * The text sent so far is void and a new text starts (e.g. a repaired lesson replayed whole):
   * ids count from zero again, so a later Last-Event-ID is an offset into the new text.
   */
  restartText(): void {
    this.flush();
    this.sentChars = 0;
    this.skip = 0;
  }

  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.pending || this._closed) return;
    const text = this.pending;
    this.pending = "";
    this.sentChars += text.length;
    this.frame("delta", { text });
  }

  close(): void {
    if (this._closed) return;
    this.flush();
    this.stop();
    try {
      this.controller.close();
    } catch {
      // already closed by the consumer
    }
  }

  /**
   * The server is stopping: pending text leaves, then a `reconnect` event whose id is the text sent
   * so far and whose `retry` field asks the client to come back after `retryMs` (to another
   * process); the stream ends. EventSource reconnects by itself with that Last-Event-ID.
   */
  reconnect(retryMs: number): void {
    if (this._closed) return;
    this.flush();
    this.frame("reconnect", { retry_ms: retryMs }, retryMs);
    this.close();
  }

  /** The client left: drop everything without writing. */
  abort(): void {
    this.pending = "";
    this.stop();
  }

  private stop(): void {
    this._closed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    clearInterval(this.heartbeatTimer);
  }

  private frame(event: SseEventName, data: unknown, retryMs = this.first ? this.options.retryMs : undefined): void {
    if (this._closed) return;
    let out = "";
    if (retryMs) out += `retry: ${retryMs}\n`;
    this.first = false;
    out += `id: ${this.tag ? `${this.tag}:` : ""}${this.sentChars}\nevent: ${event}\n`;
    for (const line of JSON.stringify(data).split("\n")) out += `data: ${line}\n`;
    this.write(`${out}\n`);
  }

  private write(chunk: string): void {
    if (this._closed) return;
    try {
      this.controller.enqueue(encoder.encode(chunk));
    } catch {
      this.stop();
    }
  }
}

/** What a domain text stream yields (lessons, tutor answers); `done` carries its own payload. */
export type TextStreamEvent =
  | { type: "text"; text: string }
  /** The text so far is void: a new text follows from its start. */
  | { type: "restart" }
  /** The text that follows is the one `tag` names (ids carry it). */
  | { type: "run"; tag: string }
  /** Sources as the tutor sends them: the full list. */
  | { type: "sources"; sources: unknown[] }
  /** Sources already in their wire shape (a lesson's compact references). */
  | { type: "citation"; citation: unknown }
  | { type: "done" }
  /** Nothing new for a long while: the stream ends with `reconnect`, and the client comes back. */
  | { type: "later" };

/** How soon a client comes back after a stream that ended with nothing new to say. */
const LATER_RETRY_MS = 5_000;

/** One domain text-stream event on the wire: text coalesced into `delta`, a restart as `meta {reset}`. */
export function frameTextEvent<E extends TextStreamEvent>(
  writer: SseWriter,
  event: E,
  done: (event: Extract<E, { type: "done" }>) => unknown,
): void {
  switch (event.type) {
    case "text":
      writer.delta(event.text);
      return;
    case "restart":
      writer.restartText();
      writer.send("meta", { reset: true });
      return;
    case "run":
      writer.nameText(event.tag);
      return;
    case "sources":
      writer.send("citation", { sources: event.sources });
      return;
    case "citation":
      writer.send("citation", event.citation);
      return;
    case "done":
      writer.send("done", done(event as Extract<E, { type: "done" }>));
      return;
    case "later":
      writer.reconnect(LATER_RETRY_MS);
      return;
  }
}

/** The resume offset from `Last-Event-ID` (or `?last_event_id=` for clients that cannot set it). */
export function resumeOffset(lastEventId: string | undefined | null): number {
  return resumePoint(lastEventId).offset;
}

/** `Last-Event-ID` as an offset and, for a named text (`tag:n`), its tag; a bare `n` names none. */
export function resumePoint(lastEventId: string | undefined | null): { offset: number; tag: string | null } {
  const named = /^([0-9a-f]{8}):(\d+)$/.exec(lastEventId ?? "");
  const n = Number(named ? named[2] : lastEventId);
  const offset = Number.isSafeInteger(n) && n > 0 ? n : 0;
  return { offset, tag: named && offset > 0 ? (named[1] ?? null) : null };
}

/** Every stream this process has open, by what ends it for a shutdown. */
const openStreams = new Set<(retryMs: number) => void>();
let stoppingRetryMs: number | undefined;

/** How many event streams this process has open (the metrics' `sira_sse_open_streams`). */
export function openStreamCount(): number {
  return openStreams.size;
}

/**
 * For a shutdown: every open stream ends now with a `reconnect` event (and the `retry` hint), its
 * producer stops, and a stream opened from now on ends the same way at once. Returns how many ended.
 */
export function endOpenStreams(retryMs: number): number {
  stoppingRetryMs = retryMs;
  const ending = [...openStreams];
  for (const endStream of ending) endStream(retryMs);
  return ending.length;
}

/**
 * An SSE response whose events come from `produce`. An error thrown by `produce` becomes an
 * `error` event in the request's language; the stream always ends cleanly. `onEnd` runs once, when
 * the producer is done or the client leaves, whichever comes first (e.g. to free a stream slot).
 */
export function sseResponse(
  c: Context<AppEnv>,
  produce: (writer: SseWriter, signal: AbortSignal) => Promise<void>,
  overrides: Partial<SseOptions> = {},
  onEnd: () => void = () => undefined,
): Response {
  const { config } = c.get("deps");
  const lang: Language = c.get("lang");
  const log = c.get("log");
  const signal = c.req.raw.signal;
  const resume = resumePoint(c.req.header("last-event-id") ?? c.req.query("last_event_id"));
  const options: SseOptions = {
    coalesceMs: config.SSE_COALESCE_MS,
    minFrameChars: config.SSE_MIN_FRAME_CHARS,
    maxFrameWaitMs: config.SSE_MAX_FRAME_WAIT_MS,
    heartbeatMs: config.SSE_HEARTBEAT_MS,
    resumeOffset: resume.offset,
    resumeTag: resume.tag,
    retryMs: 3_000,
    ...overrides,
  };
  let writer: SseWriter | undefined;
  let ended = false;
  // The producer stops when the client leaves or when the process stops.
  const stopping = new AbortController();
  const producerSignal = AbortSignal.any([signal, stopping.signal]);
  const endForShutdown = (retryMs: number) => {
    writer?.reconnect(retryMs);
    stopping.abort();
  };
  const end = () => {
    if (ended) return;
    ended = true;
    openStreams.delete(endForShutdown);
    onEnd();
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const w = new SseWriter(controller, options);
      writer = w;
      openStreams.add(endForShutdown);
      if (stoppingRetryMs !== undefined) endForShutdown(stoppingRetryMs);
      signal.addEventListener(
        "abort",
        () => {
          w.abort();
          end();
        },
        { once: true },
      );
      void (async () => {
        try {
          if (!producerSignal.aborted) await produce(w, producerSignal);
        } catch (error) {
          if (stopping.signal.aborted) return; // the reconnect event was the stream's last word
          const appError = toAppError(error, lang);
          if (appError.status >= 500) log.error({ err: error }, "SSE producer failed");
          w.send("error", { code: appError.code, message: appError.detail(lang) });
        } finally {
          w.close();
          end();
        }
      })();
    },
    cancel() {
      writer?.abort();
      end();
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
      "content-language": lang,
    },
  });
}
