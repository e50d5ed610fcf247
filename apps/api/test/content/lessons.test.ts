/**
 * Lessons for learners over REST: the cached lesson as JSON (fields, ETag), 202 and one queued job
 * for a missing lesson, 409 without indexed documents, and who may read (401, 403, 404).
 */
import { getQueue } from "@sira/infra";
import { afterAll, describe, expect, it } from "vitest";
import { generationJobId } from "../../../../packages/domain/src/content/index.ts";
import {
  enroll,
  indexMarketText,
  lessonKey,
  makeCourse,
  sampleLesson,
} from "../../../../packages/domain/test/content/fixtures.ts";
import { closeTestDeps, enrolledLearnerWorld, type SignedIn, signIn, testApp } from "../helpers.ts";
import { storeOfflineLesson } from "./offline-lessons.ts";

const { app, deps } = testApp();
const world = enrolledLearnerWorld(deps);
afterAll(closeTestDeps);

const lessonPath = (c = world.course) => `/api/v1/modules/${c.moduleId}/lessons/${c.lessonUnitId}`;
const get = (user: SignedIn | null, path: string, lang = "fr", extra: Record<string, string> = {}) =>
  app.request(path, { headers: { ...(user?.headers ?? {}), "accept-language": lang, ...extra } });

async function storeLesson(language: "fr" | "en" = "fr", level = 1) {
  return storeOfflineLesson(deps.db, lessonKey(world.course, { language, level }), sampleLesson(language));
}

describe("GET /api/v1/modules/{id}/lessons/{unit_id}", () => {
  it("returns the cached lesson in the learner's language, level and country, with an ETag", async () => {
    const fr = await storeLesson("fr");
    await storeLesson("en");
    const res = await get(world.learner, lessonPath());
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.id).toBe(fr.id);
    expect(body.language).toBe("fr");
    expect(body.level).toBe(1);
    expect(body.country_context).toBe("SN");
    expect(body.offline).toBe(true);
    expect((body.content as { markdown: string }).markdown).toContain("## Introduction");
    expect(body.sources_cited).toHaveLength(1);
    const etag = res.headers.get("etag");
    expect(etag).toBeTruthy();
    const again = await get(world.learner, lessonPath(), "fr", { "if-none-match": etag as string });
    expect(again.status).toBe(304);
    const en = (await (await get(world.learner, lessonPath(), "en")).json()) as { language: string };
    expect(en.language).toBe("en");
  });

  it("trims the lesson with ?fields= and refuses unknown fields", async () => {
    await storeLesson();
    const res = await get(world.learner, `${lessonPath()}?fields=version,language`);
    expect(Object.keys((await res.json()) as object).sort()).toEqual(["id", "language", "version"]);
    const bad = await get(world.learner, `${lessonPath()}?fields=nope`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe("UNKNOWN_FIELDS");
  });

  it("answers 202 with the stream to follow and queues one job however many learners ask", async () => {
    await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
    const other = await signIn(deps, { role: "learner", country: "SN" });
    await enroll(deps.db, other.userId, world.course.courseId);
    const [a, b] = await Promise.all([get(world.learner, lessonPath()), get(other, lessonPath())]);
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    const body = (await a.json()) as { status: string; stream_url: string; job_id: string };
    expect(body.status).toBe("generating");
    expect(body.stream_url).toBe(`${lessonPath()}/stream`);
    expect(((await b.json()) as { job_id: string }).job_id).toBe(body.job_id);
    const key = {
      moduleId: world.course.moduleId,
      unitId: world.course.lessonUnitId,
      contentType: "lesson" as const,
      language: "fr" as const,
      level: 1,
      country: "SN",
    };
    expect(body.job_id).toBe(generationJobId(key));
    const queue = getQueue("content-generation", { prefix: deps.config.QUEUE_PREFIX });
    expect(await queue.getJobCountByTypes("waiting", "active", "delayed", "prioritized")).toBe(1);
    expect((await queue.getJob(body.job_id))?.data).toMatchObject({ key, alsoOtherLanguage: true });
  });

  it("is 409 NO_INDEXED_CONTENT when the course has no indexed document", async () => {
    const res = await get(world.learner, lessonPath(), "en");
    expect(res.status).toBe(409);
    const problem = (await res.json()) as { code: string; detail: string };
    expect(problem.code).toBe("NO_INDEXED_CONTENT");
    expect(problem.detail).toBe("This course has no indexed documents yet.");
  });

  it("writes lessons at the learner's current level", async () => {
    await deps.db.user.update({ where: { id: world.learner.userId }, data: { currentLevel: 3 } });
    const atThree = await storeLesson("fr", 3);
    await storeLesson("fr", 1);
    expect(((await (await get(world.learner, lessonPath())).json()) as { id: string }).id).toBe(atThree.id);
  });
});

describe("who may read a lesson", () => {
  it("refuses anonymous callers (401)", async () => {
    expect((await get(null, lessonPath())).status).toBe(401);
    expect((await get(null, `${lessonPath()}/stream`)).status).toBe(401);
  });

  it("refuses a learner who is not enrolled (403 NOT_ENROLLED, in their language)", async () => {
    await storeLesson();
    const stranger = await signIn(deps, { role: "learner" });
    for (const path of [lessonPath(), `${lessonPath()}/stream`]) {
      const res = await get(stranger, path);
      expect(res.status).toBe(403);
      const problem = (await res.json()) as { code: string; detail: string };
      expect(problem.code).toBe("NOT_ENROLLED");
      expect(problem.detail).toBe("Inscrivez-vous à ce cours pour accéder à son contenu.");
    }
  });

  it("refuses a learner whose enrollment was dropped", async () => {
    await storeLesson();
    await deps.db.userCourseEnrollment.update({
      where: { userId_courseId: { userId: world.learner.userId, courseId: world.course.courseId } },
      data: { status: "dropped" },
    });
    expect((await get(world.learner, lessonPath())).status).toBe(403);
  });

  it("refuses another course's expert, and lets the course's own expert and admins read", async () => {
    await storeLesson();
    const otherExpert = await signIn(deps, { role: "expert" });
    await makeCourse(deps.db, { expertId: otherExpert.userId });
    expect((await get(otherExpert, lessonPath())).status).toBe(403);
    const owner = await signIn(deps, { role: "expert" });
    await deps.db.course.update({ where: { id: world.course.courseId }, data: { expertId: owner.userId } });
    // Staff preview at the module's level (2): nothing cached there yet, nothing indexed → 409, not 403.
    expect((await get(owner, lessonPath())).status).toBe(409);
    const admin = await signIn(deps, { role: "admin" });
    expect((await get(admin, lessonPath())).status).toBe(409);
  });

  it("hides courses the caller cannot see, unknown units, units of another module and non-lesson units (404)", async () => {
    const draft = await makeCourse(deps.db, { status: "draft" });
    const stranger = await signIn(deps, { role: "learner" });
    expect((await get(stranger, lessonPath(draft))).status).toBe(404);
    const other = await makeCourse(deps.db);
    expect(
      (await get(world.learner, `/api/v1/modules/${world.course.moduleId}/lessons/${other.lessonUnitId}`)).status,
    ).toBe(404);
    expect(
      (await get(world.learner, `/api/v1/modules/${world.course.moduleId}/lessons/${crypto.randomUUID()}`)).status,
    ).toBe(404);
    expect(
      (await get(world.learner, `/api/v1/modules/${world.course.moduleId}/lessons/${world.course.quizUnitId}`)).status,
    ).toBe(404);
    expect((await get(world.learner, `/api/v1/modules/not-a-uuid/lessons/${world.course.lessonUnitId}`)).status).toBe(
      400,
    );
  });
});
