/**
 * Which days the roll-up rebuilds: never a day whose raw events the retention may already have
 * deleted, even when the last day rolled is older (the job was behind, say after an outage).
 */
import { createLogger, parseConfig } from "@sira/infra";
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { BufferedUsageRecorder } from "../../src/usage/recorder.ts";
import { daysToRoll, rollUpUsage } from "../../src/usage/rollup.ts";

const db = createDb({ url: process.env.DATABASE_URL as string });
const config = parseConfig(process.env);
beforeEach(() => truncateAll(process.env.DATABASE_URL as string));
afterAll(() => db.$disconnect());

const DAY_MS = 86_400_000;
const day = (d: Date) => d.toISOString().slice(0, 10);

describe("daysToRoll", () => {
  it("starts after the retention's cut-off when the last day rolled is older than it", async () => {
    const now = new Date();
    const long = new Date(now.getTime() - 20 * DAY_MS);
    // An event replayed from 20 days back, rolled up then: the last day rolled is that day.
    const usage = new BufferedUsageRecorder(db, createLogger("test", "silent"), {
      flushIntervalMs: 60_000,
      batchSize: 10,
      maxBuffered: config.USAGE_BUFFER_MAX,
    });
    usage.record({ kind: "lesson_view", userId: null, courseId: null, metadata: {}, occurredAt: long });
    await usage.close();
    await rollUpUsage(db, new Date(long.getTime() + 60_000), 400);
    expect(await db.usageDaily.count()).toBeGreaterThan(0);

    const days = await daysToRoll(db, now, 9);
    // With 9 days kept, the first whole day still complete is 8 days back.
    expect(day(days[0] as Date)).toBe(day(new Date(now.getTime() - 8 * DAY_MS)));
    expect(day(days.at(-1) as Date)).toBe(day(now));
    // Kept long enough, the same state rebuilds from the last day rolled.
    expect(day((await daysToRoll(db, now, 30))[0] as Date)).toBe(day(long));
  });
});
