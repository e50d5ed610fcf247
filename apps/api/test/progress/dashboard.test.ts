/**
 * GET /api/v1/dashboard: its content (streak, courses, due reviews, recent quizzes, next unit,
 * tutor allowance), the cache (no SQL on a hit, bounded SQL on a miss), and invalidation on writes.
 */
import { askTutor, invalidateDashboard } from "@sira/domain";
import { afterAll, describe, expect, it, vi } from "vitest";
import { enrollIn, makeProgressCourse } from "../../../../packages/domain/test/progress/fixtures.ts";
import { closeTestDeps, countQueries, testApp } from "../helpers.ts";
import { progressWorld } from "./world.ts";

const { app, deps } = testApp();
const world = progressWorld(deps);
const { mod } = world;
afterAll(closeTestDeps);

interface Dash {
  streak_days: number;
  courses: { id: string; completion_pct: number; current_module: { id: string } | null }[];
  due_reviews: number;
  recent_quizzes: { module_id: string; score: number }[];
  next_unit: { unit_id: string } | null;
  tutor_messages_left: number;
  tutor_daily_limit: number;
}
const get = async (lang = "en") =>
  (await (
    await app.request("/api/v1/dashboard", { headers: { ...world.learner.headers, "accept-language": lang } })
  ).json()) as Dash;

describe("GET /api/v1/dashboard", () => {
  it("shows progress, the next unit, due reviews, recent quizzes and tutor messages left", async () => {
    const first = await get();
    expect(first).toMatchObject({
      streak_days: 0,
      due_reviews: 0,
      recent_quizzes: [],
      tutor_daily_limit: 5,
      tutor_messages_left: 5,
    });
    expect(first.courses).toEqual([
      {
        id: world.course.courseId,
        title: "Community health",
        completion_pct: 0,
        current_module: expect.objectContaining({ id: mod(0).id }),
      },
    ]);
    expect(first.next_unit?.unit_id).toBe(mod(0).lessons[0]);

    const card = await deps.db.flashcard.create({
      data: { moduleId: mod(0).id, conceptKey: "hygiene", termFr: "hygiène", definitionFr: "d", definitionEn: "d" },
    });
    await deps.db.flashcardReview.create({
      data: { userId: world.learner.userId, cardId: card.id, due: new Date(Date.now() - 60_000) },
    });
    await deps.db.quizAttempt.create({
      data: {
        userId: world.learner.userId,
        moduleId: mod(0).id,
        kind: "formative",
        status: "submitted",
        language: "en",
        maxItems: 10,
        score: 70,
        submittedAt: new Date(),
      },
    });
    const learner = {
      viewer: { userId: world.learner.userId, role: "learner" as const },
      language: "en" as const,
      country: "SN",
    };
    for (const message of ["What is a vaccine?", "Why vaccinate children?"]) {
      await askTutor(deps, learner, { course_id: world.course.courseId, message }, { idempotencyKey: null });
    }
    await invalidateDashboard(deps.redis, world.learner.userId);
    const second = await get();
    expect(second).toMatchObject({ due_reviews: 1, tutor_messages_left: 3 });
    expect(second.recent_quizzes).toEqual([expect.objectContaining({ module_id: mod(0).id, score: 70 })]);
  });

  it("is invalidated by a unit completion: the next dashboard shows it", async () => {
    const before = await get();
    expect(before.courses[0]?.completion_pct).toBe(0);
    // A direct database change is not seen while cached…
    await deps.db.userCourseEnrollment.update({
      where: { userId_courseId: { userId: world.learner.userId, courseId: world.course.courseId } },
      data: { completionPct: 50 },
    });
    expect((await get()).courses[0]?.completion_pct).toBe(0);
    // …but a progress write invalidates it.
    const res = await app.request(`/api/v1/modules/${mod(0).id}/units/${mod(0).lessons[0]}/complete`, {
      method: "POST",
      headers: { ...world.learner.headers, "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(200);
    const after = await get();
    expect(after.courses[0]?.completion_pct).toBeCloseTo(6.67, 2);
    expect(after.next_unit?.unit_id).toBe(mod(0).lessons[1]);
    expect(after.streak_days).toBe(1);
  });

  it("is invalidated by a flashcard review submitted through the API", async () => {
    const card = await deps.db.flashcard.create({
      data: { moduleId: mod(0).id, conceptKey: "hygiene", termFr: "hygiène", definitionFr: "d", definitionEn: "d" },
    });
    expect((await get()).due_reviews).toBe(0);
    // Cached: a second read runs no SQL.
    expect(await countQueries(deps, () => get())).toBe(0);
    // A review forgotten two days ago (replayed from the offline queue) is due again by now.
    const reviewedAt = new Date(Date.now() - 2 * 86_400_000);
    const res = await app.request(`/api/v1/flashcards/${card.id}/review`, {
      method: "POST",
      headers: {
        ...world.learner.headers,
        "content-type": "application/json",
        "idempotency-key": "dashboard-review-0001",
        "x-offline-queued-at": reviewedAt.toISOString(),
      },
      body: JSON.stringify({ rating: 1, duration_ms: 4000 }),
    });
    expect(res.status).toBe(200);
    const { due } = (await res.json()) as { due: string };
    expect(new Date(due).getTime()).toBeLessThan(Date.now());
    expect((await get()).due_reviews).toBe(1);
  });

  it("is invalidated by enrolling and unenrolling", async () => {
    const other = await makeProgressCourse(deps.db);
    expect((await get()).courses.map((c) => c.id)).toEqual([world.course.courseId]);
    const enrolled = await app.request(`/api/v1/courses/${other.courseId}/enroll`, {
      method: "POST",
      headers: world.learner.headers,
    });
    expect(enrolled.status).toBe(200);
    expect(new Set((await get()).courses.map((c) => c.id))).toEqual(new Set([world.course.courseId, other.courseId]));
    const dropped = await app.request(`/api/v1/courses/${other.courseId}/unenroll`, {
      method: "POST",
      headers: world.learner.headers,
    });
    expect(dropped.status).toBe(200);
    expect((await get()).courses.map((c) => c.id)).toEqual([world.course.courseId]);
  });

  it("costs a bounded number of SQL statements on a miss and none on a hit, per language", async () => {
    for (let i = 0; i < 4; i++) {
      const extra = await makeProgressCourse(deps.db);
      await enrollIn(deps.db, world.learner.userId, extra.courseId);
    }
    const cold = await countQueries(deps, () => get());
    expect(cold).toBeLessThanOrEqual(7);
    expect(await countQueries(deps, () => get())).toBe(0);
    const fr = await countQueries(deps, () => get("fr"));
    expect(fr).toBe(cold);
    const en = (await get()).courses.map((c) => c.id);
    expect(en).toHaveLength(5);
    expect(en).toContain(world.course.courseId);
    expect((await get("fr")).courses.map((c) => c.id)).toEqual(en);
  });

  it("reads a cached dashboard in the rate limiter's round trip, and only for the caller the token proves", async () => {
    const redisCommands = async (work: () => Promise<unknown>) => {
      const sent: string[] = [];
      const original = deps.redis.sendCommand.bind(deps.redis);
      const counting = vi.spyOn(deps.redis, "sendCommand").mockImplementation((command, stream) => {
        sent.push(command.name);
        return original(command, stream);
      });
      try {
        await work();
      } finally {
        counting.mockRestore();
      }
      return sent;
    };
    const built = await get();
    const hit = await redisCommands(() => get());
    expect(hit).toEqual(["evalsha"]);
    expect(await get()).toEqual(built);

    // Another language is another cache entry: a miss reads and stores it as before.
    const miss = await redisCommands(() => get("fr"));
    expect(miss[0]).toBe("evalsha");
    expect(miss).toContain("set");

    // A token altered to claim another learner is refused: the cache read ahead for the claim is never used.
    const [header, payload, signature] = (world.learner.headers.authorization ?? "").slice(7).split(".");
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: crypto.randomUUID() })).toString("base64url");
    const refused = await app.request("/api/v1/dashboard", {
      headers: { authorization: `Bearer ${header}.${forged}.${signature}` },
    });
    expect(refused.status).toBe(401);
  });

  it("keeps a dashboard built across an invalidation from being served", async () => {
    await get();
    await invalidateDashboard(deps.redis, world.learner.userId);
    const stale = await deps.redis.get(`sira:dash:${world.learner.userId}:en`);
    expect(stale).toBeNull();
    // A build stored under an old version is ignored.
    await deps.redis.set(`sira:dash:${world.learner.userId}:en`, `0|{"stale":true}`);
    const res = await get();
    expect(res).not.toHaveProperty("stale");
  });
});
