/**
 * REST: the public catalog (/api/v1/courses, /api/v1/curricula) and enrollment. Thin routes over
 * `@sira/domain`'s catalog functions; the same functions back tRPC `courses` and `curricula`.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import {
  CATALOG_COURSE_FIELDS,
  CATALOG_CURRICULUM_FIELDS,
  COURSE_DETAIL_FIELDS,
  catalogCoursePartialPageSchema,
  catalogCoursesQuery,
  catalogCurriculaQuery,
  catalogCurriculumPartialPageSchema,
  catalogIdOrSlugSchema,
  catalogTaxonomySchema,
  courseDetailPartialSchema,
  curriculumDetailSchema,
  enrollmentSchema,
  fieldsQuerySchema,
  myEnrollmentsDeltaSchema,
  myEnrollmentsInput,
  myEnrollmentsPageSchema,
} from "@sira/contracts";
import {
  catalogTaxonomy,
  enrollInCourse,
  getCourseDetail,
  getCurriculumDetail,
  invalidateDashboard,
  listCatalogCourses,
  listCatalogCurricula,
  listMyEnrollments,
  myEnrollmentsSince,
  unenrollFromCourse,
} from "@sira/domain";
import { callerOf, publicOf } from "../caller.ts";
import type { AppEnv } from "../env.ts";
import { requireRole } from "../http/auth.ts";
import { deltaEnvelope, pageEnvelope, parseFields, parseSince, pickFields } from "../http/lists.ts";
import { bearer, json, problems } from "./docs.ts";

const COURSES = "/api/v1/courses";
const CURRICULA = "/api/v1/curricula";
const courseTags = ["courses"];
const curriculumTags = ["curricula"];

const courseParam = z.object({ id_or_slug: catalogIdOrSlugSchema });
const enrollParam = z.object({ id: catalogIdOrSlugSchema });
const curriculumParam = z.object({ slug: catalogIdOrSlugSchema });

const routes = {
  taxonomy: createRoute({
    method: "get",
    path: `${COURSES}/taxonomy`,
    tags: courseTags,
    summary: "Active taxonomy categories grouped by type (domain, level, audience), in sort order. Public",
    responses: { 200: json(catalogTaxonomySchema, "Categories by type") },
  }),
  courses: createRoute({
    method: "get",
    path: COURSES,
    tags: courseTags,
    summary:
      "Published courses the caller may see. Filters: taxonomy slugs (comma = either), ?search= " +
      "(accent- and case-insensitive, ranked). ?page=&limit=, ?fields=",
    request: { query: catalogCoursesQuery },
    responses: { 200: json(catalogCoursePartialPageSchema, "A page of courses"), 400: problems[400] },
  }),
  myEnrollments: createRoute({
    method: "get",
    path: `${COURSES}/my-enrollments`,
    tags: courseTags,
    security: bearer,
    summary:
      "The caller's enrollments (dropped ones included) with a course summary: a page, or with " +
      "?since= the changes since then, oldest first",
    request: { query: myEnrollmentsInput },
    responses: {
      200: json(z.union([myEnrollmentsPageSchema, myEnrollmentsDeltaSchema]), "A page, or a delta with ?since="),
      400: problems[400],
      401: problems[401],
    },
  }),
  course: createRoute({
    method: "get",
    path: `${COURSES}/{id_or_slug}`,
    tags: courseTags,
    summary: "A course by id or slug: modules summarised and the caller's enrollment. ?fields=",
    request: { params: courseParam, query: fieldsQuerySchema },
    responses: { 200: json(courseDetailPartialSchema, "The course"), 400: problems[400], 404: problems[404] },
  }),
  enroll: createRoute({
    method: "post",
    path: `${COURSES}/{id}/enroll`,
    tags: courseTags,
    security: bearer,
    summary: "Enroll in a published catalog course (idempotent; a dropped enrollment comes back with its progress)",
    request: { params: enrollParam },
    responses: {
      200: json(enrollmentSchema, "The enrollment"),
      401: problems[401],
      402: problems[402],
      404: problems[404],
      409: problems[409],
    },
  }),
  unenroll: createRoute({
    method: "post",
    path: `${COURSES}/{id}/unenroll`,
    tags: courseTags,
    security: bearer,
    summary: "Leave a course: status dropped, progress kept (idempotent)",
    request: { params: enrollParam },
    responses: { 200: json(enrollmentSchema, "The enrollment, dropped"), 401: problems[401], 404: problems[404] },
  }),
  curricula: createRoute({
    method: "get",
    path: CURRICULA,
    tags: curriculumTags,
    summary: "Published curricula the caller may see. ?page=&limit=, ?fields=",
    request: { query: catalogCurriculaQuery },
    responses: { 200: json(catalogCurriculumPartialPageSchema, "A page of curricula"), 400: problems[400] },
  }),
  curriculum: createRoute({
    method: "get",
    path: `${CURRICULA}/{slug}`,
    tags: curriculumTags,
    summary: "A curriculum by slug (or id) with the courses the caller may see, in order",
    request: { params: curriculumParam },
    responses: { 200: json(curriculumDetailSchema, "The curriculum"), 400: problems[400], 404: problems[404] },
  }),
};

export function mountCatalogRoutes(app: OpenAPIHono<AppEnv>): void {
  app.on("GET", `${COURSES}/my-enrollments`, requireRole());
  app.on("POST", [`${COURSES}/:id/enroll`, `${COURSES}/:id/unenroll`], requireRole());

  // Static paths first: they would otherwise be taken for a course slug.
  app.openapi(routes.taxonomy, async (c) => c.json(await catalogTaxonomy(c.get("deps").db, c.get("lang")), 200));

  app.openapi(routes.courses, async (c) => {
    const query = c.req.valid("query");
    const fields = parseFields(query.fields, CATALOG_COURSE_FIELDS);
    const page = await listCatalogCourses(c.get("deps").db, publicOf(c).viewer, query, c.get("lang"));
    const items = page.items.map((item) => ({ ...pickFields(item, fields), id: item.id }));
    return c.json(pageEnvelope(items, page.total, query), 200);
  });

  app.openapi(routes.myEnrollments, async (c) => {
    const query = c.req.valid("query");
    const startedAt = new Date();
    const since = parseSince(query.since, startedAt);
    const { deps, viewer, lang } = callerOf(c);
    if (!since) {
      const page = await listMyEnrollments(deps.db, viewer, query, lang);
      return c.json(pageEnvelope(page.items, page.total, query), 200);
    }
    const delta = await myEnrollmentsSince(deps.db, viewer, { since, limit: query.limit, now: startedAt }, lang);
    return c.json(deltaEnvelope(delta.items, delta.deleted, { ...delta, startedAt }), 200);
  });

  app.openapi(routes.course, async (c) => {
    const fields = parseFields(c.req.valid("query").fields, COURSE_DETAIL_FIELDS);
    const { id_or_slug } = c.req.valid("param");
    const course = await getCourseDetail(c.get("deps").db, publicOf(c).viewer, id_or_slug, c.get("lang"));
    return c.json({ ...pickFields(course, fields), id: course.id }, 200);
  });

  app.openapi(routes.enroll, async (c) => {
    const { deps, viewer, meta } = callerOf(c);
    const enrollment = await enrollInCourse(deps.db, viewer, c.req.valid("param").id, meta.occurredAt);
    await invalidateDashboard(deps.redis, viewer.userId);
    return c.json(enrollment, 200);
  });

  app.openapi(routes.unenroll, async (c) => {
    const { deps, viewer, meta } = callerOf(c);
    const enrollment = await unenrollFromCourse(deps.db, viewer, c.req.valid("param").id, meta.occurredAt);
    await invalidateDashboard(deps.redis, viewer.userId);
    return c.json(enrollment, 200);
  });

  app.openapi(routes.curricula, async (c) => {
    const query = c.req.valid("query");
    const fields = parseFields(query.fields, CATALOG_CURRICULUM_FIELDS);
    const page = await listCatalogCurricula(c.get("deps").db, publicOf(c).viewer, query, c.get("lang"));
    const items = page.items.map((item) => ({ ...pickFields(item, fields), id: item.id }));
    return c.json(pageEnvelope(items, page.total, query), 200);
  });

  app.openapi(routes.curriculum, async (c) =>
    c.json(
      await getCurriculumDetail(c.get("deps").db, publicOf(c).viewer, c.req.valid("param").slug, c.get("lang")),
      200,
    ),
  );
}
