/**
 * The usage buffer against the real database: bulk writes, a bound on memory, everything written
 * on close, a retried batch stored once, and a row the database refuses not blocking the others.
 */
import { createLogger, parseConfig } from "@sira/infra";
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { BufferedUsageRecorder } from "../../src/usage/recorder.ts";

const db = createDb({ url: process.env.DATABASE_URL as string });
const logger = createLogger("test", "silent");
const config = parseConfig(process.env);
beforeEach(() => truncateAll(process.env.DATABASE_URL as string));
afterAll(() => db.$disconnect());

async function learner(): Promise<string> {
  const user = await db.user.create({
    data: {
      email: `u-${crypto.randomUUID().slice(0, 8)}@example.org`,
      name: "Awa Diallo",
      preferredLanguage: "fr",
      country: "SN",
      professionalRole: "nurse",
      role: "learner",
      status: "active",
      emailVerifiedAt: new Date(),
    },
  });
  return user.id;
}

const recorder = (options: Partial<{ batchSize: number; maxBuffered: number }> = {}) =>
  new BufferedUsageRecorder(db, logger, {
    flushIntervalMs: 60_000,
    batchSize: options.batchSize ?? 500,
    maxBuffered: options.maxBuffered ?? config.USAGE_BUFFER_MAX,
  });

describe("the usage recorder", () => {
  it("writes nothing while recording, then everything on close, in batches", async () => {
    const userId = await learner();
    const usage = recorder({ batchSize: 1_000 });
    for (let i = 0; i < 750; i++) usage.record({ kind: "quiz_answer", userId });
    expect(await db.usageEvent.count()).toBe(0);
    expect(usage.pending).toBe(750);
    await usage.close();
    expect(await db.usageEvent.count()).toBe(750);
    expect(usage.pending).toBe(0);
  });

  it("starts a write as soon as a batch is full, without waiting for the timer", async () => {
    const userId = await learner();
    const usage = recorder({ batchSize: 10 });
    for (let i = 0; i < 10; i++) usage.record({ kind: "lesson_view", userId });
    await usage.flush();
    expect(await db.usageEvent.count()).toBe(10);
    await usage.close();
  });

  it("keeps at most maxBuffered events and drops the rest instead of growing", async () => {
    const userId = await learner();
    const usage = recorder({ maxBuffered: 100, batchSize: 1_000 });
    for (let i = 0; i < 250; i++) usage.record({ kind: "login", userId });
    expect(usage.pending).toBe(100);
    await usage.close();
    expect(await db.usageEvent.count()).toBe(100);
  });

  it("drops a refused event (its user erased since) and writes the others of its batch", async () => {
    const kept = await learner();
    const erased = await learner();
    const usage = recorder();
    usage.record({ kind: "login", userId: kept });
    usage.record({ kind: "login", userId: erased });
    usage.record({ kind: "enrollment", userId: kept });
    await db.user.delete({ where: { id: erased } });
    await usage.flush();
    const rows = await db.usageEvent.findMany({ orderBy: { kind: "asc" } });
    expect(rows.map((r) => [r.kind, r.userId])).toEqual([
      ["enrollment", kept],
      ["login", kept],
    ]);
    usage.record({ kind: "quiz_submit", userId: kept });
    await usage.close();
    expect(await db.usageEvent.count()).toBe(3);
  });

  it("stores an event once when its batch is written twice (ids are fixed when recorded)", async () => {
    const userId = await learner();
    const usage = recorder();
    usage.record({ kind: "flashcard_review", userId, metadata: { rating: 3 } });
    const [first, second] = [usage.flush(), usage.flush()];
    await Promise.all([first, second]);
    await usage.close();
    expect(await db.usageEvent.count({ where: { userId } })).toBe(1);
  });
});
