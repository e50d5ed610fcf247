/**
 * Pre-generation spends a paid model call on every missing item. It generates for a country
 * learners are served (GENERATION_COUNTRIES): by default the one the caller's profile country maps
 * to, as a learner's would, never the raw profile country; a country asked outside the list is
 * refused. Every request leaves an audit row. The course pre-assessment's default country is the
 * mapped one too.
 */
import { preassessmentJobId } from "@sira/domain";
import { getQueue } from "@sira/infra";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { type CourseFixture, indexMarketText, makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import { storeQuiz } from "../../../../packages/domain/test/quiz/fixtures.ts";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "pregen-countries");
const contentQueue = () => getQueue("content-generation", { prefix: deps.config.QUEUE_PREFIX });
const preassessmentQueue = () => getQueue("preassessment-generation", { prefix: deps.config.QUEUE_PREFIX });
let course: CourseFixture;
/** An expert whose profile says France, a country no learner is served content for. */
let expert: SignedIn;

beforeEach(async () => {
  await resetState();
  await contentQueue().obliterate({ force: true });
  await preassessmentQueue().obliterate({ force: true });
  expert = await signIn(deps, { role: "expert", country: "FR" });
  course = await makeCourse(deps.db, { expertId: expert.userId, status: "draft", creationStep: "upload" });
  await indexMarketText(deps.db, deps.ai.embedder, course.courseId);
});
afterAll(closeTestDeps);

const path = () => `/api/v1/admin/modules/${course.moduleId}/pregenerate`;
const firstServed = () => deps.config.GENERATION_COUNTRIES[0] as string;
const audits = () =>
  deps.db.auditLog.findMany({
    where: { action: "module.pregeneration_requested", targetId: course.moduleId },
    orderBy: { createdAt: "asc" },
  });

describe("pre-generation countries", () => {
  it("defaults to the country a learner from the caller's profile country is served", async () => {
    expect(deps.config.GENERATION_COUNTRIES).not.toContain("FR");
    const res = await send(expert, "POST", path(), {});
    expect(res.status).toBe(202);
    expect(((await res.json()) as { country: string }).country).toBe(firstServed());
    const [job] = await contentQueue().getJobs(["waiting"]);
    expect(job?.data).toMatchObject({ country: firstServed() });
    // The progress read takes the same default.
    const read = await send(expert, "GET", path());
    expect(((await read.json()) as { country: string }).country).toBe(firstServed());
    // A caller whose profile country is served keeps it.
    const served = deps.config.GENERATION_COUNTRIES.at(-1) as string;
    const local = await signIn(deps, { role: "admin", country: served });
    const own = await send(local, "POST", path(), {});
    expect(own.status).toBe(202);
    expect(((await own.json()) as { country: string }).country).toBe(served);
  });

  it("refuses a country learners are not served, queueing nothing", async () => {
    for (const country of ["ZZ", "FR", "fr"]) {
      const res = await send(expert, "POST", path(), { country }, "fr");
      expect(res.status).toBe(400);
      const problem = (await res.json()) as { code: string; errors?: { field: string; code: string }[] };
      expect(problem.code).toBe("VALIDATION_FAILED");
      expect(problem.errors).toEqual([expect.objectContaining({ field: "country", code: "not_served" })]);
    }
    expect((await send(expert, "GET", `${path()}?country=ZZ`)).status).toBe(400);
    expect(await contentQueue().getJobCountByTypes("waiting")).toBe(0);
    expect(await audits()).toHaveLength(0);
  });

  it("accepts any served country in any case, and audits every request", async () => {
    const served = deps.config.GENERATION_COUNTRIES[1] ?? firstServed();
    const first = await send(expert, "POST", path(), { country: served.toLowerCase() });
    expect(first.status).toBe(202);
    const { job_id } = (await first.json()) as { job_id: string };
    // Asking again queues nothing new (the job id is the plan's) but is still recorded.
    expect((await send(expert, "POST", path(), { country: served })).status).toBe(202);
    expect(await contentQueue().getJobCountByTypes("waiting")).toBe(1);
    const rows = await audits();
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({ actorId: expert.userId, targetType: "module" });
      expect(row.after).toEqual({
        course_id: course.courseId,
        content_types: ["flashcard", "lesson", "quiz"],
        languages: ["en", "fr"],
        level: 2,
        country: served,
        job_id,
      });
    }
    expect(rows.map((r) => r.requestId)).toEqual([expect.any(String), expect.any(String)]);
  });
});

describe("pre-assessment country", () => {
  it("sets the questions in the country a learner from the caller's profile country is served", async () => {
    await storeQuiz(deps.db, course.moduleId, { count: 10 });
    const res = await send(expert, "POST", `/api/v1/admin/courses/${course.courseId}/preassessment/generate`);
    expect(res.status).toBe(202);
    const job = await preassessmentQueue().getJob(preassessmentJobId(course.courseId));
    expect(job?.data).toMatchObject({ courseId: course.courseId, country: firstServed() });
  });
});
