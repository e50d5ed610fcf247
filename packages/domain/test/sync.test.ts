import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { purgeExpired } from "../src/maintenance.ts";
import { needsFullResync, pageArgs, recordTombstone, tombstonesSince } from "../src/sync.ts";

const db = createDb({ url: process.env.DATABASE_URL as string });
beforeEach(() => truncateAll(process.env.DATABASE_URL as string));
afterAll(() => db.$disconnect());

async function user(email: string): Promise<string> {
  const row = await db.user.create({
    data: { email, name: "Test", preferredLanguage: "fr", country: "SN", professionalRole: "nurse" },
  });
  return row.id;
}

describe("delta-sync tombstones", () => {
  it("return a learner's own and global deletions after `since`, never another learner's", async () => {
    const awa = await user("awa@example.org");
    const moussa = await user("moussa@example.org");
    const before = new Date("2026-01-01T00:00:00Z");
    const since = new Date("2026-02-01T00:00:00Z");
    const after = new Date("2026-03-01T00:00:00Z");
    const ids = {
      old: crypto.randomUUID(),
      mine: crypto.randomUUID(),
      global: crypto.randomUUID(),
      theirs: crypto.randomUUID(),
      otherEntity: crypto.randomUUID(),
    };
    await recordTombstone(db, { entity: "flashcard_reviews", entityId: ids.old, userId: awa, deletedAt: before });
    await recordTombstone(db, { entity: "flashcard_reviews", entityId: ids.mine, userId: awa, deletedAt: after });
    await recordTombstone(db, { entity: "flashcard_reviews", entityId: ids.global, deletedAt: after });
    await recordTombstone(db, { entity: "flashcard_reviews", entityId: ids.theirs, userId: moussa, deletedAt: after });
    await recordTombstone(db, { entity: "lesson_reading", entityId: ids.otherEntity, userId: awa, deletedAt: after });

    const got = await tombstonesSince(db, { entities: ["flashcard_reviews"], userId: awa, since });
    expect(got.map((t) => t.id).sort()).toEqual([ids.mine, ids.global].sort());
    expect(got[0]?.deleted_at).toBe(after.toISOString());
  });

  it("page oldest first under a limit", async () => {
    const at = (day: number) => new Date(Date.UTC(2026, 2, day));
    for (const day of [5, 3, 4]) {
      await recordTombstone(db, { entity: "lesson_reading", entityId: crypto.randomUUID(), deletedAt: at(day) });
    }
    const page = await tombstonesSince(db, { entities: ["lesson_reading"], userId: null, since: at(1), limit: 2 });
    expect(page.map((t) => t.deleted_at)).toEqual([at(3).toISOString(), at(4).toISOString()]);
  });

  it("ask for a full resync once `since` predates the tombstones kept", () => {
    const now = new Date("2026-06-01T00:00:00Z");
    expect(needsFullResync(new Date("2026-05-01T00:00:00Z"), now)).toBe(false);
    expect(needsFullResync(new Date("2026-01-01T00:00:00Z"), now)).toBe(true);
  });

  it("turns a page query into skip/take", () => {
    expect(pageArgs({ page: 1, limit: 20 })).toEqual({ skip: 0, take: 20 });
    expect(pageArgs({ page: 3, limit: 50 })).toEqual({ skip: 100, take: 50 });
  });
});

describe("purgeExpired", () => {
  it("drops expired idempotency records and old tombstones, and keeps the rest", async () => {
    const now = new Date("2026-06-01T00:00:00Z");
    const key = (k: string, expiresAt: Date) =>
      db.idempotencyKey.create({
        data: {
          scope: "ip:1.2.3.4",
          key: k,
          method: "POST",
          path: "/x",
          requestHash: "h",
          createdAt: new Date(expiresAt.getTime() - 3_600_000),
          expiresAt,
        },
      });
    await key("expired-0001", new Date("2026-05-31T00:00:00Z"));
    const live = await key("live-000001", new Date("2026-06-02T00:00:00Z"));
    await recordTombstone(db, {
      entity: "flashcard_reviews",
      entityId: crypto.randomUUID(),
      deletedAt: new Date("2026-01-01"),
    });
    await recordTombstone(db, {
      entity: "flashcard_reviews",
      entityId: crypto.randomUUID(),
      deletedAt: new Date("2026-05-20"),
    });

    await db.authEmailQuota.createMany({
      data: [
        { scope: "recovery:old", sentCount: 3, windowStartsAt: new Date("2026-05-31T22:00:00Z") },
        { scope: "recovery:live", sentCount: 1, windowStartsAt: new Date("2026-05-31T23:30:00Z") },
      ],
    });

    expect(await purgeExpired(db, now)).toEqual({
      idempotencyKeys: 1,
      tombstones: 1,
      authThrottles: 0,
      authEmailQuotas: 1,
    });
    expect((await db.authEmailQuota.findMany()).map((q) => q.scope)).toEqual(["recovery:live"]);
    expect((await db.idempotencyKey.findMany()).map((k) => k.id)).toEqual([live.id]);
    expect(await db.syncTombstone.count()).toBe(1);
  });
});
