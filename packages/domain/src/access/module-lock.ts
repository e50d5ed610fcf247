/**
 * The module lock as an access check (423), for every route that opens a module's content: the
 * lesson target (content/) and the quiz, flashcards and progress (learning/) all ask here. The
 * rule itself and the course state it reads live in unlock/, which imports neither of them.
 */
import { AppError } from "@sira/contracts";
import type { Tx } from "@sira/infra/db";
import { loadCourseState } from "../unlock/course-state.ts";
import type { Viewer } from "./actor.ts";
import { manageableCourses } from "./readable.ts";

/** True when the viewer manages the course (admins all; experts theirs): staff are never locked. */
export async function managesCourse(db: Tx, viewer: Viewer, courseId: string): Promise<boolean> {
  if (viewer.role === "admin") return true;
  if (viewer.role !== "expert") return false;
  return (await db.course.count({ where: { AND: [manageableCourses(viewer), { id: courseId }] } })) > 0;
}

/** Throws AppError MODULE_LOCKED (423) when the learner may not open this module yet (admins/managers never locked). */
export async function assertModuleUnlocked(db: Tx, viewer: Viewer, moduleId: string): Promise<void> {
  if (viewer.role === "admin") return;
  const module = await db.module.findUnique({ where: { id: moduleId }, select: { courseId: true } });
  if (!module?.courseId) throw new AppError("NOT_FOUND");
  await assertUnlockedIn(db, viewer, { id: moduleId, courseId: module.courseId });
}

/** As assertModuleUnlocked, for a module already loaded with its course (no second read of its row). */
export async function assertUnlockedIn(db: Tx, viewer: Viewer, module: { id: string; courseId: string }) {
  if (viewer.role === "admin") return;
  if (await managesCourse(db, viewer, module.courseId)) return;
  const state = await loadCourseState(db, viewer.userId, module.courseId);
  const lock = state.locks.get(module.id);
  if (lock?.locked) {
    throw new AppError("MODULE_LOCKED", {
      details: {
        fr:
          lock.reasons.includes("previous_module") && lock.reasons.length === 1
            ? "Ce module est verrouillé : terminez le module précédent (80 % de progression et 80 % de moyenne aux quiz)."
            : "Ce module est verrouillé : terminez d'abord les modules prérequis (80 % de progression et 80 % de moyenne aux quiz).",
        en:
          lock.reasons.includes("previous_module") && lock.reasons.length === 1
            ? "This module is locked: finish the previous module (80% progress and an 80% quiz average)."
            : "This module is locked: finish its prerequisite modules first (80% progress and an 80% quiz average).",
      },
    });
  }
}
