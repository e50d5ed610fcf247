/**
 * An admin's decision on a structure proposal. Accepting builds the course's modules and units in
 * one transaction (module_number 1..n, prerequisites mapped from proposal positions to the new
 * module ids), replacing existing modules only while no learner has progress in them.
 */
import {
  type AcceptedStructure,
  type AcceptStructureInput,
  AppError,
  type CourseStructure,
  CourseStructureSchema,
  type Page,
  type StructureProposal,
} from "@sira/contracts";
import type { Db, Prisma, Transaction } from "@sira/infra/db";
import type { Viewer } from "../access/actor.ts";
import { manageableCourses } from "../access/readable.ts";
import { lockManageableCourse } from "../admin/courses/shape.ts";
import { writeAudit } from "../audit.ts";
import type { AuditMeta } from "../request-meta.ts";
import { pageArgs, recordTombstones } from "../sync.ts";
import { backToUpload } from "./structure-generation.ts";
import { toStructureProposal } from "./structure-view.ts";

async function assertManageable(db: Db, viewer: Viewer, courseId: string): Promise<void> {
  const n = await db.course.count({ where: { AND: [manageableCourses(viewer), { id: courseId }] } });
  if (n === 0) throw new AppError("NOT_FOUND");
}

/** The course's proposals, newest first. */
export async function listStructureProposals(
  db: Db,
  viewer: Viewer,
  courseId: string,
  query: { page: number; limit: number },
): Promise<Omit<Page<StructureProposal>, "page" | "limit" | "has_more">> {
  await assertManageable(db, viewer, courseId);
  const where = { courseId };
  const [total, rows] = await Promise.all([
    db.courseStructureProposal.count({ where }),
    db.courseStructureProposal.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      ...pageArgs(query),
    }),
  ]);
  return { items: rows.map(toStructureProposal), total };
}

/** One proposal: its status and, once ready, the proposed modules and units. */
export async function getStructureProposal(
  db: Db,
  viewer: Viewer,
  courseId: string,
  proposalId: string,
): Promise<StructureProposal> {
  await assertManageable(db, viewer, courseId);
  const row = await db.courseStructureProposal.findFirst({ where: { id: proposalId, courseId } });
  if (!row) throw new AppError("NOT_FOUND");
  return toStructureProposal(row);
}

async function lockProposal(tx: Transaction, courseId: string, proposalId: string) {
  await tx.$queryRaw`SELECT id FROM course_structure_proposals WHERE id = ${proposalId}::uuid FOR UPDATE`;
  const row = await tx.courseStructureProposal.findFirst({ where: { id: proposalId, courseId } });
  if (!row) throw new AppError("NOT_FOUND");
  if (row.status === "queued" || row.status === "running") throw new AppError("NOT_READY");
  return row;
}

function invalidTransition(from: string, to: string): AppError {
  return new AppError("INVALID_TRANSITION", {
    fieldErrors: [{ field: "status", code: "invalid_transition", message: `${from} → ${to}` }],
    details: {
      en: `This proposal is ${from}; only a ready proposal can be ${to}.`,
      fr: `Cette proposition est « ${from} » : seule une proposition prête peut être ${to === "accepted" ? "acceptée" : "rejetée"}.`,
    },
  });
}

/** Prerequisites may only name earlier modules of the same proposal. */
function checkPrerequisites(structure: CourseStructure): void {
  structure.modules.forEach((m, i) => {
    const bad = m.prerequisites.findIndex((p) => p >= i);
    if (bad >= 0) {
      throw new AppError("VALIDATION_FAILED", {
        fieldErrors: [
          {
            field: `proposal.modules.${i}.prerequisites.${bad}`,
            code: "invalid_prerequisite",
            message: "A prerequisite must be an earlier module",
          },
        ],
      });
    }
  });
}

/** Learners' work in the modules (progress, readings, flashcard reviews, quiz attempts) would go with them. */
async function assertNoLearnerProgress(tx: Transaction, courseId: string): Promise<void> {
  const inCourse = { module: { courseId } };
  const counts = await Promise.all([
    tx.userModuleProgress.count({ where: inCourse }),
    tx.userUnitProgress.count({ where: { unit: inCourse } }),
    tx.lessonReading.count({ where: { unit: inCourse } }),
    tx.flashcardReview.count({ where: { card: inCourse } }),
    tx.quizAttempt.count({ where: inCourse }),
  ]);
  if (counts.some((n) => n > 0)) {
    throw new AppError("CONFLICT", {
      details: {
        en: "Learners already have progress in this course's modules, so they cannot be replaced.",
        fr: "Des apprenants ont déjà progressé dans les modules de ce cours : ils ne peuvent pas être remplacés.",
      },
    });
  }
}

/** Replaces the course's modules with the structure's; returns the new module ids in order. */
async function buildModules(
  tx: Transaction,
  courseId: string,
  structure: CourseStructure,
  now: Date,
): Promise<string[]> {
  const old = await tx.module.findMany({ where: { courseId }, select: { id: true, units: { select: { id: true } } } });
  await tx.module.deleteMany({ where: { courseId } });
  await recordTombstones(tx, [
    ...old.map((m) => ({ entity: "modules", entityId: m.id, deletedAt: now })),
    ...old.flatMap((m) => m.units.map((u) => ({ entity: "module_units", entityId: u.id, deletedAt: now }))),
  ]);
  const ids: string[] = [];
  for (const [i, m] of structure.modules.entries()) {
    const row = await tx.module.create({
      data: {
        courseId,
        moduleNumber: i + 1,
        level: m.level,
        titleFr: m.title_fr,
        titleEn: m.title_en,
        descriptionFr: m.description_fr,
        descriptionEn: m.description_en,
        estimatedHours: m.estimated_hours,
        bloomLevel: m.bloom_level,
        objectivesFr: m.objectives_fr,
        objectivesEn: m.objectives_en,
        booksSources: m.books_sources as unknown as Prisma.InputJsonValue,
        prereqModules: m.prerequisites.map((p) => ids[p] as string),
        units: {
          create: m.units.map((u, j) => ({
            unitNumber: j + 1,
            unitType: u.unit_type,
            titleFr: u.title_fr,
            titleEn: u.title_en,
            descriptionFr: u.description_fr,
            descriptionEn: u.description_en,
            estimatedMinutes: u.estimated_minutes,
          })),
        },
      },
      select: { id: true },
    });
    ids.push(row.id);
  }
  await tx.course.update({ where: { id: courseId }, data: { moduleCount: ids.length } });
  return ids;
}

/**
 * Accepts a ready proposal, as generated or with the admin's edits, and builds the modules (409
 * CONFLICT if learners have progress in the current ones). The course stays at `generating`
 * until it is published.
 */
export async function acceptStructureProposal(
  db: Db,
  viewer: Viewer,
  courseId: string,
  proposalId: string,
  input: AcceptStructureInput,
  meta: AuditMeta,
): Promise<AcceptedStructure> {
  return db.$transaction(
    async (tx) => {
      await lockManageableCourse(tx, manageableCourses(viewer), courseId);
      const row = await lockProposal(tx, courseId, proposalId);
      if (row.status !== "ready") throw invalidTransition(row.status, "accepted");
      const structure = input.proposal ?? CourseStructureSchema.parse(row.proposal);
      checkPrerequisites(structure);
      await assertNoLearnerProgress(tx, courseId);
      const moduleIds = await buildModules(tx, courseId, structure, meta.now);
      const updated = await tx.courseStructureProposal.update({
        where: { id: proposalId },
        data: {
          status: "accepted",
          decidedById: viewer.userId,
          decidedAt: meta.now,
          ...(input.proposal ? { proposal: input.proposal as unknown as Prisma.InputJsonValue } : {}),
        },
      });
      await writeAudit(tx, {
        actorId: viewer.userId,
        action: "course.structure_accepted",
        targetType: "course",
        targetId: courseId,
        after: { proposal_id: proposalId, module_ids: moduleIds, edited: input.proposal !== undefined },
        requestId: meta.requestId,
        ip: meta.ip,
      });
      return { proposal: toStructureProposal(updated), module_ids: moduleIds };
    },
    { timeout: 30_000 },
  );
}

/** Rejects a ready (or failed) proposal; a course with no modules goes back to the upload step. */
export async function rejectStructureProposal(
  db: Db,
  viewer: Viewer,
  courseId: string,
  proposalId: string,
  meta: AuditMeta,
): Promise<StructureProposal> {
  return db.$transaction(async (tx) => {
    await lockManageableCourse(tx, manageableCourses(viewer), courseId);
    const row = await lockProposal(tx, courseId, proposalId);
    if (row.status !== "ready" && row.status !== "failed") throw invalidTransition(row.status, "rejected");
    const updated = await tx.courseStructureProposal.update({
      where: { id: proposalId },
      data: { status: "rejected", decidedById: viewer.userId, decidedAt: meta.now },
    });
    await backToUpload(tx, courseId);
    await writeAudit(tx, {
      actorId: viewer.userId,
      action: "course.structure_rejected",
      targetType: "course",
      targetId: courseId,
      after: { proposal_id: proposalId },
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return toStructureProposal(updated);
  });
}
