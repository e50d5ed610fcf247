/**
 * Enrollment: joining a published catalog course (free, or paid for), leaving it (a soft delete
 * that keeps progress), and the learner's own list with delta sync. Enrolling is not learning, so
 * it records no learning activity.
 */
import { AppError, type Enrollment, type Language, type MyEnrollment, type Tombstone } from "@sira/contracts";
import type { Logger, Redis } from "@sira/infra";
import { inTransaction, type Prisma, type Tx } from "@sira/infra/db";
import type { Viewer } from "../access/actor.ts";
import { catalogCourses, readableCourses } from "../access/readable.ts";
import { inLanguage } from "../bilingual.ts";
import { invalidateDashboard } from "../learning/dashboard/cache.ts";
import { livePurchase, paymentRequired } from "../money/course-access.ts";
import { changedIn, deltaPage, needsFullResync, pageArgs, syncHorizon, tombstonesSince } from "../sync.ts";
import type { UsageSink } from "../usage/recorder.ts";
import { findReadableCourse } from "./courses.ts";
import { ENROLLMENT_SELECT, type EnrollmentRow, toEnrollment } from "./shape.ts";

const ENTITY = "user_course_enrollment";

/**
 * True when the user may take a paid course: a live (not refunded) purchase in their ledger, or a redeemed
 * activation code for the course or for a curriculum that held it when redeemed (redemptions made before
 * that was recorded follow the curriculum as it is). The one monetization hook.
 */
export async function hasCourseAccessPurchase(tx: Tx, userId: string, courseId: string): Promise<boolean> {
  if (await livePurchase(tx, userId, courseId)) return true;
  const [row] = await tx.$queryRaw<{ granted: boolean }[]>`
    SELECT EXISTS (
      SELECT 1 FROM activation_code_redemptions r JOIN activation_codes c ON c.id = r.code_id
      WHERE r.user_id = ${userId}::uuid AND (
        (c.kind = 'course' AND c.course_id = ${courseId}::uuid)
        OR (c.kind = 'curriculum' AND CASE WHEN r.course_ids IS NOT NULL THEN ${courseId}::uuid = ANY (r.course_ids)
          ELSE EXISTS (SELECT 1 FROM curriculum_courses cc
                        WHERE cc.curriculum_id = c.curriculum_id AND cc.course_id = ${courseId}::uuid) END)
      )
    ) AS granted`;
  return row?.granted === true;
}

/**
 * Serialises what decides a learner's access to a paid course (purchase, refund, enrolment):
 * held until the caller's transaction ends, so a check and the write it allows see no refund between.
 */
export async function lockCoursePurchase(tx: Tx, userId: string, courseId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`purchase:${userId}:${courseId}`}, 0))`;
}

const NOT_OPEN = {
  en: "This course is not open for enrollment.",
  fr: "Ce cours n'est pas ouvert aux inscriptions.",
};

/**
 * Enrolls the viewer (idempotent). A dropped enrollment comes back with its progress, for a paid
 * course only while the purchase (or code) still holds: a refunded one does not. NOT_FOUND when
 * the course is not readable, CONFLICT when readable but not open (draft, archived, access
 * withdrawn), 402 for a paid course without a live purchase.
 */
export async function enrollInCourse(
  db: Tx,
  viewer: Viewer,
  idOrSlug: string,
  occurredAt: Date,
  /** Called when this call (not a concurrent one) made the enrollment active. */
  onEnrolled?: (courseId: string) => void,
): Promise<Enrollment> {
  const course = await findReadableCourse(db, viewer, idOrSlug);
  const key = { userId_courseId: { userId: viewer.userId, courseId: course.id } };
  const existing = await db.userCourseEnrollment.findUnique({ where: key, select: ENROLLMENT_SELECT });
  if (existing && existing.status !== "dropped") return toEnrollment(existing);

  const open = await db.course.count({ where: { AND: [catalogCourses(viewer), { id: course.id }] } });
  if (open === 0) throw new AppError("COURSE_NOT_OPEN", { details: NOT_OPEN });
  const activate = async (tx: Tx): Promise<Enrollment> => {
    if (existing) {
      // Conditional, so two concurrent re-enrolls both succeed and change the row once.
      const { count } = await tx.userCourseEnrollment.updateMany({
        where: { userId: viewer.userId, courseId: course.id, status: "dropped" },
        data: { status: existing.completedAt ? "completed" : "active", droppedAt: null },
      });
      if (count === 1) onEnrolled?.(course.id);
    } else {
      // ON CONFLICT DO NOTHING: a concurrent first enroll is not an error.
      const { count } = await tx.userCourseEnrollment.createMany({
        data: [{ userId: viewer.userId, courseId: course.id, status: "active", createdAt: occurredAt }],
        skipDuplicates: true,
      });
      if (count === 1) onEnrolled?.(course.id);
    }
    return toEnrollment(await tx.userCourseEnrollment.findUniqueOrThrow({ where: key, select: ENROLLMENT_SELECT }));
  };
  if (course.priceCredits === 0) return activate(db);
  // A paid course needs a live purchase or code, also to come back: a refund drops the enrollment.
  // Under the purchase lock, so a refund cannot commit between this check and the write.
  return inTransaction(db, async (tx) => {
    await lockCoursePurchase(tx, viewer.userId, course.id);
    if (!(await hasCourseAccessPurchase(tx, viewer.userId, course.id))) {
      throw await paymentRequired(tx, viewer.userId, course.priceCredits);
    }
    return activate(tx);
  });
}

/**
 * Unenrolls the viewer: status `dropped`, `dropped_at` = when it happened; progress is kept.
 * Idempotent; NOT_FOUND when the viewer was never enrolled or cannot read the course.
 */
export async function unenrollFromCourse(
  db: Tx,
  viewer: Viewer,
  idOrSlug: string,
  occurredAt: Date,
): Promise<Enrollment> {
  const course = await findReadableCourse(db, viewer, idOrSlug);
  const key = { userId_courseId: { userId: viewer.userId, courseId: course.id } };
  await db.userCourseEnrollment.updateMany({
    where: { userId: viewer.userId, courseId: course.id, status: { not: "dropped" } },
    data: { status: "dropped", droppedAt: occurredAt },
  });
  const row = await db.userCourseEnrollment.findUnique({ where: key, select: ENROLLMENT_SELECT });
  if (!row) throw new AppError("NOT_FOUND");
  return toEnrollment(row);
}

const MY_ENROLLMENT_SELECT = {
  ...ENROLLMENT_SELECT,
  course: {
    select: {
      id: true,
      slug: true,
      titleFr: true,
      titleEn: true,
      coverImageUrl: true,
      estimatedHours: true,
      moduleCount: true,
      status: true,
    },
  },
} satisfies Prisma.UserCourseEnrollmentSelect;

type MyEnrollmentRow = EnrollmentRow & Prisma.UserCourseEnrollmentGetPayload<{ select: typeof MY_ENROLLMENT_SELECT }>;

function toMyEnrollment(row: MyEnrollmentRow, lang: Language): MyEnrollment {
  const c = row.course;
  return {
    ...toEnrollment(row),
    course: {
      id: c.id,
      slug: c.slug,
      title: inLanguage(lang, c.titleFr, c.titleEn),
      title_fr: c.titleFr,
      title_en: c.titleEn,
      cover_image_url: c.coverImageUrl,
      estimated_hours: c.estimatedHours,
      module_count: c.moduleCount,
      status: c.status === "draft" || c.status === "archived" ? c.status : "published",
    },
  };
}

function mine(viewer: Viewer): Prisma.UserCourseEnrollmentWhereInput {
  return { userId: viewer.userId, course: readableCourses(viewer) };
}

/** One page of the viewer's enrollments (dropped ones included), most recently changed first. */
export async function listMyEnrollments(
  db: Tx,
  viewer: Viewer,
  query: { page: number; limit: number },
  lang: Language,
): Promise<{ items: MyEnrollment[]; total: number }> {
  const where = mine(viewer);
  const [total, rows] = await Promise.all([
    db.userCourseEnrollment.count({ where }),
    db.userCourseEnrollment.findMany({
      where,
      orderBy: [{ updatedAt: "desc" }, { courseId: "asc" }],
      ...pageArgs(query),
      select: MY_ENROLLMENT_SELECT,
    }),
  ]);
  return { items: rows.map((r) => toMyEnrollment(r, lang)), total };
}

/** One delta-sync answer for the learner's enrollments, before the API wraps it in its envelope. */
export interface EnrollmentDelta {
  items: MyEnrollment[];
  deleted: Tombstone[];
  hasMore: boolean;
  reset: boolean;
  cursor: Date;
}

/**
 * The viewer's enrollments changed at or after `since`, oldest change first, at most `limit`
 * (unenrolling is a change of status, not a deletion). Tombstone ids are course ids.
 */
export async function myEnrollmentsSince(
  db: Tx,
  viewer: Viewer,
  input: { since: Date; limit: number; now: Date },
  lang: Language,
): Promise<EnrollmentDelta> {
  const horizon = await syncHorizon(db);
  const [page, deleted] = await Promise.all([
    deltaPage(
      { since: input.since, limit: input.limit, horizon },
      (window, take) =>
        db.userCourseEnrollment.findMany({
          where: { ...mine(viewer), updatedAt: changedIn(window) },
          orderBy: [{ updatedAt: "asc" }, { courseId: "asc" }],
          take,
          select: MY_ENROLLMENT_SELECT,
        }),
      (row) => row.updatedAt,
    ),
    tombstonesSince(db, { entities: [ENTITY], userId: viewer.userId, since: input.since }),
  ]);
  return {
    items: page.rows.map((r) => toMyEnrollment(r, lang)),
    deleted,
    hasMore: page.hasMore,
    reset: needsFullResync(input.since, input.now),
    cursor: page.cursor,
  };
}

interface EnrollmentDeps {
  db: Tx;
  redis: Redis;
  logger?: Pick<Logger, "warn">;
}

/** Enrolls the viewer (see `enrollInCourse`), then drops their cached dashboard, which lists courses. */
export async function enroll(
  deps: EnrollmentDeps & { usage: UsageSink },
  viewer: Viewer,
  idOrSlug: string,
  occurredAt: Date,
) {
  const enrollment = await enrollInCourse(deps.db, viewer, idOrSlug, occurredAt, (courseId) =>
    deps.usage.record({ kind: "enrollment", userId: viewer.userId, courseId, occurredAt }),
  );
  await invalidateDashboard(deps.redis, viewer.userId, deps.logger);
  return enrollment;
}

/** Unenrolls the viewer (see `unenrollFromCourse`), then drops their cached dashboard. */
export async function unenroll(deps: EnrollmentDeps, viewer: Viewer, idOrSlug: string, occurredAt: Date) {
  const enrollment = await unenrollFromCourse(deps.db, viewer, idOrSlug, occurredAt);
  await invalidateDashboard(deps.redis, viewer.userId, deps.logger);
  return enrollment;
}
