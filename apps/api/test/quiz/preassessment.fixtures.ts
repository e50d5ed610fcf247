/**
 * A course offering its pre-assessment, built as the product builds it: two modules with cached
 * French quizzes, an admin enabling it and asking for the bank, and the queued job run by the
 * worker's own handler (without starting a worker).
 */
import { preassessmentJobId, runPreassessmentGeneration } from "@sira/domain";
import { getQueue } from "@sira/infra";
import { expect } from "vitest";
import { type CourseFixture, makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import { addModule, storeQuiz } from "../../../../packages/domain/test/quiz/fixtures.ts";
import type { App } from "../../src/app.ts";
import type { AppDeps } from "../../src/app-types.ts";
import { signIn } from "../helpers.ts";
import { learnerRequest } from "../learner-problems.ts";

export interface PreassessedCourse extends CourseFixture {
  module2: string;
}

/** A published course of two modules whose pre-assessment (max `maxItems` questions) is ready in French. */
export async function preassessedCourse(app: App, deps: AppDeps, maxItems = 6): Promise<PreassessedCourse> {
  const course = await makeCourse(deps.db);
  const module2 = await addModule(deps.db, course.courseId);
  await storeQuiz(deps.db, course.moduleId, { count: 10, marker: "A" });
  await storeQuiz(deps.db, module2, { count: 10, marker: "B" });
  const admin = await signIn(deps, { role: "admin" });
  const path = `/api/v1/admin/courses/${course.courseId}/preassessment`;
  const body = { is_enabled: true, max_items: maxItems };
  expect((await learnerRequest(app, admin, "PUT", path, { body })).status).toBe(200);
  expect((await learnerRequest(app, admin, "POST", `${path}/generate`)).status).toBe(202);
  const queue = getQueue("preassessment-generation", { prefix: deps.config.QUEUE_PREFIX });
  const job = await queue.getJob(preassessmentJobId(course.courseId));
  if (!job) throw new Error("the pre-assessment job was not queued");
  expect(await runPreassessmentGeneration(deps, job.data)).toMatchObject({ status: "ready" });
  await job.remove();
  return { ...course, module2 };
}

/** Empties the pre-assessment queue, so each test queues its own job. */
export async function emptyPreassessmentQueue(deps: AppDeps): Promise<void> {
  await getQueue("preassessment-generation", { prefix: deps.config.QUEUE_PREFIX }).obliterate({ force: true });
}
