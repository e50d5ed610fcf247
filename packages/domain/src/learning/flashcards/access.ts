/** Which module deck or card a learner may open: enrolled (or staff), and the module unlocked. */
import { AppError } from "@sira/contracts";
import type { Db } from "@sira/infra/db";
import type { Viewer } from "../../access/actor.ts";
import { assertCanReadCourse } from "../../access/course-access.ts";
import { assertUnlockedIn } from "../../access/module-lock.ts";

/**
 * An active card the viewer may review (404 for an unknown or retired card, 403 when not enrolled,
 * 423 while its module is locked: a review would mark the module started and open its cards).
 */
export async function reviewableCard(
  db: Db,
  viewer: Viewer,
  cardId: string,
): Promise<{ id: string; moduleId: string; courseId: string }> {
  const card = await db.flashcard.findFirst({
    where: { id: cardId, isActive: true },
    select: { id: true, moduleId: true, module: { select: { courseId: true } } },
  });
  if (!card?.module.courseId) throw new AppError("NOT_FOUND");
  await assertCanReadCourse(db, viewer, card.module.courseId);
  await assertUnlockedIn(db, viewer, { id: card.moduleId, courseId: card.module.courseId });
  return { id: card.id, moduleId: card.moduleId, courseId: card.module.courseId };
}
