/**
 * Bounded SQL on the lesson path: what a lesson request sends before its first byte, counted
 * through Prisma's query events (decision 0040). The module, its lesson unit and the learner's
 * access come in one statement; a learner's module lock (two) and level (one) follow; the stream
 * adds the unit's title; a lesson whose hot copy is in Redis needs no SQL of its own.
 */
import type { LearnerContext } from "@sira/domain";
import { afterAll, describe, expect, it } from "vitest";
import { openLessonStream, resolveLessonTarget } from "../../../../packages/domain/src/content/index.ts";
import { lessonKey, makeCourse, makeUser, sampleLesson } from "../../../../packages/domain/test/content/fixtures.ts";
import { closeTestDeps, countQueries, enrolledLearnerWorld, testApp } from "../helpers.ts";
import { storeOfflineLesson } from "./offline-lessons.ts";

const { deps } = testApp();
const world = enrolledLearnerWorld(deps);
afterAll(closeTestDeps);

const as = (userId: string, role: "learner" | "expert" | "admin" = "learner"): LearnerContext => ({
  viewer: { userId, role },
  language: "fr",
  country: "SN",
});

const target = (who: LearnerContext, c = world.course) => resolveLessonTarget(deps.db, who, c.moduleId, c.lessonUnitId);

describe("the lesson target", () => {
  it("loads the module and checks access in one statement: nothing else for an admin", async () => {
    const admin = as(await makeUser(deps.db, "admin"), "admin");
    expect(await countQueries(deps, () => target(admin))).toBe(1);
  });

  it("adds the module lock (2) and the level (1) for an enrolled learner: 4 statements, not 7", async () => {
    expect(await countQueries(deps, () => target(as(world.learner.userId)))).toBe(4);
  });

  it("spends one more statement only to refuse: 403 for a course the caller sees, 404 for one they do not", async () => {
    const stranger = as(await makeUser(deps.db));
    let code: string | undefined;
    const n = await countQueries(deps, () => target(stranger).catch((e: { code: string }) => (code = e.code)));
    expect(n).toBe(2);
    expect(code).toBe("NOT_ENROLLED");
    const draft = await makeCourse(deps.db, { status: "draft" });
    await expect(target(stranger, draft)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("the lesson stream", () => {
  it("opens a cached lesson with the target and the unit's title: 5 statements, not 7", async () => {
    const key = lessonKey(world.course);
    await storeOfflineLesson(deps.db, key, sampleLesson("fr"));
    const who = as(world.learner.userId);
    await openLessonStream(deps, who, world.course.moduleId, world.course.lessonUnitId);
    let cached: boolean | undefined;
    const n = await countQueries(deps, async () => {
      cached = (await openLessonStream(deps, who, world.course.moduleId, world.course.lessonUnitId)).meta.cached;
    });
    expect(cached).toBe(true);
    expect(n).toBe(5);
  });
});
