/**
 * Access rules as query filters (one place, used by every list and detail). A caller can only ever
 * load rows through these; what they may not see is indistinguishable from what does not exist.
 *
 * - Curricula: published and public, or published and private with access granted to the caller
 *   directly or through one of their groups. Admins see everything.
 * - Catalog courses: published, and public or inside a private curriculum the caller can read.
 * - Readable courses (detail pages): catalog courses, plus published or archived courses the caller
 *   is enrolled in (archiving never takes away what a learner had). A private course also needs a
 *   grant that still reaches the caller: withdrawing it closes the course at once (decision 0033).
 * - Learnable courses (content: lessons, quizzes, flashcards, source images): see learner.ts.
 * - Manageable courses (back office): admins all; experts the courses they created or own.
 */
import type { Prisma } from "@sira/infra/db";
import type { MaybeViewer, Viewer } from "./actor.ts";

const NOTHING = { id: { in: [] as string[] } };

/** Curriculum access rows that open a curriculum to this viewer. */
function grantsFor(viewer: Viewer): Prisma.CurriculumAccessWhereInput {
  return { OR: [{ userId: viewer.userId }, { group: { members: { some: { userId: viewer.userId } } } }] };
}

/** Curricula the viewer may see in the catalog. */
export function readableCurricula(viewer: MaybeViewer): Prisma.CurriculumWhereInput {
  if (viewer?.role === "admin") return {};
  const visible: Prisma.CurriculumWhereInput[] = [{ visibility: "public" }];
  if (viewer) visible.push({ visibility: "private", access: { some: grantsFor(viewer) } });
  return { status: "published", OR: visible };
}

/** Courses the catalog lists for the viewer. */
export function catalogCourses(viewer: MaybeViewer): Prisma.CourseWhereInput {
  const visible: Prisma.CourseWhereInput[] = [{ visibility: "public" }];
  if (viewer) {
    visible.push({
      visibility: "private",
      curricula: { some: { curriculum: { status: "published", access: { some: grantsFor(viewer) } } } },
    });
  }
  if (viewer?.role === "admin") visible.push({ visibility: "private" });
  return { status: "published", OR: visible };
}

/** Courses whose detail (and content) the viewer may open. */
export function readableCourses(viewer: MaybeViewer): Prisma.CourseWhereInput {
  if (!viewer) return catalogCourses(null);
  if (viewer.role === "admin") return {};
  return {
    OR: [
      catalogCourses(viewer),
      {
        status: { in: ["published", "archived"] },
        enrollments: { some: { userId: viewer.userId } },
        AND: [grantStillHolds(viewer)],
      },
      ...(viewer.role === "expert" ? [ownedBy(viewer)] : []),
    ],
  };
}

/** Public courses, or private ones in a live curriculum whose grant still reaches the viewer. */
export function grantStillHolds(viewer: Viewer): Prisma.CourseWhereInput {
  return {
    OR: [
      { visibility: "public" },
      {
        curricula: {
          some: { curriculum: { status: { in: ["published", "archived"] }, access: { some: grantsFor(viewer) } } },
        },
      },
    ],
  };
}

function ownedBy(viewer: Viewer): Prisma.CourseWhereInput {
  return { OR: [{ expertId: viewer.userId }, { createdById: viewer.userId }] };
}

/** Courses the viewer may edit in the back office. */
export function manageableCourses(viewer: MaybeViewer): Prisma.CourseWhereInput {
  if (viewer?.role === "admin") return {};
  if (viewer?.role === "expert") return ownedBy(viewer);
  return NOTHING;
}

/**
 * Accounts an admin may reach by typing an email (grants, group adds): active, with the address
 * proven (decision 0032), so an impostor's pending registration of someone's address gets nothing.
 */
export const reachableByEmail = {
  status: "active",
  emailVerifiedAt: { not: null },
} satisfies Prisma.UserWhereInput;
