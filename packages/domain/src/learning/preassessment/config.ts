/**
 * Course pre-assessment settings for the back office (admins, and experts on the courses they
 * manage; others 404): enable it, its length and the per-module "known" threshold, audited; and
 * the request to build its item bank, run by the "preassessment-generation" job.
 */
import {
  AppError,
  type PREASSESSMENT_STATUSES,
  type PreassessmentConfig,
  type PreassessmentConfigInput,
} from "@sira/contracts";
import { jobIdFor } from "@sira/infra";
import type { Db, Prisma, Tx } from "@sira/infra/db";
import type { Viewer } from "../../access/actor.ts";
import { manageableCourses } from "../../access/readable.ts";
import { writeAudit } from "../../audit.ts";
import type { ContentDeps } from "../../content/deps.ts";
import { courseHasIndexedContent } from "../../content/indexed.ts";
import { enqueue } from "../../jobs/enqueue.ts";
import type { JobPayload } from "../../jobs/registry.ts";
import type { AuditMeta } from "../../request-meta.ts";

type Row = Prisma.CoursePreassessmentGetPayload<object>;

export type PreassessmentJobData = JobPayload<"generate-preassessment">;

export const preassessmentJobId = (courseId: string): string => jobIdFor("preassess", courseId);

async function assertManageable(db: Tx, viewer: Viewer, courseId: string): Promise<void> {
  const found = await db.course.count({ where: { AND: [manageableCourses(viewer), { id: courseId }] } });
  if (found === 0) throw new AppError("NOT_FOUND");
}

const DEFAULTS = { isEnabled: false, maxItems: 15, knownThresholdPct: 80 };

async function toConfig(db: Tx, courseId: string, row: Row | null): Promise<PreassessmentConfig> {
  const counts = row
    ? await db.quizItem.groupBy({
        by: ["language"],
        where: { preassessmentId: row.id, isActive: true },
        _count: { _all: true },
      })
    : [];
  const count = (lang: string) => counts.find((c) => c.language === lang)?._count._all ?? 0;
  return {
    course_id: courseId,
    is_enabled: row?.isEnabled ?? DEFAULTS.isEnabled,
    max_items: row?.maxItems ?? DEFAULTS.maxItems,
    known_threshold_pct: row?.knownThresholdPct ?? DEFAULTS.knownThresholdPct,
    generation_status: (row?.generationStatus ?? "not_generated") as (typeof PREASSESSMENT_STATUSES)[number],
    generation_error: row?.generationError ?? null,
    generated_at: row?.generatedAt?.toISOString() ?? null,
    item_counts: { fr: count("fr"), en: count("en") },
    updated_at: row?.updatedAt.toISOString() ?? null,
  };
}

/** The course's pre-assessment settings (defaults when never configured). */
export async function getPreassessmentConfig(db: Db, viewer: Viewer, courseId: string): Promise<PreassessmentConfig> {
  await assertManageable(db, viewer, courseId);
  return toConfig(db, courseId, await db.coursePreassessment.findUnique({ where: { courseId } }));
}

const auditable = (r: Row | null) =>
  r && { is_enabled: r.isEnabled, max_items: r.maxItems, known_threshold_pct: r.knownThresholdPct };

/** Changes the settings given (others kept), with an audit entry. */
export async function updatePreassessmentConfig(
  db: Db,
  viewer: Viewer,
  courseId: string,
  input: PreassessmentConfigInput,
  meta: AuditMeta,
): Promise<PreassessmentConfig> {
  await assertManageable(db, viewer, courseId);
  const data = {
    ...(input.is_enabled !== undefined ? { isEnabled: input.is_enabled } : {}),
    ...(input.max_items !== undefined ? { maxItems: input.max_items } : {}),
    ...(input.known_threshold_pct !== undefined ? { knownThresholdPct: input.known_threshold_pct } : {}),
  };
  const row = await db.$transaction(async (tx) => {
    const before = await tx.coursePreassessment.findUnique({ where: { courseId } });
    const after = await tx.coursePreassessment.upsert({
      where: { courseId },
      create: { courseId, ...data },
      update: data,
    });
    await writeAudit(tx, {
      actorId: viewer.userId,
      action: "course.preassessment.update",
      targetType: "course",
      targetId: courseId,
      before: auditable(before),
      after: auditable(after),
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return after;
  });
  return toConfig(db, courseId, row);
}

/**
 * Queues the building of the pre-assessment's item bank (one job per course at a time). 409
 * NO_INDEXED_CONTENT when the course has neither indexed documents nor quiz content to draw from.
 */
export async function requestPreassessmentGeneration(
  deps: Pick<ContentDeps, "db" | "config">,
  viewer: Viewer,
  courseId: string,
  country: string,
  meta: AuditMeta,
): Promise<{ status: PreassessmentConfig["generation_status"]; job_id: string }> {
  const { db } = deps;
  await assertManageable(db, viewer, courseId);
  const hasQuizzes = await db.generatedContent.count({
    where: { contentType: "quiz", unitId: null, module: { courseId } },
  });
  if (hasQuizzes === 0 && !(await courseHasIndexedContent(db, courseId))) throw new AppError("NO_INDEXED_CONTENT");
  const row = await db.$transaction(async (tx) => {
    const current = await tx.coursePreassessment.upsert({ where: { courseId }, create: { courseId }, update: {} });
    const busy = current.generationStatus === "queued" || current.generationStatus === "generating";
    const updated = busy
      ? current
      : await tx.coursePreassessment.update({
          where: { id: current.id },
          data: { generationStatus: "queued", generationError: null },
        });
    await writeAudit(tx, {
      actorId: viewer.userId,
      action: "course.preassessment.generate",
      targetType: "course",
      targetId: courseId,
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return updated;
  });
  const data: PreassessmentJobData = { courseId, country: country.toUpperCase() };
  const { jobId } = await enqueue(deps, "generate-preassessment", data, preassessmentJobId(courseId));
  return { status: row.generationStatus as PreassessmentConfig["generation_status"], job_id: jobId };
}
