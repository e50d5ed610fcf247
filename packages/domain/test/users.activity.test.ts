/**
 * recordLearningActivity on the real database: streaks by local day in the user's zone (explicit or
 * from the country), late offline replays, erased accounts, a caller's transaction, and concurrency.
 */
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { recordLearningActivity } from "../src/users/activity.ts";

const db = createDb({ url: process.env.DATABASE_URL as string, poolMax: 12 });
beforeEach(() => truncateAll(process.env.DATABASE_URL as string));
afterAll(() => db.$disconnect());

const at = (iso: string) => new Date(iso);

async function learner(
  data: Partial<{ country: string; timezone: string | null; streakDays: number; lastActive: Date | null }> = {},
): Promise<string> {
  const row = await db.user.create({
    data: {
      email: `learner-${crypto.randomUUID().slice(0, 8)}@example.org`,
      name: "Awa Diop",
      preferredLanguage: "fr",
      country: data.country ?? "SN",
      professionalRole: "midwife",
      status: "active",
      timezone: data.timezone ?? null,
      streakDays: data.streakDays ?? 0,
      lastActive: data.lastActive ?? null,
    },
  });
  return row.id;
}

async function stored(userId: string) {
  return db.user.findUniqueOrThrow({ where: { id: userId }, select: { streakDays: true, lastActive: true } });
}

describe("recordLearningActivity", () => {
  it("starts, keeps, extends and resets the streak by calendar day, and stores it", async () => {
    const id = await learner();
    expect(await recordLearningActivity(db, id, at("2026-03-10T09:00:00Z"))).toEqual({
      streakDays: 1,
      lastActive: at("2026-03-10T09:00:00Z"),
    });
    await recordLearningActivity(db, id, at("2026-03-10T21:00:00Z"));
    expect(await stored(id)).toEqual({ streakDays: 1, lastActive: at("2026-03-10T21:00:00Z") });
    await recordLearningActivity(db, id, at("2026-03-11T00:05:00Z"));
    expect(await stored(id)).toEqual({ streakDays: 2, lastActive: at("2026-03-11T00:05:00Z") });
    await recordLearningActivity(db, id, at("2026-03-13T08:00:00Z"));
    expect(await stored(id)).toEqual({ streakDays: 1, lastActive: at("2026-03-13T08:00:00Z") });
  });

  it("counts days in the zone derived from the country: Lagos has passed midnight, Dakar has not", async () => {
    const dakar = await learner({ country: "SN", streakDays: 3, lastActive: at("2026-03-10T22:30:00Z") });
    const lagos = await learner({ country: "NG", streakDays: 3, lastActive: at("2026-03-10T22:30:00Z") });
    await recordLearningActivity(db, dakar, at("2026-03-10T23:30:00Z"));
    await recordLearningActivity(db, lagos, at("2026-03-10T23:30:00Z"));
    expect((await stored(dakar)).streakDays).toBe(3);
    expect((await stored(lagos)).streakDays).toBe(4);
  });

  it("uses the zone the user set over the country's", async () => {
    const id = await learner({
      country: "SN",
      timezone: "Africa/Lagos",
      streakDays: 3,
      lastActive: at("2026-03-10T22:30:00Z"),
    });
    await recordLearningActivity(db, id, at("2026-03-10T23:30:00Z"));
    expect((await stored(id)).streakDays).toBe(4);
  });

  it("does not let a late offline replay move last_active back or break the streak", async () => {
    const last = at("2026-03-12T10:00:00Z");
    const id = await learner({ streakDays: 3, lastActive: last });
    await recordLearningActivity(db, id, at("2026-03-05T10:00:00Z"));
    expect(await stored(id)).toEqual({ streakDays: 3, lastActive: last });
    await recordLearningActivity(db, id, at("2026-03-09T10:00:00Z")); // the day before the run
    expect(await stored(id)).toEqual({ streakDays: 4, lastActive: last });
  });

  it("leaves an erased account alone and says so", async () => {
    const id = await learner();
    await db.user.update({ where: { id }, data: { deletedAt: new Date(), status: "disabled" } });
    expect(await recordLearningActivity(db, id, at("2026-03-10T09:00:00Z"))).toBeNull();
    expect(await stored(id)).toEqual({ streakDays: 0, lastActive: null });
    expect(await recordLearningActivity(db, crypto.randomUUID(), new Date())).toBeNull();
  });

  it("joins the caller's transaction: rolled back with it", async () => {
    const id = await learner();
    await expect(
      db.$transaction(async (tx) => {
        await recordLearningActivity(tx, id, at("2026-03-10T09:00:00Z"));
        expect((await tx.user.findUniqueOrThrow({ where: { id } })).streakDays).toBe(1);
        throw new Error("the caller's work failed");
      }),
    ).rejects.toThrow("the caller's work failed");
    expect(await stored(id)).toEqual({ streakDays: 0, lastActive: null });
  });

  it("applies concurrent activities one after the other, never from the same old state", async () => {
    // Run [11, 12 March]. A new day (13th) and a late replay of the 10th race: applied in either
    // order, both count (streak 4, last_active the 13th). Applied to the same old state, one would be
    // lost, or last_active would go back to the 12th.
    for (let round = 0; round < 5; round++) {
      const id = await learner({ streakDays: 2, lastActive: at("2026-03-12T10:00:00Z") });
      await Promise.all([
        recordLearningActivity(db, id, at("2026-03-13T10:00:00Z")),
        recordLearningActivity(db, id, at("2026-03-10T10:00:00Z")),
        recordLearningActivity(db, id, at("2026-03-13T09:00:00Z")),
        recordLearningActivity(db, id, at("2026-03-11T10:00:00Z")),
      ]);
      expect(await stored(id)).toEqual({ streakDays: 4, lastActive: at("2026-03-13T10:00:00Z") });
    }
  });

  it("does not deadlock transactions that first wrote rows naming the learner (a phone replaying its queue)", async () => {
    // Each transaction inserts a row with a foreign key to the user (a key-share lock on the user's
    // row), then records the activity. Locking the row FOR UPDATE would wait on the other's key-share
    // lock while it waits on ours: PostgreSQL kills one of them as a deadlock.
    for (let round = 0; round < 3; round++) {
      const id = await learner();
      await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          db.$transaction(async (tx) => {
            await tx.idempotencyKey.create({
              data: {
                scope: `user:${id}`,
                key: `activity-${round}-${i}`,
                userId: id,
                method: "POST",
                path: "/api/v1/flashcards/review",
                requestHash: "x".repeat(64),
                expiresAt: new Date(Date.now() + 60_000),
              },
            });
            await new Promise((resolve) => setTimeout(resolve, 20));
            await recordLearningActivity(tx, id, at(`2026-03-10T1${i}:00:00Z`));
          }),
        ),
      );
      expect(await stored(id)).toEqual({ streakDays: 1, lastActive: at("2026-03-10T15:00:00Z") });
    }
  });
});
