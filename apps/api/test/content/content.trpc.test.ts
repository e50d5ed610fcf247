/** tRPC `content`, `admin.content` and `admin.structure`: the same use cases and refusals as REST. */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { storeGeneratedContent } from "../../../../packages/domain/src/content/index.ts";
import { indexMarketText, lessonKey, sampleLesson } from "../../../../packages/domain/test/content/fixtures.ts";
import { closeTestDeps, enrolledLearnerWorld, type SignedIn, signIn, testApp } from "../helpers.ts";
import { siraCodeOf } from "../learner-problems.ts";
import { callerAs } from "../trpc-caller.ts";
import { storeOfflineLesson } from "./offline-lessons.ts";

const { deps } = testApp();
const world = enrolledLearnerWorld(deps);
let admin: SignedIn;

beforeEach(async () => {
  admin = await signIn(deps, { role: "admin" });
});
afterAll(closeTestDeps);

describe("content.lesson / content.reading", () => {
  it("returns the cached lesson, or generating with the stream to follow", async () => {
    const input = { module_id: world.course.moduleId, unit_id: world.course.lessonUnitId };
    await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
    const pending = await (await callerAs(deps, world.learner)).content.lesson(input);
    expect(pending).toMatchObject({
      status: "generating",
      stream_url: `/api/v1/modules/${world.course.moduleId}/lessons/${world.course.lessonUnitId}/stream`,
    });
    const stored = await storeOfflineLesson(deps.db, lessonKey(world.course), sampleLesson());
    // Typed clients get the whole lesson (REST trims it with ?fields=).
    const ready = await (await callerAs(deps, world.learner)).content.lesson(input);
    expect(ready).toMatchObject({ status: "ready", lesson: { id: stored.id, version: 1 } });
    expect(ready.status === "ready" && ready.lesson.content.key_points).toHaveLength(5);
    const reading = await (await callerAs(deps, world.learner)).content.reading({ ...input, read_pct: 30 });
    expect(reading.content_id).toBe(stored.id);
    const delta = await (await callerAs(deps, world.learner)).content.readings({ limit: 10 });
    expect(delta.items.map((r) => r.id)).toEqual([reading.id]);
  });

  it("refuses anonymous and not-enrolled callers with the REST codes", async () => {
    const input = { module_id: world.course.moduleId, unit_id: world.course.lessonUnitId };
    expect(await siraCodeOf((await callerAs(deps, null)).content.lesson(input))).toBe("UNAUTHENTICATED");
    const stranger = await signIn(deps, { role: "learner" });
    expect(await siraCodeOf((await callerAs(deps, stranger)).content.lesson(input))).toBe("NOT_ENROLLED");
    expect(await siraCodeOf((await callerAs(deps, stranger)).content.reading({ ...input, read_pct: 5 }))).toBe(
      "NOT_ENROLLED",
    );
  });
});

describe("admin.content / admin.structure", () => {
  it("reviews content and refuses learners", async () => {
    const stored = await storeGeneratedContent(
      deps.db,
      {
        moduleId: world.course.moduleId,
        unitId: null,
        contentType: "flashcard",
        language: "en",
        level: 2,
        country: "SN",
      },
      { content: { cards: [] }, sourcesCited: [], model: "offline-extractive", metadata: { offline: true } },
    );
    const caller = await callerAs(deps, admin);
    expect((await caller.admin.content.list({ page: 1, limit: 20, content_type: "flashcard" })).total).toBe(1);
    expect((await caller.admin.content.review({ id: stored.id, validated: true })).validated).toBe(true);
    expect(await siraCodeOf((await callerAs(deps, world.learner)).admin.content.list({ page: 1, limit: 20 }))).toBe(
      "FORBIDDEN",
    );
  });

  it("lists proposals and refuses to generate a structure without indexed documents", async () => {
    const caller = await callerAs(deps, admin);
    expect(await siraCodeOf(caller.admin.structure.generate({ course_id: world.course.courseId }))).toBe(
      "NO_INDEXED_CONTENT",
    );
    expect((await caller.admin.structure.list({ course_id: world.course.courseId, page: 1, limit: 20 })).total).toBe(0);
    expect(
      await siraCodeOf(
        (await callerAs(deps, world.learner)).admin.structure.generate({ course_id: world.course.courseId }),
      ),
    ).toBe("FORBIDDEN");
  });
});
