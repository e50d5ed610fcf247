/**
 * The learner's own start/complete actions on a unit: checked (enrolled, module open), recorded at
 * the event's real time with the learning activity (streak), answered with the stored progress and
 * the modules this write opened, and followed by a dashboard invalidation.
 */
import { AppError, type UnitAction } from "@sira/contracts";
import type { Logger, Redis } from "@sira/infra";
import type { Db } from "@sira/infra/db";
import type { Viewer } from "../../access/actor.ts";
import { assertCanReadCourse } from "../../access/course-access.ts";
import { assertUnlockedIn } from "../../access/module-lock.ts";
import { loadCourseState } from "../../unlock/course-state.ts";
import { recordLearningActivity } from "../../users/activity.ts";
import { invalidateDashboard } from "../dashboard/cache.ts";
import { activityTimeIn } from "./activity-time.ts";
import { storedUnitAndModule } from "./sync.ts";
import { markUnitCompleted, markUnitStarted } from "./units.ts";

export interface ProgressDeps {
  db: Db;
  redis: Redis;
  logger?: Logger;
}

/** Checks access and lock, runs `write` with the learning activity, and answers with the stored progress. */
export async function unitAction(
  deps: ProgressDeps,
  viewer: Viewer,
  ids: { moduleId: string; unitId: string },
  at: Date,
  write: (tx: Parameters<Parameters<Db["$transaction"]>[0]>[0]) => Promise<void>,
): Promise<UnitAction> {
  const unit = await deps.db.moduleUnit.findFirst({
    where: { id: ids.unitId, moduleId: ids.moduleId },
    select: { module: { select: { courseId: true } } },
  });
  const courseId = unit?.module.courseId;
  if (!courseId) throw new AppError("NOT_FOUND");
  await assertCanReadCourse(deps.db, viewer, courseId);
  await assertUnlockedIn(deps.db, viewer, { id: ids.moduleId, courseId });
  const result = await deps.db.$transaction(async (tx) => {
    const before = await loadCourseState(tx, viewer.userId, courseId);
    // Same lock order as lesson readings: the user row (activity) first, then the progress lock.
    await recordLearningActivity(tx, viewer.userId, await activityTimeIn(tx, viewer.userId, courseId, at));
    await write(tx);
    const after = await loadCourseState(tx, viewer.userId, courseId);
    const unlocked = after.modules
      .filter((m) => before.locks.get(m.id)?.locked && !after.locks.get(m.id)?.locked)
      .map((m) => m.id);
    return { ...(await storedUnitAndModule(tx, viewer.userId, ids.unitId, ids.moduleId)), unlocked_modules: unlocked };
  });
  await invalidateDashboard(deps.redis, viewer.userId, deps.logger);
  return result;
}

/** The learner opens a unit (at `at`, e.g. X-Offline-Queued-At); 423 MODULE_LOCKED on a locked module. */
export function startUnit(
  deps: ProgressDeps,
  viewer: Viewer,
  ids: { moduleId: string; unitId: string },
  at: Date,
): Promise<UnitAction> {
  return unitAction(deps, viewer, ids, at, (tx) =>
    markUnitStarted(tx, { userId: viewer.userId, unitId: ids.unitId, at }),
  );
}

/** The learner completes a unit (idempotent; `timeSpentSeconds` is their running total on it). */
export function completeUnit(
  deps: ProgressDeps,
  viewer: Viewer,
  ids: { moduleId: string; unitId: string },
  at: Date,
  input: { timeSpentSeconds?: number },
): Promise<UnitAction> {
  return unitAction(deps, viewer, ids, at, (tx) =>
    markUnitCompleted(tx, {
      userId: viewer.userId,
      unitId: ids.unitId,
      at,
      ...(input.timeSpentSeconds === undefined ? {} : { timeSpentSeconds: input.timeSpentSeconds }),
    }),
  );
}
