/** A course's documents in the back office: list, status, pages, delete, re-index. */
import type {
  CourseResourceListQuery,
  CourseResourceView,
  ResourceChunkView,
  ResourcePageListQuery,
  ResourcePageView,
} from "@sira/contracts";
import { AppError } from "@sira/contracts";
import type { Viewer } from "../access/actor.ts";
import { manageableCourses } from "../access/readable.ts";
import { writeAudit } from "../audit.ts";
import type { RequestMeta } from "../request-meta.ts";
import { pageArgs } from "../sync.ts";
import { assertManagesCourse, manageableResource } from "./access.ts";
import type { ResourceDeps } from "./deps.ts";
import { enqueueResourceJobs } from "./jobs.ts";
import { resourceSelect, toResourceView } from "./shape.ts";

/** Where a resource's extracted images are stored (deleted with it). */
export function imagePrefix(courseId: string, resourceId: string): string {
  return `courses/${courseId}/images/${resourceId}`;
}

/** A page of the course's documents, newest first (NOT_FOUND unless the viewer manages the course). */
export async function listCourseResources(
  deps: Pick<ResourceDeps, "db">,
  viewer: Viewer,
  courseId: string,
  query: CourseResourceListQuery,
): Promise<{ items: CourseResourceView[]; total: number }> {
  await assertManagesCourse(deps.db, viewer, courseId);
  const where = { courseId, ...(query.index_status ? { indexStatus: query.index_status } : {}) };
  const [rows, total] = await Promise.all([
    deps.db.courseResource.findMany({
      where,
      select: resourceSelect,
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      ...pageArgs(query),
    }),
    deps.db.courseResource.count({ where }),
  ]);
  return { items: rows.map(toResourceView), total };
}

/** One document with its indexing status, progress and error. */
export async function getCourseResource(
  deps: Pick<ResourceDeps, "db">,
  viewer: Viewer,
  courseId: string,
  resourceId: string,
): Promise<CourseResourceView> {
  return toResourceView(await manageableResource(deps.db, viewer, courseId, resourceId));
}

/**
 * One passage of a document, as a citation points to it (text, page, chapter); NOT_FOUND unless the
 * viewer manages the course, or once re-indexing replaced the chunk.
 */
export async function getResourceChunk(
  deps: Pick<ResourceDeps, "db">,
  viewer: Viewer,
  courseId: string,
  resourceId: string,
  chunkId: string,
): Promise<ResourceChunkView> {
  const row = await deps.db.documentChunk.findFirst({
    where: { id: chunkId, resourceId, courseId, course: manageableCourses(viewer) },
    select: {
      id: true,
      resourceId: true,
      chunkIndex: true,
      page: true,
      chapter: true,
      language: true,
      lowConfidence: true,
      content: true,
      resource: { select: { filename: true } },
    },
  });
  if (!row) throw new AppError("NOT_FOUND");
  return {
    id: row.id,
    resource_id: row.resourceId,
    filename: row.resource.filename,
    chunk_index: row.chunkIndex,
    page: row.page,
    chapter: row.chapter,
    language: row.language,
    low_confidence: row.lowConfidence,
    content: row.content,
  };
}

/**
 * Deletes a document: its chunks and image rows go with it (foreign-key cascade), then its stored
 * file and images. A job still running for it finds nothing and ends quietly.
 */
export async function deleteCourseResource(
  deps: ResourceDeps,
  viewer: Viewer,
  courseId: string,
  resourceId: string,
  meta: Pick<RequestMeta, "requestId" | "ip">,
): Promise<void> {
  const row = await deps.db.$transaction(async (tx) => {
    const current = await manageableResource(tx, viewer, courseId, resourceId);
    // A concurrent delete may have won: NOT_FOUND, not Prisma's P2025.
    const { count } = await tx.courseResource.deleteMany({ where: { id: resourceId } });
    if (count === 0) throw new AppError("NOT_FOUND");
    await writeAudit(tx, {
      actorId: viewer.userId,
      action: "course_resource.deleted",
      targetType: "course_resource",
      targetId: resourceId,
      before: {
        course_id: courseId,
        filename: current.filename,
        content_hash: current.contentHash,
        chunk_count: current.chunkCount,
      },
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return current;
  });
  await Promise.all([
    deps.storage.delete(row.storageKey),
    deps.storage.deletePrefix(imagePrefix(courseId, resourceId)),
  ]).catch((err) => deps.logger.warn({ err, resource_id: resourceId }, "stored files of a deleted resource remain"));
}

/**
 * Queues the document for indexing again (a new job); its status goes back to queued at 0 %. One
 * already queued or running is left to the job it has (as for the whole course): each run reads the
 * document in full again. One that has not moved for `STUCK_INDEXING_MS` has lost its job (Redis lost
 * it, say) and is queued again.
 */
/** Longer than a document waits and runs with its progress unchanged (indexing's job, 120 s, is the longest). */
export const STUCK_INDEXING_MS = 10 * 60_000;

export async function reindexCourseResource(
  deps: ResourceDeps,
  viewer: Viewer,
  courseId: string,
  resourceId: string,
  meta: Pick<RequestMeta, "requestId" | "ip">,
): Promise<CourseResourceView> {
  const { row, busy } = await deps.db.$transaction(async (tx) => {
    // Locked, so two requests at once cannot both queue a run.
    await tx.$queryRaw`SELECT id FROM course_resources WHERE id = ${resourceId}::uuid FOR UPDATE`;
    const current = await manageableResource(tx, viewer, courseId, resourceId);
    const busy = current.indexStatus === "queued" || current.indexStatus === "running";
    if (busy && Date.now() - current.updatedAt.getTime() < STUCK_INDEXING_MS) return { row: current, busy: true };
    const { count } = await tx.courseResource.updateMany({
      where: { id: resourceId },
      data: { indexStatus: "queued", indexProgressPct: 0, indexError: null },
    });
    if (count === 0) throw new AppError("NOT_FOUND"); // deleted meanwhile
    const updated = await tx.courseResource.findUniqueOrThrow({ where: { id: resourceId }, select: resourceSelect });
    await writeAudit(tx, {
      actorId: viewer.userId,
      action: "course_resource.reindex_requested",
      targetType: "course_resource",
      targetId: resourceId,
      before: { index_status: current.indexStatus, chunk_count: current.chunkCount },
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return { row: updated, busy: false };
  });
  if (!busy) await enqueueResourceJobs(deps, row);
  return toResourceView(row);
}

/**
 * Re-indexes every document of the course, one job each: documents read by an older extractor are
 * read again from their files (with OCR where pages have no text). Documents already queued or
 * running are left to the job they have. One audit row for the request.
 */
export async function reindexCourseResources(
  deps: ResourceDeps,
  viewer: Viewer,
  courseId: string,
  meta: Pick<RequestMeta, "requestId" | "ip">,
): Promise<{ course_id: string; queued: number; already_queued: number }> {
  const { rows, busy } = await deps.db.$transaction(async (tx) => {
    await assertManagesCourse(tx, viewer, courseId);
    // Locked, so two requests at once cannot both queue the same documents.
    const ids = await tx.$queryRaw<{ id: string; busy: boolean }[]>`
      SELECT id::text, index_status IN ('queued', 'running') AS busy
        FROM course_resources WHERE course_id = ${courseId}::uuid ORDER BY created_at, id FOR UPDATE`;
    const idle = ids.filter((r) => !r.busy).map((r) => r.id);
    await tx.courseResource.updateMany({
      where: { id: { in: idle } },
      data: { indexStatus: "queued", indexProgressPct: 0, indexError: null },
    });
    const rows = await tx.courseResource.findMany({ where: { id: { in: idle } }, select: resourceSelect });
    await writeAudit(tx, {
      actorId: viewer.userId,
      action: "course.resources_reindex_requested",
      targetType: "course",
      targetId: courseId,
      after: { queued: rows.length, already_queued: ids.length - idle.length },
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return { rows, busy: ids.length - idle.length };
  });
  for (const row of rows) await enqueueResourceJobs(deps, row);
  return { course_id: courseId, queued: rows.length, already_queued: busy };
}

/** How each page of a document was read (text layer or OCR, language, confidence), in page order. */
export async function listResourcePages(
  deps: Pick<ResourceDeps, "db">,
  viewer: Viewer,
  courseId: string,
  resourceId: string,
  query: ResourcePageListQuery,
): Promise<{ items: ResourcePageView[]; total: number }> {
  await manageableResource(deps.db, viewer, courseId, resourceId);
  const where = {
    resourceId,
    ...(query.low_confidence === undefined ? {} : { lowConfidence: query.low_confidence }),
  };
  const [rows, total] = await Promise.all([
    deps.db.resourcePage.findMany({ where, orderBy: { page: "asc" }, ...pageArgs(query) }),
    deps.db.resourcePage.count({ where }),
  ]);
  return {
    items: rows.map((r) => ({
      page: r.page,
      source: r.source as ResourcePageView["source"],
      language: r.language as ResourcePageView["language"],
      ocr_confidence: r.ocrConfidence,
      low_confidence: r.lowConfidence,
      char_count: r.charCount,
    })),
    total,
  };
}
