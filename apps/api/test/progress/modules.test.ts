/**
 * /api/v1/modules, /modules/{id}, unit start/complete and /progress: happy paths, the unlock rule
 * end to end (enroll → read → quiz ≥ 80 → module 2 opens; 80 % done with a 79 average stays 423),
 * offline replays, errors, who may see what, bounded SQL, and the tRPC twins.
 */
import { recordModuleQuizResult } from "@sira/domain";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { enrollIn, makeProgressCourse } from "../../../../packages/domain/test/progress/fixtures.ts";
import { closeTestDeps, countQueries, type SignedIn, signIn, testApp } from "../helpers.ts";
import { callerAs } from "../trpc-caller.ts";
import { progressWorld } from "./world.ts";

const { app, deps } = testApp();
const world = progressWorld(deps, { enrolled: false });
const { mod } = world;
afterAll(closeTestDeps);

const req = (
  user: SignedIn | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) =>
  app.request(path, {
    method,
    headers: { ...(user?.headers ?? {}), "content-type": "application/json", "accept-language": "en", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const unitPath = (i: number, unitId: string, action: "start" | "complete") =>
  `/api/v1/modules/${mod(i).id}/units/${unitId}/${action}`;

describe("learner journey", () => {
  it("enrolls, reads, passes the quiz at 80 and opens module 2", async () => {
    expect((await req(world.learner, "POST", `/api/v1/courses/${world.course.courseId}/enroll`)).status).toBeLessThan(
      300,
    );
    const list0 = (await (
      await req(world.learner, "GET", `/api/v1/modules?course_id=${world.course.courseId}`)
    ).json()) as {
      items: { id: string; status: string; locked: boolean; lock_reasons: string[]; blocked_by: string[] }[];
      total: number;
    };
    expect(list0.total).toBe(3);
    expect(list0.items.map((m) => [m.status, m.locked])).toEqual([
      ["available", false],
      ["locked", true],
      ["locked", true],
    ]);
    expect(list0.items[1]).toMatchObject({ lock_reasons: ["previous_module"], blocked_by: [mod(0).id] });

    // Reading a lesson to the end completes its unit.
    for (const unitId of mod(0).lessons) {
      const res = await req(world.learner, "PUT", `/api/v1/modules/${mod(0).id}/lessons/${unitId}/reading`, {
        read_pct: 100,
        time_spent_seconds: 60,
      });
      expect(res.status).toBe(200);
    }
    const lessonOf2 = `/api/v1/modules/${mod(1).id}/lessons/${mod(1).lessons[0]}/reading`;
    const lockedRes = await req(world.learner, "PUT", lessonOf2, { read_pct: 10 });
    expect(lockedRes.status).toBe(423);
    expect(((await lockedRes.json()) as { code: string }).code).toBe("MODULE_LOCKED");

    // The module quiz (submitted through the quiz service, which reports here).
    await recordModuleQuizResult(deps.db, {
      userId: world.learner.userId,
      moduleId: mod(0).id,
      unitId: null,
      score: 80,
      at: new Date(),
    });
    const detail = (await (await req(world.learner, "GET", `/api/v1/modules/${mod(0).id}`)).json()) as {
      completion_pct: number;
      quiz_score_avg: number;
      status: string;
      units: { status: string; time_spent_seconds: number }[];
    };
    expect(detail).toMatchObject({ completion_pct: 100, quiz_score_avg: 80, status: "completed" });
    expect(detail.units.map((u) => u.status)).toEqual(Array(5).fill("completed"));
    expect(detail.units[0]?.time_spent_seconds).toBe(60);
    const m2 = (await (await req(world.learner, "GET", `/api/v1/modules/${mod(1).id}`)).json()) as { locked: boolean };
    expect(m2.locked).toBe(false);
    expect((await req(world.learner, "PUT", lessonOf2, { read_pct: 10 })).status).toBe(200);
  });

  it("keeps module 2 locked at 80 % completion with a 79 quiz average", async () => {
    await enrollIn(deps.db, world.learner.userId, world.course.courseId);
    // Three of four lessons and the quiz unit: 4 of 5 units.
    for (const unitId of mod(0).lessons.slice(0, 3)) {
      expect((await req(world.learner, "POST", unitPath(0, unitId, "complete"), {})).status).toBe(200);
    }
    const quizUnit = mod(0).quiz;
    if (!quizUnit) throw new Error("the fixture module has no quiz unit");
    await recordModuleQuizResult(deps.db, {
      userId: world.learner.userId,
      moduleId: mod(0).id,
      unitId: quizUnit,
      score: 79,
      at: new Date(),
    });
    const detail = (await (await req(world.learner, "GET", `/api/v1/modules/${mod(0).id}`)).json()) as {
      completion_pct: number;
      quiz_score_avg: number;
    };
    expect(detail).toMatchObject({ completion_pct: 80, quiz_score_avg: 79 });
    const res = await req(world.learner, "POST", unitPath(1, mod(1).lessons[0] as string, "start"));
    expect(res.status).toBe(423);
    const problem = (await res.json()) as { code: string; detail: string };
    expect(problem.code).toBe("MODULE_LOCKED");
    expect(problem.detail).toMatch(/previous module/);
    const lesson = await req(world.learner, "GET", `/api/v1/modules/${mod(1).id}/lessons/${mod(1).lessons[0]}`);
    expect(lesson.status).toBe(423);
    // The same 80 % with the quiz retaken at 80 opens it: only the average held it back.
    await recordModuleQuizResult(deps.db, {
      userId: world.learner.userId,
      moduleId: mod(0).id,
      unitId: quizUnit,
      score: 80,
      at: new Date(),
    });
    expect(await (await req(world.learner, "GET", `/api/v1/modules/${mod(0).id}`)).json()).toMatchObject({
      completion_pct: 80,
      quiz_score_avg: 80,
    });
    expect((await req(world.learner, "POST", unitPath(1, mod(1).lessons[0] as string, "start"))).status).toBe(200);
  });
});

describe("unit start and complete", () => {
  beforeEach(() => enrollIn(deps.db, world.learner.userId, world.course.courseId));

  it("answers the unit and module progress and the modules a completion unlocks", async () => {
    const started = await req(world.learner, "POST", unitPath(0, mod(0).lessons[0] as string, "start"));
    expect(started.status).toBe(200);
    expect(await started.json()).toMatchObject({
      unit: { kind: "unit", status: "in_progress", completed_at: null },
      module: { kind: "module", status: "in_progress", completion_pct: 0 },
      unlocked_modules: [],
    });
    for (const unitId of mod(0).lessons.slice(0, 2))
      await req(world.learner, "POST", unitPath(0, unitId, "complete"), {});
    await recordModuleQuizResult(deps.db, {
      userId: world.learner.userId,
      moduleId: mod(0).id,
      unitId: mod(0).quiz,
      score: 95,
      at: new Date(),
    });
    // Two lessons and the quiz: 60 %. The third lesson reaches 80 % and opens module 2.
    const last = await req(world.learner, "POST", unitPath(0, mod(0).lessons[2] as string, "complete"), {
      time_spent_seconds: 240,
    });
    const body = (await last.json()) as {
      unit: { time_spent_seconds: number };
      module: unknown;
      unlocked_modules: string[];
    };
    expect(body.unit.time_spent_seconds).toBe(240);
    expect(body.module).toMatchObject({ status: "completed", completion_pct: 80, quiz_score_avg: 95 });
    expect(body.unlocked_modules).toEqual([mod(1).id]);
  });

  it("records an offline completion at its real time, once per Idempotency-Key", async () => {
    const queuedAt = new Date(Date.now() - 3 * 86_400_000);
    const headers = { "x-offline-queued-at": queuedAt.toISOString(), "idempotency-key": crypto.randomUUID() };
    const unitId = mod(0).lessons[0] as string;
    const first = await req(
      world.learner,
      "POST",
      unitPath(0, unitId, "complete"),
      { time_spent_seconds: 30 },
      headers,
    );
    expect(first.status).toBe(200);
    const a = (await first.json()) as { unit: { completed_at: string } };
    expect(a.unit.completed_at).toBe(queuedAt.toISOString());
    const replay = await req(
      world.learner,
      "POST",
      unitPath(0, unitId, "complete"),
      { time_spent_seconds: 30 },
      headers,
    );
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await replay.json()).toEqual(a);
    // Without the key, completing again changes nothing either.
    const again = (await (await req(world.learner, "POST", unitPath(0, unitId, "complete"), {})).json()) as typeof a;
    expect(again.unit.completed_at).toBe(queuedAt.toISOString());
    const user = await deps.db.user.findUniqueOrThrow({ where: { id: world.learner.userId } });
    expect(user.lastActive?.getTime()).toBeGreaterThanOrEqual(queuedAt.getTime());
  });

  it("validates input and rejects units of another module", async () => {
    expect(
      (
        await req(world.learner, "POST", unitPath(0, mod(0).lessons[0] as string, "complete"), {
          time_spent_seconds: -1,
        })
      ).status,
    ).toBe(400);
    expect(
      (await req(world.learner, "POST", unitPath(0, mod(0).lessons[0] as string, "complete"), { x: 1 })).status,
    ).toBe(400);
    expect((await req(world.learner, "POST", unitPath(0, mod(1).lessons[0] as string, "complete"), {})).status).toBe(
      404,
    );
    expect(
      (await req(world.learner, "POST", `/api/v1/modules/not-a-uuid/units/${mod(0).lessons[0]}/start`)).status,
    ).toBe(400);
  });
});

describe("who may see and write progress", () => {
  it("401s anonymous callers, 403s the unenrolled, 404s unknown courses and modules", async () => {
    expect((await req(null, "GET", `/api/v1/modules?course_id=${world.course.courseId}`)).status).toBe(401);
    expect((await req(null, "GET", "/api/v1/dashboard")).status).toBe(401);
    const notEnrolled = await req(world.learner, "GET", `/api/v1/modules?course_id=${world.course.courseId}`);
    expect(notEnrolled.status).toBe(403);
    expect(((await notEnrolled.json()) as { code: string }).code).toBe("NOT_ENROLLED");
    expect((await req(world.learner, "GET", `/api/v1/modules/${mod(0).id}`)).status).toBe(403);
    expect((await req(world.learner, "POST", unitPath(0, mod(0).lessons[0] as string, "start"))).status).toBe(403);
    expect((await req(world.learner, "GET", `/api/v1/modules?course_id=${crypto.randomUUID()}`)).status).toBe(404);
    expect((await req(world.learner, "GET", `/api/v1/modules/${crypto.randomUUID()}`)).status).toBe(404);
    const draft = await deps.db.course.update({ where: { id: world.course.courseId }, data: { status: "draft" } });
    expect((await req(world.learner, "GET", `/api/v1/modules?course_id=${draft.id}`)).status).toBe(404);
  });

  it("never locks admins; a dropped enrollment loses access", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const list = (await (await req(admin, "GET", `/api/v1/modules?course_id=${world.course.courseId}`)).json()) as {
      items: { locked: boolean; status: string }[];
    };
    expect(list.items.every((m) => !m.locked && m.status === "available")).toBe(true);
    await enrollIn(deps.db, world.learner.userId, world.course.courseId, "dropped");
    expect((await req(world.learner, "GET", `/api/v1/modules?course_id=${world.course.courseId}`)).status).toBe(403);
  });

  it("shows each learner only their own progress", async () => {
    const other = await signIn(deps, { role: "learner" });
    await enrollIn(deps.db, world.learner.userId, world.course.courseId);
    await enrollIn(deps.db, other.userId, world.course.courseId);
    await req(world.learner, "POST", unitPath(0, mod(0).lessons[0] as string, "complete"), {});
    const mine = (await (await req(world.learner, "GET", "/api/v1/progress")).json()) as { items: unknown[] };
    const theirs = (await (await req(other, "GET", "/api/v1/progress")).json()) as { items: unknown[] };
    expect(mine.items.length).toBeGreaterThan(0);
    expect(theirs.items).toEqual([]);
    const m = (await (await req(other, "GET", `/api/v1/modules/${mod(0).id}`)).json()) as { completion_pct: number };
    expect(m.completion_pct).toBe(0);
  });
});

describe("lists, fields, delta sync and statement bounds", () => {
  beforeEach(() => enrollIn(deps.db, world.learner.userId, world.course.courseId));

  it("pages, trims ?fields= and 400s unknown fields", async () => {
    const res = await req(
      world.learner,
      "GET",
      `/api/v1/modules?course_id=${world.course.courseId}&limit=2&page=2&fields=title,locked`,
    );
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: Record<string, unknown>[]; total: number; has_more: boolean };
    expect(page.total).toBe(3);
    expect(page.has_more).toBe(false);
    expect(page.items).toEqual([{ id: mod(2).id, title: "Module 3: hygiene", locked: true }]);
    const bad = await req(world.learner, "GET", `/api/v1/modules?course_id=${world.course.courseId}&fields=secret`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe("UNKNOWN_FIELDS");
    expect((await req(world.learner, "GET", "/api/v1/modules")).status).toBe(400);
  });

  it("sends progress changed since ?since= with a server_time cursor", async () => {
    await req(world.learner, "POST", unitPath(0, mod(0).lessons[0] as string, "complete"), {});
    // The cursor stays a clock-skew margin (100 ms) behind: changes younger than that come again.
    await new Promise((r) => setTimeout(r, 150));
    const all = (await (await req(world.learner, "GET", "/api/v1/progress")).json()) as {
      items: { kind: string }[];
      server_time: string;
    };
    expect(all.items.map((i) => i.kind).sort()).toEqual(["module", "unit"]);
    const none = (await (await req(world.learner, "GET", `/api/v1/progress?since=${all.server_time}`)).json()) as {
      items: unknown[];
    };
    expect(none.items).toEqual([]);
    await req(world.learner, "POST", unitPath(0, mod(0).lessons[1] as string, "start"));
    const next = (await (await req(world.learner, "GET", `/api/v1/progress?since=${all.server_time}`)).json()) as {
      items: { kind: string; unit_id?: string }[];
    };
    expect(next.items.find((i) => i.kind === "unit")?.unit_id).toBe(mod(0).lessons[1]);
    expect((await req(world.learner, "GET", "/api/v1/progress?since=yesterday")).status).toBe(400);
  });

  it("lists modules in a bounded number of SQL statements whatever the course size", async () => {
    const small = await countQueries(deps, async () =>
      req(world.learner, "GET", `/api/v1/modules?course_id=${world.course.courseId}`),
    );
    const big = await makeProgressCourse(deps.db, {
      shape: Array.from({ length: 12 }, () => ({ lessons: 3, quiz: true })),
    });
    await enrollIn(deps.db, world.learner.userId, big.courseId);
    const large = await countQueries(deps, async () =>
      req(world.learner, "GET", `/api/v1/modules?course_id=${big.courseId}`),
    );
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(8);
  });
});

describe("tRPC progress", () => {
  it("lists, completes and syncs like REST, with MODULE_LOCKED on a locked module", async () => {
    await enrollIn(deps.db, world.learner.userId, world.course.courseId);
    const api = await callerAs(deps, world.learner);
    const page = await api.progress.modules({ course_id: world.course.courseId, page: 1, limit: 20 });
    expect(page.items.map((m) => m.title)).toEqual([
      "Module 1 : l'hygiène",
      "Module 2 : l'hygiène",
      "Module 3 : l'hygiène",
    ]);
    const done = await api.progress.completeUnit({ module_id: mod(0).id, unit_id: mod(0).lessons[0] as string });
    expect(done.module.completion_pct).toBe(20);
    const detail = await api.progress.module({ module_id: mod(0).id });
    expect(detail.objectives).toEqual(["Objectif 1"]);
    await expect(
      api.progress.startUnit({ module_id: mod(1).id, unit_id: mod(1).lessons[0] as string }),
    ).rejects.toMatchObject({ cause: { code: "MODULE_LOCKED" } });
    const delta = await api.progress.since({ limit: 100 });
    expect(delta.items.length).toBe(2);
    const dash = await api.dashboard.get();
    expect(dash.courses[0]?.completion_pct).toBeCloseTo(6.67, 2);
  });
});
