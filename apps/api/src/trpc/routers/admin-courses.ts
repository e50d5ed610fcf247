/** tRPC `admin.courses`, `admin.analytics`, `admin.auditLog`: the same use cases as their REST routes. */
import {
  ADMIN_COURSE_FIELDS,
  adminCourseDeletedSchema,
  adminCourseIdInput,
  adminCourseListQuery,
  adminCoursePageSchema,
  adminCourseSchema,
  analyticsOverviewSchema,
  auditLogPageSchema,
  auditLogQuery,
  createAdminCourseInput,
  updateAdminCourseInput,
} from "@sira/contracts";
import {
  archiveAdminCourse,
  type CourseRequestMeta,
  createAdminCourse,
  deleteAdminCourse,
  getAdminCourse,
  listAdminCourses,
  listAuditLog,
  publishAdminCourse,
  updateAdminCourse,
  type Viewer,
} from "@sira/domain";
import { z } from "zod";
import { viewerOfActor } from "../../caller.ts";
import type { Actor } from "../../env.ts";
import { pageEnvelope, parseFields, pickFields } from "../../http/lists.ts";
import { cachedAnalyticsOverview } from "../../rest/admin-courses.ts";
import { adminProcedure, expertProcedure, router, type TrpcContext } from "../init.ts";

type Ctx = TrpcContext & { actor: Actor };

const viewerOf = (ctx: Ctx): Viewer => viewerOfActor(ctx.actor);
const metaOf = (ctx: Ctx): CourseRequestMeta => ({ requestId: ctx.requestId, ip: ctx.clientIp, now: new Date() });

/** Experts reach only their own courses (others are NOT_FOUND); admins reach every course. */
export const adminCoursesRouter = router({
  list: expertProcedure
    .input(adminCourseListQuery)
    .output(adminCoursePageSchema)
    .query(async ({ ctx, input }) => {
      const fields = parseFields(input.fields, ADMIN_COURSE_FIELDS);
      const page = await listAdminCourses(ctx.deps.db, viewerOf(ctx), input, ctx.lang);
      const items = page.items.map((course) => ({ ...pickFields(course, fields), id: course.id }));
      return pageEnvelope(items, page.total, input);
    }),
  get: expertProcedure
    .input(adminCourseIdInput)
    .output(adminCourseSchema)
    .query(({ ctx, input }) => getAdminCourse(ctx.deps.db, viewerOf(ctx), input.id, ctx.lang)),
  create: expertProcedure
    .input(createAdminCourseInput)
    .output(adminCourseSchema)
    .mutation(({ ctx, input }) => createAdminCourse(ctx.deps.db, viewerOf(ctx), input, metaOf(ctx), ctx.lang)),
  update: expertProcedure
    .input(z.strictObject({ id: z.uuid(), changes: updateAdminCourseInput }))
    .output(adminCourseSchema)
    .mutation(({ ctx, input }) =>
      updateAdminCourse(ctx.deps.db, viewerOf(ctx), input.id, input.changes, metaOf(ctx), ctx.lang),
    ),
  delete: expertProcedure
    .input(adminCourseIdInput)
    .output(adminCourseDeletedSchema)
    .mutation(({ ctx, input }) => deleteAdminCourse(ctx.deps.db, viewerOf(ctx), input.id, metaOf(ctx))),
  publish: expertProcedure
    .input(adminCourseIdInput)
    .output(adminCourseSchema)
    .mutation(({ ctx, input }) => publishAdminCourse(ctx.deps.db, viewerOf(ctx), input.id, metaOf(ctx), ctx.lang)),
  archive: expertProcedure
    .input(adminCourseIdInput)
    .output(adminCourseSchema)
    .mutation(({ ctx, input }) => archiveAdminCourse(ctx.deps.db, viewerOf(ctx), input.id, metaOf(ctx), ctx.lang)),
});

export const adminAnalyticsRouter = router({
  /** Users, active users, enrollments and per-course funnels (cached for 60 s). */
  overview: adminProcedure
    .output(analyticsOverviewSchema)
    .query(({ ctx }) => cachedAnalyticsOverview(ctx.deps, ctx.lang)),
});

export const adminAuditRouter = router({
  /** Audit entries, newest first. */
  list: adminProcedure
    .input(auditLogQuery)
    .output(auditLogPageSchema)
    .query(async ({ ctx, input }) => {
      const page = await listAuditLog(ctx.deps.db, input);
      return pageEnvelope(page.items, page.total, input);
    }),
});
