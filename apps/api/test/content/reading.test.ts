/**
 * Reading progress: monotonic read_pct and total time, completed_at set once, offline replays
 * recorded at their real time (streak), Idempotency-Key replays, delta sync, and who may report.
 */
import { afterAll, describe, expect, it } from "vitest";
import { enroll } from "../../../../packages/domain/test/content/fixtures.ts";
import { closeTestDeps, enrolledLearnerWorld, type SignedIn, signIn, testApp } from "../helpers.ts";

const { app, deps } = testApp();
const world = enrolledLearnerWorld(deps);
afterAll(closeTestDeps);

const path = () => `/api/v1/modules/${world.course.moduleId}/lessons/${world.course.lessonUnitId}/reading`;
const put = (user: SignedIn | null, body: unknown, headers: Record<string, string> = {}) =>
  app.request(path(), {
    method: "PUT",
    headers: { ...(user?.headers ?? {}), "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

describe("PUT /api/v1/modules/{id}/lessons/{unit_id}/reading", () => {
  it("keeps the furthest progress and the largest total time, and completes once", async () => {
    const first = await put(world.learner, { read_pct: 40, time_spent_seconds: 120, last_position: { section: 2 } });
    expect(first.status).toBe(200);
    const a = (await first.json()) as Record<string, unknown>;
    expect(a).toMatchObject({
      unit_id: world.course.lessonUnitId,
      module_id: world.course.moduleId,
      read_pct: 40,
      time_spent_seconds: 120,
    });
    expect(a.completed_at).toBeNull();
    // A late report from earlier in the reading changes nothing backwards.
    const b = (await (
      await put(world.learner, { read_pct: 10, time_spent_seconds: 30, last_position: { section: 0 } })
    ).json()) as Record<string, unknown>;
    expect(b).toMatchObject({ read_pct: 40, time_spent_seconds: 120, last_position: { section: 2 } });
    const c = (await (await put(world.learner, { read_pct: 100, time_spent_seconds: 300 })).json()) as Record<
      string,
      unknown
    >;
    expect(c.read_pct).toBe(100);
    expect(c.completed_at).not.toBeNull();
    const d = (await (await put(world.learner, { read_pct: 100, completed: true })).json()) as Record<string, unknown>;
    expect(d.completed_at).toBe(c.completed_at);
    expect(d.time_spent_seconds).toBe(300);
    expect(await deps.db.lessonReading.count()).toBe(1);
  });

  it("records an offline replay at its real time, for the streak no earlier than the enrolment, once per key", async () => {
    const queuedAt = new Date(Date.now() - 2 * 86_400_000);
    const headers = { "x-offline-queued-at": queuedAt.toISOString(), "idempotency-key": crypto.randomUUID() };
    const res = await put(world.learner, { read_pct: 100, completed: true }, headers);
    expect(res.status).toBe(200);
    const reading = (await res.json()) as { completed_at: string };
    expect(new Date(reading.completed_at).getTime()).toBe(new Date(queuedAt.toISOString()).getTime());
    const user = await deps.db.user.findUniqueOrThrow({ where: { id: world.learner.userId } });
    // Dated before the learner joined the course: backdated replays must not make a run of days.
    const enrolled = await deps.db.userCourseEnrollment.findUniqueOrThrow({
      where: { userId_courseId: { userId: world.learner.userId, courseId: world.course.courseId } },
    });
    expect(user.lastActive?.toISOString()).toBe(enrolled.createdAt.toISOString());
    expect(user.streakDays).toBe(1);
    const replay = await put(world.learner, { read_pct: 100, completed: true }, headers);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await replay.json()).toEqual(reading);
  });

  it("validates the report (400 naming the field)", async () => {
    const res = await put(world.learner, { read_pct: 140 });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { errors: { field: string }[] };
    expect(problem.errors.map((e) => e.field)).toContain("read_pct");
    expect((await put(world.learner, { read_pct: 10, extra: 1 })).status).toBe(400);
  });

  it("refuses anonymous (401) and not-enrolled (403) callers", async () => {
    expect((await put(null, { read_pct: 10 })).status).toBe(401);
    const stranger = await signIn(deps, { role: "learner" });
    const res = await put(stranger, { read_pct: 10 });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe("NOT_ENROLLED");
    expect(await deps.db.lessonReading.count()).toBe(0);
  });
});

describe("GET /api/v1/lessons/readings", () => {
  it("returns the caller's readings changed since ?since=, and only theirs", async () => {
    const before = new Date(Date.now() - 1000).toISOString();
    await put(world.learner, { read_pct: 50 });
    const other = await signIn(deps, { role: "learner" });
    await enroll(deps.db, other.userId, world.course.courseId);
    await put(other, { read_pct: 20 });
    // Past the cursor's clock-skew margin (100 ms): changes younger than that are sent again.
    await new Promise((r) => setTimeout(r, 150));
    const res = await app.request(`/api/v1/lessons/readings?since=${before}`, { headers: world.learner.headers });
    expect(res.status).toBe(200);
    const delta = (await res.json()) as { items: { read_pct: number }[]; server_time: string; has_more: boolean };
    expect(delta.items.map((i) => i.read_pct)).toEqual([50]);
    expect(delta.has_more).toBe(false);
    const later = await app.request(`/api/v1/lessons/readings?since=${delta.server_time}`, {
      headers: world.learner.headers,
    });
    expect(((await later.json()) as { items: unknown[] }).items).toEqual([]);
    expect(
      (await app.request("/api/v1/lessons/readings?since=yesterday", { headers: world.learner.headers })).status,
    ).toBe(400);
    expect((await app.request("/api/v1/lessons/readings")).status).toBe(401);
  });
});
