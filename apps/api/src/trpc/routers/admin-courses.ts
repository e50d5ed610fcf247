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
  createAdminCourse,
  deleteAdminCourse,
  getAdminCourse,
  listAdminCourses,
  listAuditLog,
  publishAdminCourse,
  updateAdminCourse,
} from "@sira/domain";
import { z } from "zod";
import { pageEnvelope, parseFields, pickFields } from "../../http/lists.ts";
import { cachedAnalyticsOverview } from "../../rest/admin-courses.ts";
import { adminProcedure, expertProcedure, router } from "../init.ts";

/** Experts reach only their own courses (others are NOT_FOUND); admins reach every course. */
export const adminCoursesRouter = router({
  list: expertProcedure
    .input(adminCourseListQuery)
    .output(adminCoursePageSchema)
    .query(async ({ ctx, input }) => {
      const fields = parseFields(input.fields, ADMIN_COURSE_FIELDS);
      const page = await listAdminCourses(ctx.deps.db, ctx.viewer, input, ctx.lang);
      const items = page.items.map((course) => ({ ...pickFields(course, fields), id: course.id }));
      return pageEnvelope(items, page.total, input);
    }),
  get: expertProcedure
    .input(adminCourseIdInput)
    .output(adminCourseSchema)
    .query(({ ctx, input }) => getAdminCourse(ctx.deps.db, ctx.viewer, input.id, ctx.lang)),
  create: expertProcedure
    .input(createAdminCourseInput)
    .output(adminCourseSchema)
    .mutation(({ ctx, input }) => createAdminCourse(ctx.deps.db, ctx.viewer, input, ctx.meta, ctx.lang)),
  update: expertProcedure
    .input(z.strictObject({ id: z.uuid(), changes: updateAdminCourseInput }))
    .output(adminCourseSchema)
    .mutation(({ ctx, input }) =>
      updateAdminCourse(ctx.deps.db, ctx.viewer, input.id, input.changes, ctx.meta, ctx.lang),
    ),
  delete: expertProcedure
    .input(adminCourseIdInput)
    .output(adminCourseDeletedSchema)
    .mutation(({ ctx, input }) => deleteAdminCourse(ctx.deps.db, ctx.viewer, input.id, ctx.meta)),
  publish: expertProcedure
    .input(adminCourseIdInput)
    .output(adminCourseSchema)
    .mutation(({ ctx, input }) => publishAdminCourse(ctx.deps.db, ctx.viewer, input.id, ctx.meta, ctx.lang)),
  archive: expertProcedure
    .input(adminCourseIdInput)
    .output(adminCourseSchema)
    .mutation(({ ctx, input }) => archiveAdminCourse(ctx.deps.db, ctx.viewer, input.id, ctx.meta, ctx.lang)),
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
