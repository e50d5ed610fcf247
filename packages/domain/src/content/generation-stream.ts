/**
 * A running generation publishes to a Redis stream that any number of lesson streams tail:
 * `start` (a run id), coalesced `delta` text, then `done` {content_id, version} or `error` {code}.
 * Readers never block the shared command connection: one blocking reader per process (a connection
 * of its own, stream-reader.ts) reads every tailed stream at once and hands entries to its tails.
 */
import type { ErrorCode, SourceRef } from "@sira/contracts";
import type { Redis } from "@sira/infra";
import { type RawEntry, sharedStreamReader } from "./stream-reader.ts";

/** Streams outlive their generation briefly: long enough for late readers, then the cache serves. */
export const GENERATION_STREAM_TTL_SECONDS = 600;
/** The worker batches provider deltas this long before one XADD. */
const PUBLISH_BATCH_MS = 50;

/** What every stream carries: a run's start, its text, and a terminal `done` or `error`. */
export type StreamEntry = { type: "start"; run: string; attempt?: number } | { type: "delta"; text: string };

export type GenerationEntry =
  | { type: "start"; run: string; attempt?: number }
  | { type: "delta"; text: string }
  /** `replaced`: the stored text differs from what was streamed (the provider's output was repaired). */
  | { type: "done"; content_id: string; version: number; sources: SourceRef[]; replaced?: boolean }
  | { type: "error"; code: ErrorCode };

type Terminal<E> = Exclude<E, StreamEntry>;

/** What a tail yields when nothing new came for its idle timeout (never stored in a stream). */
export interface StreamIdle {
  type: "idle";
}

/**
 * The worker's side: batches text and appends entries, refreshing the stream's TTL. An append that
 * fails (Redis unreachable for a moment, or a command that timed out and may or may not have run)
 * leaves readers with a hole or a repeat in the text; `finish` then publishes the run's whole text
 * again as a new run, which every reader takes as a restart, before the terminal entry.
 */
export class GenerationPublisher<E extends { type: string } = GenerationEntry> {
  private pending = "";
  private timer: ReturnType<typeof setTimeout> | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  /** This run's text so far, as published or about to be. */
  private text = "";
  private run: { id: string; attempt: number | undefined } | undefined;
  /** An append of this run failed: its readers may not hold `text`. */
  private broken = false;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  /**
   * A new run: earlier entries (a failed attempt's) are dropped first, pending text too. Readers
   * already tailing see a `start` with another run (or a higher attempt) and restart their text.
   */
  async start(run: string, attempt?: number): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = "";
    this.text = "";
    this.broken = false;
    this.run = { id: run, attempt };
    await this.chain;
    await this.redis.del(this.key);
    await this.append({ type: "start", run, ...(attempt !== undefined ? { attempt } : {}) });
  }

  delta(text: string): void {
    if (!text) return;
    this.pending += text;
    this.text += text;
    this.timer ??= setTimeout(() => this.flush(), PUBLISH_BATCH_MS);
  }

  /** Publishes pending text now and waits for every append so far. */
  async settle(): Promise<void> {
    this.flush();
    await this.chain;
  }

  async finish(entry: Terminal<E>): Promise<void> {
    this.flush();
    await this.chain;
    if (this.broken && entry.type !== "error") await this.republish();
    await this.append(entry);
  }

  /**
   * The run's whole text again, as the next attempt: readers restart and get it without a gap. Once:
   * if Redis is still out of reach, readers that see no terminal entry end on the stored content
   * (`checkFinished`), and the caller's own work (storing the result) must not fail for this.
   */
  private async republish(): Promise<void> {
    const text = this.text;
    const attempt = (this.run?.attempt ?? 1) + 1;
    try {
      await this.start(`${this.run?.id ?? "run"}+${attempt}`, attempt);
    } catch {
      return;
    }
    this.delta(text);
    this.flush();
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending) return;
    const text = this.pending;
    this.pending = "";
    void this.append({ type: "delta", text });
  }

  private append(entry: StreamEntry | Terminal<E>): Promise<unknown> {
    this.chain = this.chain.then(() =>
      this.redis
        .multi()
        .xadd(this.key, "*", "e", JSON.stringify(entry))
        .expire(this.key, GENERATION_STREAM_TTL_SECONDS)
        .exec()
        .then((replies) => {
          if (!replies || replies.some(([error]) => error)) this.broken = true;
        })
        .catch(() => {
          this.broken = true;
        }),
    );
    return this.chain;
  }
}

export interface TailOptions<E = GenerationEntry> {
  signal: AbortSignal;
  /** Called when nothing new arrived for `checkEveryMs`; a non-null answer ends the tail with it. */
  checkFinished?: () => Promise<E | null>;
  /** Called every `tickMs` while the reader is there (e.g. to say someone still listens). */
  onTick?: () => void;
  tickMs?: number;
  checkEveryMs?: number;
  /**
   * Nothing new for this long ends the tail with an `idle` entry: the work may still be queued
   * behind others, so the reader should come back, not give up.
   */
  idleTimeoutMs?: number;
}

/**
 * Yields the stream's entries from its start until `done` or `error` (or the caller leaves). The
 * entries come from the process's shared blocking reader (stream-reader.ts); the only timers here
 * are the quiet-stream check and the idle timeout.
 */
export async function* tailGeneration<E extends { type: string } = GenerationEntry>(
  redis: Redis,
  key: string,
  options: TailOptions<E>,
): AsyncGenerator<E | StreamIdle> {
  const checkEveryMs = options.checkEveryMs ?? 2_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 120_000;
  const queue: RawEntry[] = [];
  let wakeUp: (() => void) | null = null;
  const notify = () => {
    const w = wakeUp;
    wakeUp = null;
    w?.();
  };
  const subscription = sharedStreamReader(redis).subscribe(key, "0-0", (entries) => {
    queue.push(...entries);
    notify();
  });
  options.signal.addEventListener("abort", notify, { once: true });
  const ticker = options.onTick ? setInterval(options.onTick, options.tickMs ?? 1_000) : undefined;
  options.onTick?.();
  let lastEntryAt = Date.now();
  try {
    while (!options.signal.aborted) {
      const raw = queue.shift();
      if (raw) {
        lastEntryAt = Date.now();
        const entry = JSON.parse(raw.data) as E;
        yield entry;
        if (entry.type === "done" || entry.type === "error") return;
        continue;
      }
      const quiet = Date.now() - lastEntryAt;
      if (quiet >= idleTimeoutMs) {
        yield { type: "idle" };
        return;
      }
      // Wait for an entry, the next quiet-stream check, or the idle timeout, whichever comes first.
      const waitMs = Math.min(idleTimeoutMs - quiet, options.checkFinished ? checkEveryMs : idleTimeoutMs);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const arrived = await new Promise<boolean>((resolve) => {
        wakeUp = () => resolve(true);
        timer = setTimeout(() => resolve(false), waitMs);
      });
      clearTimeout(timer);
      wakeUp = null;
      if (arrived || queue.length > 0 || !options.checkFinished) continue;
      // Nothing for a while: the stream may be gone (expired, or the job found the content done).
      const finished = await options.checkFinished();
      if (finished && queue.length === 0) {
        yield finished;
        return;
      }
    }
  } finally {
    subscription.close();
    if (ticker) clearInterval(ticker);
    options.signal.removeEventListener("abort", notify);
  }
}
