/**
 * One reader per process for every Redis stream that lesson and tutor streams tail (decision 0056).
 * A dedicated connection runs `XREAD BLOCK` over all the keys subscribed to, each from the oldest
 * position any of its subscribers needs, and hands each entry to the subscribers that have not seen
 * it; so 500 open streams cost one blocked command, not 500 polls every 100 ms. A new subscriber
 * (or one that needs older entries) wakes the blocked read by adding to the process's own wake
 * stream, which is one of the keys read: the read returns at once and the next one includes the
 * new key. A failed read (Redis restarting) is retried after a pause; subscribers only wait.
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "@sira/infra";

/** One stream entry: its id and its `e` field (the JSON the publisher wrote). */
export interface RawEntry {
  id: string;
  data: string;
}

export interface StreamSubscription {
  /** Stops delivery; safe to call more than once. */
  close(): void;
}

interface Subscriber {
  key: string;
  /** The id of the last entry this subscriber got ("0-0" before any). */
  lastId: string;
  deliver: (entries: RawEntry[]) => void;
}

/** How long one XREAD blocks when nothing arrives (a wake ends it sooner). */
const BLOCK_MS = 15_000;
/** Entries per key per read; a longer backlog takes more reads. */
const COUNT = 500;
const RETRY_MS = 500;
/** The wake stream outlives its last wake by this much (it is the process's own, trimmed to 1). */
const WAKE_TTL_SECONDS = 3_600;

/** "ms-seq" ids compare as two numbers. */
export function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split("-").map(Number);
  const [bm = 0, bs = 0] = b.split("-").map(Number);
  return am === bm ? as - bs : am - bm;
}

type XreadReply = [string, [string, string[]][]][] | null;

export class SharedStreamReader {
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private readonly wakeKey = `sira:sse:wake:${randomUUID()}`;
  private wakeId = "0-0";
  private connection: Redis | null = null;
  private running = false;
  private wakePending = false;
  private closed = false;
  /** XREAD calls made (for tests and the bench). */
  reads = 0;

  constructor(private readonly redis: Redis) {}

  /** Delivers the entries of `key` after `fromId` ("0-0": from its start), in order, as they come. */
  subscribe(key: string, fromId: string, deliver: (entries: RawEntry[]) => void): StreamSubscription {
    const subscriber: Subscriber = { key, lastId: fromId, deliver };
    let set = this.subscribers.get(key);
    if (!set) {
      set = new Set();
      this.subscribers.set(key, set);
    }
    set.add(subscriber);
    this.wake();
    this.run();
    return {
      close: () => {
        const current = this.subscribers.get(key);
        if (!current?.delete(subscriber)) return;
        if (current.size === 0) this.subscribers.delete(key);
      },
    };
  }

  /** Closes the dedicated connection; subscribers get nothing more. */
  close(): void {
    this.closed = true;
    this.subscribers.clear();
    this.connection?.disconnect();
    this.connection = null;
  }

  private conn(): Redis {
    // No command timeout beyond the block itself, no auto-pipelining: this connection only blocks.
    this.connection ??= this.redis.duplicate({
      commandTimeout: BLOCK_MS + 10_000,
      enableAutoPipelining: false,
      maxRetriesPerRequest: null,
      connectionName: "sira-stream-reader",
    });
    return this.connection;
  }

  /** Ends the blocked read so the next one sees the new subscribers (once per tick). */
  private wake(): void {
    if (!this.running || this.wakePending) return;
    this.wakePending = true;
    queueMicrotask(() => {
      this.wakePending = false;
      this.redis
        .multi()
        .xadd(this.wakeKey, "MAXLEN", "1", "*", "w", "1")
        .expire(this.wakeKey, WAKE_TTL_SECONDS)
        .exec()
        .catch(() => null);
    });
  }

  private run(): void {
    if (this.running || this.closed) return;
    this.running = true;
    void this.loop().finally(() => {
      this.running = false;
      // A subscriber may have come while the loop was ending.
      if (this.subscribers.size > 0 && !this.closed) this.run();
    });
  }

  private async loop(): Promise<void> {
    while (!this.closed && this.subscribers.size > 0) {
      const keys: string[] = [];
      const ids: string[] = [];
      for (const [key, set] of this.subscribers) {
        let from: string | null = null;
        for (const s of set) if (from === null || compareIds(s.lastId, from) < 0) from = s.lastId;
        keys.push(key);
        ids.push(from ?? "0-0");
      }
      keys.push(this.wakeKey);
      ids.push(this.wakeId);
      let reply: XreadReply;
      try {
        this.reads += 1;
        reply = (await this.conn().xread("COUNT", COUNT, "BLOCK", BLOCK_MS, "STREAMS", ...keys, ...ids)) as XreadReply;
      } catch {
        if (this.closed) return;
        await new Promise((r) => setTimeout(r, RETRY_MS));
        continue;
      }
      for (const [key, rows] of reply ?? []) {
        if (key === this.wakeKey) {
          this.wakeId = rows.at(-1)?.[0] ?? this.wakeId;
          continue;
        }
        const set = this.subscribers.get(key);
        if (!set) continue;
        const entries: RawEntry[] = rows.map(([id, fields]) => ({ id, data: fields[1] ?? "{}" }));
        for (const s of [...set]) {
          const fresh = entries.filter((e) => compareIds(e.id, s.lastId) > 0);
          if (fresh.length === 0) continue;
          s.lastId = fresh.at(-1)?.id ?? s.lastId;
          s.deliver(fresh);
        }
      }
    }
  }
}

const readers = new WeakMap<Redis, SharedStreamReader>();

/** The process's reader for `redis` (its connection duplicated once), closed when `redis` ends. */
export function sharedStreamReader(redis: Redis): SharedStreamReader {
  let reader = readers.get(redis);
  if (!reader) {
    const created = new SharedStreamReader(redis);
    reader = created;
    readers.set(redis, created);
    redis.once("end", () => {
      created.close();
      readers.delete(redis);
    });
  }
  return reader;
}
