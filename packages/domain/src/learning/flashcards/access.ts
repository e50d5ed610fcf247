/** Which module deck or card a learner may open: enrolled (or staff), and the module unlocked. */
import { AppError } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import type { Viewer } from "../../access/actor.ts";
import { assertCanReadCourse } from "../../content/target.ts";
import { assertModuleUnlocked } from "../progress/index.ts";

export interface DeckModule {
  id: string;
  courseId: string;
  level: number;
}

/** The module, after checking the viewer may read its course (404/403) and open it (423). */
export async function openDeckModule(db: Db, viewer: Viewer, moduleId: string): Promise<DeckModule> {
  const module = await db.module.findUnique({
    where: { id: moduleId },
    select: { id: true, courseId: true, level: true },
  });
  if (!module?.courseId) throw new AppError("NOT_FOUND");
  await assertCanReadCourse(db, viewer, module.courseId);
  await assertModuleUnlocked(db, viewer, moduleId);
  return { id: module.id, courseId: module.courseId, level: module.level };
}

/** An active card the viewer may review (404 for an unknown or retired card, 403 when not enrolled). */
export async function reviewableCard(
  db: Db,
  viewer: Viewer,
  cardId: string,
): Promise<{ id: string; moduleId: string }> {
  const card = await db.flashcard.findFirst({
    where: { id: cardId, isActive: true },
    select: { id: true, moduleId: true, module: { select: { courseId: true } } },
  });
  if (!card?.module.courseId) throw new AppError("NOT_FOUND");
  await assertCanReadCourse(db, viewer, card.module.courseId);
  return { id: card.id, moduleId: card.moduleId };
}

/** The level decks are generated at: the learner's current level; staff preview at the module's. */
export async function deckLevel(db: Db, viewer: Viewer, moduleLevel: number): Promise<number> {
  if (viewer.role !== "learner") return moduleLevel;
  const user = await db.user.findUnique({ where: { id: viewer.userId }, select: { currentLevel: true } });
  return Math.min(4, Math.max(1, user?.currentLevel ?? moduleLevel));
}
