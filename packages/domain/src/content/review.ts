/**
 * The back office's view of generated content: list and read (admins: all; experts: their
 * courses'), mark validated after review, and regenerate (same row, next version, unvalidated).
 */
import {
  AppError,
  type GeneratedContentDetail,
  type GeneratedContentListQuery,
  type GeneratedContentSummary,
  type Regeneration,
  type ReviewGeneratedContentInput,
  type SourceRef,
} from "@sira/contracts";
import { jobIdFor } from "@sira/infra";
import type { Db, Prisma, Tx } from "@sira/infra/db";
import type { Viewer } from "../access/actor.ts";
import { manageableCourses } from "../access/readable.ts";
import { writeAudit } from "../audit.ts";
import { enqueue } from "../jobs/enqueue.ts";
import type { AuditMeta } from "../request-meta.ts";
import { pageArgs } from "../sync.ts";
import { invalidateHotCopy, keyOfRow, toCached } from "./cache.ts";
import type { ContentStoreDeps } from "./deps.ts";
import type { GenerationJobData } from "./generation.ts";

const withCourse = { module: { select: { courseId: true } } } satisfies Prisma.GeneratedContentInclude;
type RowWithCourse = Prisma.GeneratedContentGetPayload<{ include: typeof withCourse }>;

/** List rows leave the (large) body out. */
type SummaryRow = Omit<RowWithCourse, "content">;

function toSummary(row: SummaryRow): GeneratedContentSummary {
  const c = toCached({ ...row, content: null });
  return {
    id: c.id,
    module_id: c.moduleId,
    unit_id: c.unitId,
    content_type: c.contentType,
    language: c.language,
    level: c.level,
    country_context: c.country,
    version: c.version,
    validated: c.validated,
    model: c.model,
    offline: c.offline,
    generated_at: c.generatedAt,
    course_id: row.module.courseId ?? "",
    validated_by: row.validatedById,
    validated_at: row.validatedAt?.toISOString() ?? null,
    sources_count: c.sourcesCited.length,
    updated_at: row.updatedAt.toISOString(),
  };
}

function toDetail(row: RowWithCourse): GeneratedContentDetail {
  return {
    ...toSummary(row),
    content: row.content,
    sources_cited: (row.sourcesCited ?? []) as SourceRef[],
    metadata: (row.metadata ?? {}) as Record<string, unknown>,
  };
}

function manageable(viewer: Viewer): Prisma.GeneratedContentWhereInput {
  return { module: { course: manageableCourses(viewer) } };
}

/** Generated content the viewer manages, most recently changed first. */
export async function listGeneratedContent(
  db: Db,
  viewer: Viewer,
  query: GeneratedContentListQuery,
): Promise<{ items: GeneratedContentSummary[]; total: number }> {
  const where: Prisma.GeneratedContentWhereInput = {
    AND: [
      manageable(viewer),
      {
        ...(query.course_id ? { module: { courseId: query.course_id } } : {}),
        ...(query.module_id ? { moduleId: query.module_id } : {}),
        ...(query.unit_id ? { unitId: query.unit_id } : {}),
        ...(query.content_type ? { contentType: query.content_type } : {}),
        ...(query.language ? { language: query.language } : {}),
        ...(query.validated !== undefined ? { validated: query.validated } : {}),
      },
    ],
  };
  const [total, rows] = await Promise.all([
    db.generatedContent.count({ where }),
    db.generatedContent.findMany({
      where,
      orderBy: [{ updatedAt: "desc" }, { id: "asc" }],
      ...pageArgs(query),
      include: withCourse,
      omit: { content: true },
    }),
  ]);
  return { items: rows.map(toSummary), total };
}

async function findManageable(db: Tx, viewer: Viewer, id: string): Promise<RowWithCourse> {
  const row = await db.generatedContent.findFirst({
    where: { AND: [manageable(viewer), { id }] },
    include: withCourse,
  });
  if (!row) throw new AppError("NOT_FOUND");
  return row;
}

/** One piece of generated content with its full body, sources and generation metadata. */
export async function getGeneratedContent(db: Db, viewer: Viewer, id: string): Promise<GeneratedContentDetail> {
  return toDetail(await findManageable(db, viewer, id));
}

/** Marks content validated (or not) after review: who and when are recorded, and audited with the note. */
export async function reviewGeneratedContent(
  deps: ContentStoreDeps,
  viewer: Viewer,
  id: string,
  input: ReviewGeneratedContentInput,
  meta: AuditMeta,
): Promise<GeneratedContentDetail> {
  const row = await deps.db.$transaction(async (tx) => {
    const before = await findManageable(tx, viewer, id);
    const updated = await tx.generatedContent.update({
      where: { id },
      data: input.validated
        ? { validated: true, validatedById: viewer.userId, validatedAt: meta.now }
        : { validated: false, validatedById: null, validatedAt: null },
      include: withCourse,
    });
    await writeAudit(tx, {
      actorId: viewer.userId,
      action: "generated_content.reviewed",
      targetType: "generated_content",
      targetId: id,
      before: { validated: before.validated, version: before.version },
      after: { validated: updated.validated, version: updated.version, ...(input.note ? { note: input.note } : {}) },
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return updated;
  });
  await invalidateHotCopy(deps.redis, keyOfRow(row));
  return toDetail(row);
}

/**
 * Queues a regeneration of stored content. The new content replaces the row in place when ready
 * (version + 1, unvalidated) and the hot copy is dropped; asking twice for the same version queues
 * one job.
 */
export async function regenerateContent(
  deps: ContentStoreDeps,
  viewer: Viewer,
  id: string,
  meta: AuditMeta,
): Promise<Regeneration> {
  const row = await findManageable(deps.db, viewer, id);
  const data: GenerationJobData = {
    key: keyOfRow(row),
    regenerate: { contentId: row.id, expectedVersion: row.version },
  };
  const { jobId } = await enqueue(deps, "generate", data, jobIdFor("regen", row.id, row.version));
  await writeAudit(deps.db, {
    actorId: viewer.userId,
    action: "generated_content.regeneration_requested",
    targetType: "generated_content",
    targetId: id,
    before: { version: row.version },
    requestId: meta.requestId,
    ip: meta.ip,
  });
  return { id, status: "queued", job_id: jobId, current_version: row.version };
}
