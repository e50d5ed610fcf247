/**
 * Back office: courses (admins: every course; experts: their own, others are 404), the audit log
 * and analytics (the overview for admins; the full report for admins, and for experts on their own courses).
 */
import {
  ADMIN_COURSE_FIELDS,
  adminCourseDeletedSchema,
  adminCourseListQuery,
  adminCourseSchema,
  analyticsOverviewSchema,
  analyticsQuery,
  analyticsReportSchema,
  auditEntrySchema,
  auditLogQuery,
  createAdminCourseInput,
  updateAdminCourseInput,
} from "@sira/contracts";
import {
  analyticsReport,
  archiveAdminCourse,
  cachedAnalyticsOverview,
  createAdminCourse,
  deleteAdminCourse,
  getAdminCourse,
  listAdminCourses,
  listAuditLog,
  publishAdminCourse,
  updateAdminCourse,
} from "@sira/domain";
import { z } from "zod";
import { endpoint } from "../definition/endpoint.ts";

const COURSES = "/api/v1/admin/courses";
const byId = z.object({ id: z.uuid() });

export const adminCoursesEndpoints = {
  list: endpoint({
    method: "get",
    path: COURSES,
    auth: "expert",
    summary: "Courses of every status (experts: their own), filtered, most recently changed first",
    query: adminCourseListQuery,
    output: adminCourseSchema,
    shape: "page",
    fields: ADMIN_COURSE_FIELDS,
    handle: ({ ctx, input }) => listAdminCourses(ctx.deps.db, ctx.viewer, input, ctx.lang),
  }),
  create: endpoint({
    method: "post",
    path: COURSES,
    auth: "expert",
    summary: "Create a draft course; the slug is derived from the title when missing",
    body: createAdminCourseInput,
    output: adminCourseSchema,
    status: 201,
    errors: ["SLUG_TAKEN", "CONFLICT"],
    handle: ({ ctx, input }) => createAdminCourse(ctx.deps.db, ctx.viewer, input, ctx.meta, ctx.lang),
  }),
  get: endpoint({
    method: "get",
    path: `${COURSES}/{id}`,
    auth: "expert",
    summary: "One course the caller manages",
    params: byId,
    output: adminCourseSchema,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input }) => getAdminCourse(ctx.deps.db, ctx.viewer, input.id, ctx.lang),
  }),
  update: endpoint({
    method: "patch",
    path: `${COURSES}/{id}`,
    auth: "expert",
    summary: "Change a course's editable fields and taxonomy (status, author and counts are not editable)",
    params: byId,
    body: updateAdminCourseInput,
    output: adminCourseSchema,
    errors: ["NOT_FOUND", "SLUG_TAKEN", "NOT_PUBLISHABLE"],
    handle: ({ ctx, input: { id, ...changes } }) =>
      updateAdminCourse(ctx.deps.db, ctx.viewer, id, changes, ctx.meta, ctx.lang),
  }),
  delete: endpoint({
    method: "delete",
    path: `${COURSES}/{id}`,
    auth: "expert",
    summary: "Delete a draft course (409 once published or archived)",
    params: byId,
    output: adminCourseDeletedSchema,
    errors: ["NOT_FOUND", "NOT_DRAFT", "IN_USE"],
    handle: ({ ctx, input }) => deleteAdminCourse(ctx.deps.db, ctx.viewer, input.id, ctx.meta),
  }),
  publish: endpoint({
    method: "post",
    path: `${COURSES}/{id}/publish`,
    auth: "expert",
    summary: "Publish a course (409 naming what is missing: a module, a title or a description in FR or EN)",
    params: byId,
    output: adminCourseSchema,
    errors: ["NOT_FOUND", "NOT_PUBLISHABLE"],
    handle: ({ ctx, input }) => publishAdminCourse(ctx.deps.db, ctx.viewer, input.id, ctx.meta, ctx.lang),
  }),
  archive: endpoint({
    method: "post",
    path: `${COURSES}/{id}/archive`,
    auth: "expert",
    summary: "Archive a course: it leaves the catalog; enrolled learners keep access",
    params: byId,
    output: adminCourseSchema,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input }) => archiveAdminCourse(ctx.deps.db, ctx.viewer, input.id, ctx.meta, ctx.lang),
  }),
};

export const adminAuditLogEndpoints = {
  list: endpoint({
    method: "get",
    path: "/api/v1/admin/audit-log",
    auth: "admin",
    summary: "Audit entries, newest first, filtered by actor, action prefix, target and time range",
    query: auditLogQuery,
    output: auditEntrySchema,
    shape: "page",
    handle: ({ ctx, input }) => listAuditLog(ctx.deps.db, input),
  }),
};

export const adminAnalyticsEndpoints = {
  overview: endpoint({
    method: "get",
    path: "/api/v1/admin/analytics/overview",
    auth: "admin",
    summary: "Users, active users, enrollments and per-course funnels (cached for 60 s)",
    output: analyticsOverviewSchema,
    handle: ({ ctx }) => cachedAnalyticsOverview(ctx.deps, ctx.lang),
  }),
  report: endpoint({
    method: "get",
    path: "/api/v1/admin/analytics",
    auth: "expert",
    summary:
      "Active and new users, retention cohorts, funnels, module and item statistics, content, tutor cost and revenue (an expert's own courses only)",
    query: analyticsQuery,
    output: analyticsReportSchema,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input }) => analyticsReport(ctx.deps.db, ctx.viewer, input, { lang: ctx.lang }),
  }),
};
