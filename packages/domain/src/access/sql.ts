/**
 * The access rules of readable.ts and learner.ts as SQL conditions, for the hot reads that skip
 * the ORM (decision 0054, third pass). Each function is the same rule as its namesake there, on a
 * `courses` row under the alias given; `access-sql.test.ts` checks both forms select the same
 * courses for every kind of viewer. Change a rule in both places, or the test fails.
 */
import { Prisma } from "@sira/infra/db";
import type { MaybeViewer, Viewer } from "./actor.ts";
import { LIVE_ENROLLMENT_STATUSES } from "./learner.ts";

type Sql = Prisma.Sql;

const TRUE = Prisma.sql`TRUE`;

/** `courses AS c`: the alias the conditions refer to. */
const column = (alias: string, name: string) => Prisma.raw(`"${alias}"."${name}"`);

/** A curriculum_access row (alias `a`) that opens its curriculum to the viewer, directly or through a group. */
function grantReaches(viewer: Viewer): Sql {
  return Prisma.sql`(a.user_id = ${viewer.userId}::uuid OR EXISTS (
    SELECT 1 FROM user_group_members gm WHERE gm.group_id = a.group_id AND gm.user_id = ${viewer.userId}::uuid))`;
}

/** The course is in a curriculum of one of `statuses` whose access reaches the viewer. */
function inGrantedCurriculum(viewer: Viewer, alias: string, statuses: string[]): Sql {
  return Prisma.sql`EXISTS (
    SELECT 1 FROM curriculum_courses cc
    JOIN curricula cu ON cu.id = cc.curriculum_id AND cu.status = ANY(${statuses})
    JOIN curriculum_access a ON a.curriculum_id = cu.id
    WHERE cc.course_id = ${column(alias, "id")} AND ${grantReaches(viewer)})`;
}

/** catalogCourses: published, and public or in a published private curriculum granted to the viewer. */
export function catalogCoursesSql(viewer: MaybeViewer, alias = "c"): Sql {
  const published = Prisma.sql`${column(alias, "status")} = 'published'`;
  if (viewer?.role === "admin")
    return Prisma.sql`(${published} AND ${column(alias, "visibility")} IN ('public', 'private'))`;
  if (!viewer) return Prisma.sql`(${published} AND ${column(alias, "visibility")} = 'public')`;
  return Prisma.sql`(${published} AND (${column(alias, "visibility")} = 'public' OR
    (${column(alias, "visibility")} = 'private' AND ${inGrantedCurriculum(viewer, alias, ["published"])})))`;
}

/** grantStillHolds: public, or in a live (published or archived) curriculum granted to the viewer. */
export function grantStillHoldsSql(viewer: Viewer, alias = "c"): Sql {
  return Prisma.sql`(${column(alias, "visibility")} = 'public' OR ${inGrantedCurriculum(viewer, alias, ["published", "archived"])})`;
}

function ownedBySql(viewer: Viewer, alias: string): Sql {
  return Prisma.sql`(${column(alias, "expert_id")} = ${viewer.userId}::uuid OR ${column(alias, "created_by")} = ${viewer.userId}::uuid)`;
}

function enrolledSql(viewer: Viewer, alias: string, statuses?: string[]): Sql {
  const live = statuses ? Prisma.sql` AND e.status = ANY(${statuses})` : Prisma.empty;
  return Prisma.sql`EXISTS (SELECT 1 FROM user_course_enrollment e
    WHERE e.course_id = ${column(alias, "id")} AND e.user_id = ${viewer.userId}::uuid${live})`;
}

/** readableCourses: the catalog, plus published or archived courses the viewer is enrolled in while the grant holds, plus an expert's own. */
export function readableCoursesSql(viewer: MaybeViewer, alias = "c"): Sql {
  if (!viewer) return catalogCoursesSql(null, alias);
  if (viewer.role === "admin") return TRUE;
  const enrolled = Prisma.sql`(${column(alias, "status")} IN ('published', 'archived') AND ${enrolledSql(viewer, alias)} AND ${grantStillHoldsSql(viewer, alias)})`;
  const owned = viewer.role === "expert" ? Prisma.sql` OR ${ownedBySql(viewer, alias)}` : Prisma.empty;
  return Prisma.sql`(${catalogCoursesSql(viewer, alias)} OR ${enrolled}${owned})`;
}

/** learnableCourses: admins all; experts their own; everyone their live enrollments whose grant still holds. */
export function learnableCoursesSql(viewer: Viewer, alias = "c"): Sql {
  if (viewer.role === "admin") return TRUE;
  const enrolled = Prisma.sql`(${enrolledSql(viewer, alias, LIVE_ENROLLMENT_STATUSES)} AND ${grantStillHoldsSql(viewer, alias)})`;
  return viewer.role === "expert" ? Prisma.sql`(${ownedBySql(viewer, alias)} OR ${enrolled})` : enrolled;
}

/** manageableCourses: admins all; experts the courses they own or created; nobody else any. */
export function manageableCoursesSql(viewer: Viewer, alias = "c"): Sql {
  if (viewer.role === "admin") return TRUE;
  return viewer.role === "expert" ? ownedBySql(viewer, alias) : Prisma.sql`FALSE`;
}
