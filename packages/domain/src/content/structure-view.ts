/** A course-structure proposal as the API shows it. */
import { type CourseStructure, CourseStructureSchema, type StructureProposal } from "@sira/contracts";
import type { Prisma } from "@sira/infra/db";

type ProposalRow = Prisma.CourseStructureProposalGetPayload<object>;

export function toStructureProposal(row: ProposalRow): StructureProposal {
  const parsed = row.proposal ? CourseStructureSchema.safeParse(row.proposal) : null;
  return {
    id: row.id,
    course_id: row.courseId,
    status: row.status as StructureProposal["status"],
    proposal: parsed?.success ? (parsed.data as CourseStructure) : null,
    error: row.error,
    requested_by: row.requestedById,
    decided_by: row.decidedById,
    created_at: row.createdAt.toISOString(),
    completed_at: row.completedAt?.toISOString() ?? null,
    decided_at: row.decidedAt?.toISOString() ?? null,
  };
}
