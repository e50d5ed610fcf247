/** When a learner's action counts for the streak (users/activity.ts). */
import type { Tx } from "@sira/infra/db";

/**
 * `at` (an offline replay's queued time), but never before the learner joined the course: they
 * could not have learned from it then, and replays dated a day apart would make a run of days.
 * Staff without an enrollment keep `at`.
 */
export async function activityTimeIn(db: Tx, userId: string, courseId: string, at: Date): Promise<Date> {
  const enrollment = await db.userCourseEnrollment.findUnique({
    where: { userId_courseId: { userId, courseId } },
    select: { createdAt: true },
  });
  return new Date(Math.max(at.getTime(), enrollment?.createdAt.getTime() ?? 0));
}
