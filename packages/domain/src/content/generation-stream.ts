/**
 * A running generation publishes to a Redis stream that any number of lesson streams tail:
 * `start` (a run id), coalesced `delta` text, then `done` {content_id, version} or `error` {code}.
 * Readers poll with non-blocking XREAD on the shared connection: a blocking XREAD would hold that
 * connection (and every other request using it) for the whole wait, and a connection per reader
 * does not scale to many learners on slow phones. Polling every ~100 ms adds at most that delay.
 */
import type { ErrorCode, SourceRef } from "@sira/contracts";
import type { Redis } from "@sira/infra";

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

/** The worker's side: batches text and appends entries, refreshing the stream's TTL. */
export class GenerationPublisher<E extends { type: string } = GenerationEntry> {
  private pending = "";
  private timer: ReturnType<typeof setTimeout> | undefined;
  private chain: Promise<unknown> = Promise.resolve();

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
    await this.chain;
    await this.redis.del(this.key);
    await this.append({ type: "start", run, ...(attempt !== undefined ? { attempt } : {}) });
  }

  delta(text: string): void {
    if (!text) return;
    this.pending += text;
    this.timer ??= setTimeout(() => this.flush(), PUBLISH_BATCH_MS);
  }

  async finish(entry: Terminal<E>): Promise<void> {
    this.flush();
    await this.append(entry);
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
        .catch(() => null),
    );
    return this.chain;
  }
}

export interface TailOptions<E = GenerationEntry> {
  signal: AbortSignal;
  pollMs?: number;
  /** Called when nothing new arrived for a while; a non-null answer ends the tail with it. */
  checkFinished?: () => Promise<E | null>;
  /** Called on every poll while the reader is there (e.g. to say someone still listens). */
  onPoll?: () => void;
  checkEveryMs?: number;
  /** Nothing new for this long ends the tail with a GENERATION_FAILED error entry. */
  idleTimeoutMs?: number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Yields the stream's entries from its start until `done` or `error` (or the caller leaves). */
export async function* tailGeneration<E extends { type: string } = GenerationEntry>(
  redis: Redis,
  key: string,
  options: TailOptions<E>,
): AsyncGenerator<E> {
  const pollMs = options.pollMs ?? 100;
  const checkEveryMs = options.checkEveryMs ?? 1_000;
  let lastId = "0-0";
  let sinceCheck = 0;
  let idle = 0;
  const idleTimeoutMs = options.idleTimeoutMs ?? 120_000;
  while (!options.signal.aborted) {
    options.onPoll?.();
    const res = (await redis.xread("COUNT", 500, "STREAMS", key, lastId)) as [string, [string, string[]][]][] | null;
    const entries = res?.[0]?.[1] ?? [];
    for (const [id, fields] of entries) {
      lastId = id;
      const entry = JSON.parse(fields[1] ?? "{}") as E;
      yield entry;
      if (entry.type === "done" || entry.type === "error") return;
    }
    if (entries.length > 0) {
      sinceCheck = 0;
      idle = 0;
      continue;
    }
    sinceCheck += pollMs;
    idle += pollMs;
    if (idle >= idleTimeoutMs) {
      yield { type: "error", code: "GENERATION_FAILED" } as unknown as E;
      return;
    }
    if (options.checkFinished && sinceCheck >= checkEveryMs) {
      sinceCheck = 0;
      const finished = await options.checkFinished();
      if (finished) {
        yield finished;
        return;
      }
    }
    await sleep(pollMs, options.signal);
  }
}
