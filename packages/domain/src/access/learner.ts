/**
 * Learner access: whose content a viewer may open (lessons, quizzes, flashcards, progress, source
 * images), as one query filter, learnableCourses. Admins all; experts the courses they manage;
 * others their live enrollments (active or completed) whose private grant still holds. A course
 * the caller may see but has not joined is 403 NOT_ENROLLED; one they may not see at all is 404.
 * content/ and learning/ both ask here; this module imports neither.
 */
import { AppError, type Language } from "@sira/contracts";
import type { Db, Prisma } from "@sira/infra/db";
import type { Viewer } from "./actor.ts";
import { assertUnlockedIn } from "./module-lock.ts";
import { grantStillHolds, manageableCourses, readableCourses } from "./readable.ts";

/** The learner context a request carries (language resolved by the API, country from the JWT). */
export interface LearnerContext {
  viewer: Viewer;
  language: Language;
  country: string;
}

/** Enrollment statuses that count as "enrolled" (a dropped one is kept for its progress, not for access). */
export const LIVE_ENROLLMENT_STATUSES = ["active", "completed"];

export const LIVE_ENROLLMENT = {
  status: { in: LIVE_ENROLLMENT_STATUSES },
} satisfies Prisma.UserCourseEnrollmentWhereInput;

/** Courses whose content the viewer may open (see the module comment); checked on every request. */
export function learnableCourses(viewer: Viewer): Prisma.CourseWhereInput {
  if (viewer.role === "admin") return {};
  const enrolled: Prisma.CourseWhereInput = {
    enrollments: { some: { userId: viewer.userId, ...LIVE_ENROLLMENT } },
    AND: [grantStillHolds(viewer)],
  };
  return viewer.role === "expert" ? { OR: [manageableCourses(viewer), enrolled] } : enrolled;
}

/** Modules of a course the viewer may learn from (a module without a course is nobody's). */
export function learnableModules(viewer: Viewer): Prisma.ModuleWhereInput {
  return { courseId: { not: null }, course: { is: learnableCourses(viewer) } };
}

/** The refusal for content the viewer may not open: 403 NOT_ENROLLED when its course is visible to them, else 404. */
async function refusal(db: Db, viewer: Viewer, module: Prisma.ModuleWhereInput): Promise<AppError> {
  const visible = await db.module.count({ where: { AND: [module, { course: readableCourses(viewer) }] } });
  return new AppError(visible > 0 ? "NOT_ENROLLED" : "NOT_FOUND");
}

/** The level content is written at: the learner's current level; staff preview at the module's. */
export async function learnerLevel(db: Db, viewer: Viewer, moduleLevel: number): Promise<number> {
  if (viewer.role !== "learner") return moduleLevel;
  const user = await db.user.findUnique({ where: { id: viewer.userId }, select: { currentLevel: true } });
  return Math.min(4, Math.max(1, user?.currentLevel ?? moduleLevel));
}

export interface LearnerModule {
  id: string;
  courseId: string;
  level: number;
}

/**
 * The module matching `where` (its id, and e.g. the unit it must hold), loaded with the access
 * check in one statement; then its lock (423). Refusals cost one more statement: 404 or 403.
 */
export async function openLearnerModule(
  db: Db,
  viewer: Viewer,
  moduleId: string,
  where: Prisma.ModuleWhereInput = {},
): Promise<LearnerModule> {
  const mine: Prisma.ModuleWhereInput = { id: moduleId, ...where };
  const module = await db.module.findFirst({
    where: { AND: [mine, learnableModules(viewer)] },
    select: { id: true, courseId: true, level: true },
  });
  if (!module?.courseId) throw await refusal(db, viewer, mine);
  const opened = { id: module.id, courseId: module.courseId, level: module.level };
  await assertUnlockedIn(db, viewer, opened);
  return opened;
}
