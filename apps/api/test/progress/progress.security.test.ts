/**
 * Who progress must refuse, and what must never be gamed: anonymous callers (REST and tRPC),
 * learners not enrolled (writes included), private courses not granted, a dropped enrollment,
 * the unlock rule bypassed by completing the quiz unit by hand, replays and concurrent
 * completions counted once, and hostile input (400 or 413, never 500).
 */
import { afterAll, describe, expect, it } from "vitest";
import { closeTestDeps, type SignedIn, signIn, testApp } from "../helpers.ts";
import { expectProblem, learnerRequest, trpcCodeOf } from "../learner-problems.ts";
import { callerAs } from "../trpc-caller.ts";
import { progressWorld, unitPath } from "./world.ts";

const { app, deps } = testApp();
const world = progressWorld(deps);
const { mod, lesson } = world;
afterAll(closeTestDeps);

const send = (user: SignedIn | null, method: string, path: string, body?: unknown, headers = {}) =>
  learnerRequest(app, user, method, path, { body, headers });
const unitRows = () => deps.db.userUnitProgress.count();

describe("anonymous callers", () => {
  it("get 401 on every route and procedure, and nothing is recorded", async () => {
    for (const [method, path] of [
      ["GET", `/api/v1/modules?course_id=${world.course.courseId}`],
      ["GET", `/api/v1/modules/${mod(0).id}`],
      ["POST", unitPath(mod(0).id, lesson(0), "start")],
      ["POST", unitPath(mod(0).id, lesson(0), "complete")],
      ["GET", "/api/v1/progress"],
    ] as const) {
      await expectProblem(await send(null, method, path, method === "POST" ? {} : undefined), {
        status: 401,
        code: "UNAUTHENTICATED",
      });
    }
    const api = await callerAs(deps, null);
    const ids = { module_id: mod(0).id, unit_id: lesson(0) };
    expect(await trpcCodeOf(api.progress.modules({ course_id: world.course.courseId }))).toBe("UNAUTHENTICATED");
    expect(await trpcCodeOf(api.progress.completeUnit(ids))).toBe("UNAUTHENTICATED");
    expect(await trpcCodeOf(api.progress.since({}))).toBe("UNAUTHENTICATED");
    expect(await unitRows()).toBe(0);
  });
});

describe("access to the course", () => {
  it("a learner not enrolled cannot complete a unit, over REST and tRPC alike", async () => {
    const stranger = await signIn(deps);
    await expectProblem(await send(stranger, "POST", unitPath(mod(0).id, lesson(0), "complete"), {}), {
      status: 403,
      code: "NOT_ENROLLED",
    });
    const api = await callerAs(deps, stranger);
    const ids = { module_id: mod(0).id, unit_id: lesson(0) };
    expect(await trpcCodeOf(api.progress.completeUnit(ids))).toBe("NOT_ENROLLED");
    expect(await trpcCodeOf(api.progress.module({ module_id: mod(0).id }))).toBe("NOT_ENROLLED");
    expect(await unitRows()).toBe(0);
  });

  it("a private course not granted is 404 on every route, even to a learner enrolled before it was hidden", async () => {
    await deps.db.course.update({ where: { id: world.course.courseId }, data: { visibility: "private" } });
    for (const [method, path] of [
      ["GET", `/api/v1/modules?course_id=${world.course.courseId}`],
      ["GET", `/api/v1/modules/${mod(0).id}`],
      ["POST", unitPath(mod(0).id, lesson(0), "start")],
      ["POST", unitPath(mod(0).id, lesson(0), "complete")],
    ] as const) {
      await expectProblem(await send(world.learner, method, path, method === "POST" ? {} : undefined), {
        status: 404,
        code: "NOT_FOUND",
      });
    }
    expect(await unitRows()).toBe(0);
  });

  it("a dropped enrollment can no longer read a module or record progress", async () => {
    await deps.db.userCourseEnrollment.update({
      where: { userId_courseId: { userId: world.learner.userId, courseId: world.course.courseId } },
      data: { status: "dropped" },
    });
    await expectProblem(await send(world.learner, "GET", `/api/v1/modules/${mod(0).id}`), {
      status: 403,
      code: "NOT_ENROLLED",
    });
    await expectProblem(await send(world.learner, "POST", unitPath(mod(0).id, lesson(0), "start")), {
      status: 403,
      code: "NOT_ENROLLED",
    });
    expect(await unitRows()).toBe(0);
  });
});

describe("the unlock rule cannot be gamed", () => {
  it("completing every unit by hand, the quiz unit included, without a quiz score leaves module 2 locked", async () => {
    for (const unitId of [...mod(0).lessons, mod(0).quiz as string]) {
      const res = await send(world.learner, "POST", unitPath(mod(0).id, unitId, "complete"), {});
      expect(res.status).toBe(200);
      expect(((await res.json()) as { unlocked_modules: string[] }).unlocked_modules).toEqual([]);
    }
    await expectProblem(await send(world.learner, "POST", unitPath(mod(1).id, lesson(1), "start")), {
      status: 423,
      code: "MODULE_LOCKED",
    });
    const list = (await (
      await send(world.learner, "GET", `/api/v1/modules?course_id=${world.course.courseId}`)
    ).json()) as {
      items: { locked: boolean }[];
    };
    expect(list.items.map((m) => m.locked)).toEqual([false, true, true]);
  });
});

describe("replays count once", () => {
  it("the same completion sent several times at once records one unit and one module row", async () => {
    const responses = await Promise.all(
      Array.from({ length: 4 }, () => send(world.learner, "POST", unitPath(mod(0).id, lesson(0), "complete"), {})),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(await unitRows()).toBe(1);
    const module = await deps.db.userModuleProgress.findUniqueOrThrow({
      where: { userId_moduleId: { userId: world.learner.userId, moduleId: mod(0).id } },
    });
    expect(module.completionPct).toBe(20);
  });

  it("an offline start replayed over tRPC keeps the earliest start and one row", async () => {
    const earlier = new Date(Date.now() - 2 * 86_400_000);
    const later = new Date(Date.now() - 86_400_000);
    const ids = { module_id: mod(0).id, unit_id: lesson(0) };
    await (await callerAs(deps, world.learner, { occurredAt: later, offlineQueuedAt: later })).progress.startUnit(ids);
    const again = await (
      await callerAs(deps, world.learner, { occurredAt: earlier, offlineQueuedAt: earlier })
    ).progress.startUnit(ids);
    expect(again.unit.started_at).toBe(earlier.toISOString());
    await (await callerAs(deps, world.learner, { occurredAt: later, offlineQueuedAt: later })).progress.startUnit(ids);
    const row = await deps.db.userUnitProgress.findFirstOrThrow({ where: { userId: world.learner.userId } });
    expect(row.startedAt?.toISOString()).toBe(earlier.toISOString());
    expect(await unitRows()).toBe(1);
  });
});

describe("hostile input", () => {
  it("is refused with 400 (413 past the body limit), never 500, and records nothing", async () => {
    const path = unitPath(mod(0).id, lesson(0), "complete");
    for (const body of [
      { time_spent_seconds: 1e308 },
      { time_spent_seconds: [1, 2, 3] },
      { time_spent_seconds: "9".repeat(100_000) },
      Array.from({ length: 1000 }, () => ({ time_spent_seconds: 1 })),
      "done",
    ]) {
      expect((await send(world.learner, "POST", path, body)).status).toBe(400);
    }
    expect((await send(world.learner, "POST", path, { pad: "p".repeat(1_100_000) })).status).toBe(413);
    expect((await send(world.learner, "GET", `/api/v1/modules?course_id=${"c".repeat(50_000)}`)).status).toBe(400);
    expect((await send(world.learner, "GET", `/api/v1/progress?since=${"9".repeat(10_000)}`)).status).toBe(400);
    expect(await unitRows()).toBe(0);
  });
});
