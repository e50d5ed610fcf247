/**
 * AI course structure, the request and the job: an admin asks (the course must have indexed
 * documents), a proposal row is queued and the course's creation step becomes `generating`; the
 * syllabus job gathers each document's outline, summary and a few excerpts per outline section,
 * asks the generator for modules and units, validates them and stores the proposal (`ready`), or
 * records why it failed (`failed`, the creation step back to `upload` if nothing was built yet).
 */
import type { StructureDocument } from "@sira/ai";
import {
  AppError,
  CourseStructureSchema,
  clipText,
  type Language,
  type StructureProposal,
  type TocEntry,
  TocEntrySchema,
} from "@sira/contracts";
import { jobIdFor } from "@sira/infra";
import type { Db, Prisma, Transaction } from "@sira/infra/db";
import { z } from "zod";
import type { Viewer } from "../access/actor.ts";
import { manageableCourses } from "../access/readable.ts";
import { lockManageableCourse } from "../admin/courses/shape.ts";
import { writeAudit } from "../audit.ts";
import { inLanguage } from "../bilingual.ts";
import { enqueue } from "../jobs/enqueue.ts";
import { isPermanentJobFailure } from "../jobs/failures.ts";
import type { JobPayload } from "../jobs/registry.ts";
import type { AuditMeta } from "../request-meta.ts";
import type { ContentDeps } from "./deps.ts";
import { toStructureProposal } from "./structure-view.ts";

/** Excerpts per outline section and per document sent to the structure generator. */
const EXCERPTS_PER_SECTION = 2;
const EXCERPTS_PER_DOCUMENT = 60;
const EXCERPT_CHARS = 1_200;

export type StructureJobData = JobPayload<"generate-structure">;

/** Queues a structure proposal for a course the viewer manages (a running one is returned as is). */
export async function requestCourseStructure(
  deps: Pick<ContentDeps, "db" | "config">,
  viewer: Viewer,
  courseId: string,
  meta: AuditMeta,
): Promise<StructureProposal> {
  const row = await deps.db.$transaction(async (tx) => {
    const course = await lockManageableCourse(tx, manageableCourses(viewer), courseId);
    const indexed = await tx.courseResource.count({ where: { courseId, indexStatus: "done", chunkCount: { gt: 0 } } });
    if (indexed === 0) throw new AppError("NO_INDEXED_CONTENT");
    const active = await tx.courseStructureProposal.findFirst({
      where: { courseId, status: { in: ["queued", "running"] } },
      orderBy: { createdAt: "desc" },
    });
    if (active) return active;
    const proposal = await tx.courseStructureProposal.create({
      data: { courseId, status: "queued", requestedById: viewer.userId },
    });
    if (course.creationStep !== "published") {
      await tx.course.update({ where: { id: courseId }, data: { creationStep: "generating" } });
    }
    await writeAudit(tx, {
      actorId: viewer.userId,
      action: "course.structure_requested",
      targetType: "course",
      targetId: courseId,
      after: {
        proposal_id: proposal.id,
        creation_step: course.creationStep === "published" ? "published" : "generating",
      },
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return proposal;
  });
  const data: StructureJobData = { proposalId: row.id };
  await enqueue(deps, "generate-structure", data, jobIdFor("structure", row.id));
  return toStructureProposal(row);
}

interface ExcerptRow {
  resource_id: string;
  chapter: string | null;
  page: number | null;
  content: string;
  language: string;
}

const tocSchema = z.array(TocEntrySchema);

/** The course's indexed documents as the structure generator sees them. */
export async function structureDocuments(db: Db, courseId: string): Promise<StructureDocument[]> {
  const resources = await db.courseResource.findMany({
    where: { courseId, indexStatus: "done", chunkCount: { gt: 0 } },
    orderBy: { createdAt: "asc" },
    select: { id: true, filename: true, tocJson: true, summaryText: true, pageCount: true, charCount: true },
  });
  if (resources.length === 0) return [];
  // The first chunks of each outline section, in reading order (one statement for every document).
  const excerpts = await db.$queryRaw<ExcerptRow[]>`
    SELECT resource_id, chapter, page, content, language FROM (
      SELECT resource_id, chapter, page, left(content, ${EXCERPT_CHARS}) AS content, language, chunk_index,
        row_number() OVER (PARTITION BY resource_id, coalesce(chapter, '') ORDER BY chunk_index) AS in_section
      FROM document_chunks WHERE course_id = ${courseId}::uuid
    ) c
    WHERE in_section <= ${EXCERPTS_PER_SECTION}
    ORDER BY resource_id, chunk_index`;
  // Tokens per run of consecutive chunks under one heading (a gaps-and-islands grouping).
  const sections = await db.$queryRaw<{ resource_id: string; chapter: string | null; tokens: number }[]>`
    SELECT resource_id, chapter, sum(token_count)::int AS tokens FROM (
      SELECT resource_id, chapter, token_count, chunk_index,
        chunk_index - row_number() OVER (PARTITION BY resource_id, coalesce(chapter, '') ORDER BY chunk_index) AS run
      FROM document_chunks WHERE course_id = ${courseId}::uuid
    ) c
    GROUP BY resource_id, chapter, run
    ORDER BY resource_id, min(chunk_index)`;
  return resources.map((r) => {
    const toc = tocSchema.safeParse(r.tocJson ?? []);
    const outline: TocEntry[] = toc.success ? toc.data : [];
    return {
      resourceId: r.id,
      filename: r.filename,
      outline,
      summary: r.summaryText ?? "",
      pageCount: r.pageCount,
      charCount: r.charCount,
      excerpts: excerpts
        .filter((e) => e.resource_id === r.id)
        .slice(0, EXCERPTS_PER_DOCUMENT)
        .map((e) => ({ chapter: e.chapter, page: e.page, text: e.content, language: e.language as Language })),
      sections: sections.filter((s) => s.resource_id === r.id).map((s) => ({ chapter: s.chapter, tokens: s.tokens })),
    };
  });
}

/** A course whose structure was not built goes back to the upload step. */
export async function backToUpload(tx: Transaction, courseId: string): Promise<void> {
  const modules = await tx.module.count({ where: { courseId } });
  if (modules === 0) {
    await tx.course.updateMany({
      where: { id: courseId, creationStep: "generating" },
      data: { creationStep: "upload" },
    });
  }
}

/**
 * Runs the structure job; a proposal no longer queued or running (already done) is left alone. A
 * failure the job may retry (see isPermanentJobFailure) leaves the proposal running and rethrows,
 * unless this is the last attempt; any other failure marks the proposal failed.
 */
export async function runStructureGeneration(
  deps: ContentDeps,
  data: StructureJobData,
  options: { signal?: AbortSignal | undefined; lastAttempt?: boolean } = {},
): Promise<StructureProposal | null> {
  const { signal, lastAttempt = true } = options;
  const claimed = await deps.db.courseStructureProposal.updateMany({
    where: { id: data.proposalId, status: { in: ["queued", "running"] } },
    data: { status: "running" },
  });
  if (claimed.count === 0) return null;
  const proposal = await deps.db.courseStructureProposal.findUniqueOrThrow({
    where: { id: data.proposalId },
    include: { course: true },
  });
  const { course } = proposal;
  try {
    const documents = await structureDocuments(deps.db, course.id);
    if (documents.length === 0) throw new AppError("NO_INDEXED_CONTENT");
    const result = await deps.ai.generator.structure(
      {
        courseTitle: inLanguage("fr", course.titleFr, course.titleEn),
        topic: clipText(inLanguage("fr", course.descriptionFr, course.descriptionEn) || course.titleFr, 200),
        languages: ["fr", "en"],
        documents,
      },
      signal ? { signal } : {},
    );
    const structure = CourseStructureSchema.parse(result.content);
    const row = await deps.db.courseStructureProposal.update({
      where: { id: proposal.id },
      data: {
        status: "ready",
        proposal: structure as unknown as Prisma.InputJsonValue,
        error: null,
        completedAt: new Date(),
      },
    });
    deps.logger.info({ proposal_id: proposal.id, modules: structure.modules.length }, "course structure proposed");
    return toStructureProposal(row);
  } catch (error) {
    const reason =
      error instanceof AppError ? `${error.code}: ${error.detail("en")}` : String((error as Error).message);
    deps.logger.warn({ proposal_id: proposal.id, err: error }, "course structure generation failed");
    if (!lastAttempt && !isPermanentJobFailure(error)) throw error;
    return deps.db.$transaction(async (tx) => {
      const row = await tx.courseStructureProposal.update({
        where: { id: proposal.id },
        data: { status: "failed", error: clipText(reason, 1_000), completedAt: new Date() },
      });
      await backToUpload(tx, course.id);
      return toStructureProposal(row);
    });
  }
}
