/**
 * REST: /api/v1/admin/courses (admins: every course; experts: their own, others are 404),
 * /api/v1/admin/audit-log and /api/v1/admin/analytics/overview (admins only).
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import {
  ADMIN_COURSE_FIELDS,
  type AnalyticsOverview,
  adminCourseDeletedSchema,
  adminCourseListQuery,
  adminCoursePageSchema,
  adminCourseSchema,
  analyticsOverviewSchema,
  auditLogPageSchema,
  auditLogQuery,
  createAdminCourseInput,
  type Language,
  updateAdminCourseInput,
} from "@sira/contracts";
import {
  analyticsOverview,
  archiveAdminCourse,
  createAdminCourse,
  deleteAdminCourse,
  getAdminCourse,
  listAdminCourses,
  listAuditLog,
  publishAdminCourse,
  updateAdminCourse,
} from "@sira/domain";
import { callerOf } from "../caller.ts";
import type { AppDeps, AppEnv } from "../env.ts";
import { requireRole } from "../http/auth.ts";
import { pageEnvelope, parseFields, pickFields } from "../http/lists.ts";
import { bearer, body, json, problems } from "./docs.ts";

const COURSES = "/api/v1/admin/courses";
const AUDIT_LOG = "/api/v1/admin/audit-log";
const ANALYTICS = "/api/v1/admin/analytics/overview";
const tags = ["admin"];
const idParam = { params: z.object({ id: z.uuid() }) };
const guarded = { 401: problems[401], 403: problems[403] };
const one = { ...guarded, 400: problems[400], 404: problems[404] };

/** How long the analytics overview is served from Redis before it is computed again. */
export const ANALYTICS_CACHE_SECONDS = 60;

/**
 * The overview from Redis when a fresh copy is there (one key per language), else computed and
 * stored for ANALYTICS_CACHE_SECONDS. Without Redis it is simply computed.
 */
export async function cachedAnalyticsOverview(deps: AppDeps, lang: Language): Promise<AnalyticsOverview> {
  const key = `sira:analytics:overview:v1:${lang}`;
  const usable = deps.redis.status === "ready";
  if (usable) {
    const hit = await deps.redis.get(key).catch(() => null);
    if (hit) return JSON.parse(hit) as AnalyticsOverview;
  }
  const overview = await analyticsOverview(deps.db, { now: new Date(), lang });
  if (usable) await deps.redis.set(key, JSON.stringify(overview), "EX", ANALYTICS_CACHE_SECONDS).catch(() => null);
  return overview;
}

const routes = {
  list: createRoute({
    method: "get",
    path: COURSES,
    tags,
    security: bearer,
    summary: "Courses of every status (experts: their own), filtered, most recently changed first",
    request: { query: adminCourseListQuery },
    responses: { 200: json(adminCoursePageSchema, "A page of courses"), 400: problems[400], ...guarded },
  }),
  get: createRoute({
    method: "get",
    path: `${COURSES}/{id}`,
    tags,
    security: bearer,
    summary: "One course the caller manages",
    request: idParam,
    responses: { 200: json(adminCourseSchema, "The course"), ...one },
  }),
  create: createRoute({
    method: "post",
    path: COURSES,
    tags,
    security: bearer,
    summary: "Create a draft course; the slug is derived from the title when missing",
    request: body(createAdminCourseInput),
    responses: { 201: json(adminCourseSchema, "The new draft"), 400: problems[400], ...guarded, 409: problems[409] },
  }),
  update: createRoute({
    method: "patch",
    path: `${COURSES}/{id}`,
    tags,
    security: bearer,
    summary: "Change a course's editable fields and taxonomy (status, author and counts are not editable)",
    request: { ...idParam, ...body(updateAdminCourseInput) },
    responses: { 200: json(adminCourseSchema, "The updated course"), ...one, 409: problems[409] },
  }),
  delete: createRoute({
    method: "delete",
    path: `${COURSES}/{id}`,
    tags,
    security: bearer,
    summary: "Delete a draft course (409 once published or archived)",
    request: idParam,
    responses: { 200: json(adminCourseDeletedSchema, "Deleted"), ...one, 409: problems[409] },
  }),
  publish: createRoute({
    method: "post",
    path: `${COURSES}/{id}/publish`,
    tags,
    security: bearer,
    summary: "Publish a course (409 naming what is missing: a module, a title or a description in FR or EN)",
    request: idParam,
    responses: { 200: json(adminCourseSchema, "The published course"), ...one, 409: problems[409] },
  }),
  archive: createRoute({
    method: "post",
    path: `${COURSES}/{id}/archive`,
    tags,
    security: bearer,
    summary: "Archive a course: it leaves the catalog; enrolled learners keep access",
    request: idParam,
    responses: { 200: json(adminCourseSchema, "The archived course"), ...one },
  }),
  auditLog: createRoute({
    method: "get",
    path: AUDIT_LOG,
    tags,
    security: bearer,
    summary: "Audit entries, newest first, filtered by actor, action prefix, target and time range",
    request: { query: auditLogQuery },
    responses: { 200: json(auditLogPageSchema, "A page of audit entries"), 400: problems[400], ...guarded },
  }),
  analytics: createRoute({
    method: "get",
    path: ANALYTICS,
    tags,
    security: bearer,
    summary: "Users, active users, enrollments and per-course funnels (cached for 60 s)",
    responses: { 200: json(analyticsOverviewSchema, "The overview"), ...guarded },
  }),
};

export function mountAdminCourseRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use(COURSES, requireRole("admin", "expert"));
  app.use(`${COURSES}/*`, requireRole("admin", "expert"));
  app.use(AUDIT_LOG, requireRole("admin"));
  app.use(ANALYTICS, requireRole("admin"));

  app.openapi(routes.list, async (c) => {
    const query = c.req.valid("query");
    const fields = parseFields(query.fields, ADMIN_COURSE_FIELDS);
    const page = await listAdminCourses(c.get("deps").db, callerOf(c).viewer, query, c.get("lang"));
    const items = page.items.map((course) => ({ ...pickFields(course, fields), id: course.id }));
    return c.json(pageEnvelope(items, page.total, query), 200);
  });
  app.openapi(routes.get, async (c) =>
    c.json(await getAdminCourse(c.get("deps").db, callerOf(c).viewer, c.req.valid("param").id, c.get("lang")), 200),
  );
  app.openapi(routes.create, async (c) => {
    const { deps, viewer, meta, lang } = callerOf(c);
    return c.json(await createAdminCourse(deps.db, viewer, c.req.valid("json"), meta, lang), 201);
  });
  app.openapi(routes.update, async (c) => {
    const { deps, viewer, meta, lang } = callerOf(c);
    const { id } = c.req.valid("param");
    const course = await updateAdminCourse(deps.db, viewer, id, c.req.valid("json"), meta, lang);
    return c.json(course, 200);
  });
  app.openapi(routes.delete, async (c) => {
    const { deps, viewer, meta } = callerOf(c);
    return c.json(await deleteAdminCourse(deps.db, viewer, c.req.valid("param").id, meta), 200);
  });
  app.openapi(routes.publish, async (c) => {
    const { deps, viewer, meta, lang } = callerOf(c);
    return c.json(await publishAdminCourse(deps.db, viewer, c.req.valid("param").id, meta, lang), 200);
  });
  app.openapi(routes.archive, async (c) => {
    const { deps, viewer, meta, lang } = callerOf(c);
    return c.json(await archiveAdminCourse(deps.db, viewer, c.req.valid("param").id, meta, lang), 200);
  });
  app.openapi(routes.auditLog, async (c) => {
    const query = c.req.valid("query");
    const page = await listAuditLog(c.get("deps").db, query);
    return c.json(pageEnvelope(page.items, page.total, query), 200);
  });
  app.openapi(routes.analytics, async (c) => c.json(await cachedAnalyticsOverview(c.get("deps"), c.get("lang")), 200));
}
