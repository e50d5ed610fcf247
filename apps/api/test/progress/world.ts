/**
 * Where the progress tests start: before each test, empty state, a published course of three
 * modules (four lessons and a quiz each) and a learner, enrolled in it unless told otherwise.
 */
import { beforeEach } from "vitest";
import {
  enrollIn,
  makeProgressCourse,
  type ProgressCourse,
} from "../../../../packages/domain/test/progress/fixtures.ts";
import type { AppDeps } from "../../src/app-types.ts";
import { resetState, type SignedIn, signIn } from "../helpers.ts";

type ProgressModule = ProgressCourse["modules"][number];

/** The course and learner of the current test, with the course's modules and lessons by index. */
export interface ProgressWorld {
  course: ProgressCourse;
  learner: SignedIn;
  /** Module `i` of the course (0 is module 1). */
  mod(i: number): ProgressModule;
  /** Lesson unit `j` of module `i`. */
  lesson(i: number, j?: number): string;
}

/** Registers the beforeEach that builds a fresh world; the returned object always holds the current one. */
export function progressWorld(deps: AppDeps, options: { enrolled?: boolean } = {}): ProgressWorld {
  const world: ProgressWorld = {
    course: undefined as unknown as ProgressCourse,
    learner: undefined as unknown as SignedIn,
    mod: (i) => world.course.modules[i] as ProgressModule,
    lesson: (i, j = 0) => world.mod(i).lessons[j] as string,
  };
  beforeEach(async () => {
    await resetState();
    world.course = await makeProgressCourse(deps.db);
    world.learner = await signIn(deps, { role: "learner" });
    if (options.enrolled !== false) await enrollIn(deps.db, world.learner.userId, world.course.courseId);
  });
  return world;
}

/** The path that starts or completes a unit. */
export const unitPath = (moduleId: string, unitId: string, action: "start" | "complete") =>
  `/api/v1/modules/${moduleId}/units/${unitId}/${action}`;
