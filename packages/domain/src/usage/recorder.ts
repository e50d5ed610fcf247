/**
 * Usage events without slowing requests: `record` only appends to an in-memory buffer, which is
 * written in bulk (one INSERT of up to `batchSize` rows) every `flushIntervalMs` or as soon as a
 * batch is full. Each event gets its id when recorded, so a batch retried after a failed write is
 * stored once (`ON CONFLICT DO NOTHING`). The buffer is bounded: past `maxBuffered`, new events are
 * dropped and counted, never the process's memory. `close` writes what is left (clean shutdown).
 */
import { randomUUID } from "node:crypto";
import type { UsageKind } from "@sira/contracts";
import type { Logger } from "@sira/infra";
import { type Db, Prisma, type Transaction } from "@sira/infra/db";

export type UsageMetadata = Record<string, string | number | boolean | null>;

export interface UsageEventInput {
  kind: UsageKind;
  userId: string | null;
  courseId?: string | null;
  /** How much of the thing happened (answers in a quiz, seconds of audio); 1 by default. */
  quantity?: number;
  metadata?: UsageMetadata;
  /** When it happened (an offline replay's queued time); now by default. */
  occurredAt?: Date;
}

export interface UsageRecorder {
  /** Never throws and never waits: the event is written with the next batch. */
  record(event: UsageEventInput): void;
  /** Writes everything buffered so far. */
  flush(): Promise<void>;
  /** Stops the timer and writes what is left. */
  close(): Promise<void>;
}

/** What a domain flow needs to record an event. */
export type UsageSink = Pick<UsageRecorder, "record">;

export interface UsageRecorderOptions {
  flushIntervalMs: number;
  batchSize: number;
  maxBuffered: number;
}

interface Buffered {
  id: string;
  userId: string | null;
  kind: UsageKind;
  courseId: string | null;
  quantity: number;
  metadata: UsageMetadata;
  occurredAt: Date;
}

export class BufferedUsageRecorder implements UsageRecorder {
  private buffer: Buffered[] = [];
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private dropped = 0;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly options: UsageRecorderOptions,
  ) {
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs);
    this.timer.unref();
  }

  record(event: UsageEventInput): void {
    if (this.buffer.length >= this.options.maxBuffered) {
      if (this.dropped++ % 1_000 === 0)
        this.logger.warn({ dropped: this.dropped }, "usage buffer full: events dropped");
      return;
    }
    this.buffer.push({
      id: randomUUID(),
      userId: event.userId,
      kind: event.kind,
      courseId: event.courseId ?? null,
      quantity: Math.max(1, Math.round(event.quantity ?? 1)),
      metadata: event.metadata ?? {},
      occurredAt: event.occurredAt ?? new Date(),
    });
    if (this.buffer.length >= this.options.batchSize && !this.closed) void this.flush();
  }

  /** Serialised: one write at a time, each taking the oldest batch, until the buffer is empty. */
  flush(): Promise<void> {
    this.writing = this.writing.then(() => this.drain());
    return this.writing;
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.slice(0, this.options.batchSize);
      let kept = batch;
      try {
        await this.db.$transaction(async (tx) => {
          kept = await withoutErasedUsers(tx, batch);
          await tx.usageEvent.createMany({ data: kept, skipDuplicates: true });
        });
      } catch (error) {
        if (!isRefusedRow(error)) {
          // The database is unreachable: kept for the next flush (the buffer's bound still holds).
          this.logger.warn({ err: error, buffered: this.buffer.length }, "usage events not written yet");
          return;
        }
        // A row the database refuses (its user deleted since) must not block the others.
        if (!(await this.writeOneByOne(kept))) return;
      }
      this.buffer.splice(0, batch.length);
    }
  }

  /** Writes each event alone, dropping the ones refused; false when the database became unreachable. */
  private async writeOneByOne(batch: Buffered[]): Promise<boolean> {
    for (const event of batch) {
      try {
        await this.db.usageEvent.createMany({ data: [event], skipDuplicates: true });
      } catch (error) {
        if (!isRefusedRow(error)) return false;
        this.logger.warn({ err: error, kind: event.kind }, "usage event refused: dropped");
      }
    }
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.flush();
    if (this.buffer.length > 0) this.logger.error({ lost: this.buffer.length }, "usage events lost at shutdown");
  }

  /** Events waiting to be written (for readiness and tests). */
  get pending(): number {
    return this.buffer.length;
  }
}

/** A constraint or data error on the rows themselves (Prisma's P2xxx), not a lost connection. */
function isRefusedRow(error: unknown): boolean {
  return (
    error instanceof Prisma.PrismaClientKnownRequestError &&
    error.code.startsWith("P2") &&
    !["P2024", "P2028", "P2034"].includes(error.code)
  );
}

export function createUsageRecorder(
  db: Db,
  logger: Logger,
  config: { USAGE_FLUSH_INTERVAL_MS: number; USAGE_BUFFER_MAX: number },
): BufferedUsageRecorder {
  return new BufferedUsageRecorder(db, logger.child({ component: "usage" }), {
    flushIntervalMs: config.USAGE_FLUSH_INTERVAL_MS,
    batchSize: 500,
    maxBuffered: config.USAGE_BUFFER_MAX,
  });
}

/**
 * The batch without the events of accounts erased since they were recorded: the erasure deleted
 * the account's other events, and these would bring its activity back. The accounts are held (KEY
 * SHARE) until the batch is written: an erasure still running is waited for and then seen, and one
 * starting later waits for the batch and deletes it with the rest.
 */
async function withoutErasedUsers(tx: Transaction, batch: Buffered[]): Promise<Buffered[]> {
  const ids = [...new Set(batch.flatMap((e) => (e.userId ? [e.userId] : [])))];
  if (ids.length === 0) return batch;
  const live = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM users WHERE id = ANY(${ids}::uuid[]) AND deleted_at IS NULL FOR KEY SHARE`;
  const kept = new Set(live.map((u) => u.id));
  return batch.filter((e) => e.userId === null || kept.has(e.userId));
}
