/**
 * The public catalog (courses, curricula, taxonomy) and enrollment. Private objects answer 404 to
 * those who may not see them. Static paths come before `{id_or_slug}`, which would take them.
 */
import {
  CATALOG_COURSE_FIELDS,
  CATALOG_CURRICULUM_FIELDS,
  COURSE_DETAIL_FIELDS,
  catalogCourseKeyInput,
  catalogCourseSchema,
  catalogCurriculumKeyInput,
  catalogCurriculumSchema,
  catalogFiltersInput,
  catalogTaxonomySchema,
  courseDetailSchema,
  curriculumDetailSchema,
  enrollmentSchema,
  myEnrollmentSchema,
} from "@sira/contracts";
import {
  catalogTaxonomy,
  enroll,
  getCourseDetail,
  getCurriculumDetail,
  listCatalogCourses,
  listCatalogCurricula,
  listMyEnrollments,
  myEnrollmentsSince,
  unenroll,
} from "@sira/domain";
import { endpoint } from "../definition/endpoint.ts";

const COURSES = "/api/v1/courses";

export const courseEndpoints = {
  taxonomy: endpoint({
    method: "get",
    path: `${COURSES}/taxonomy`,
    auth: "public",
    summary: "Active taxonomy categories grouped by type (domain, level, audience), in sort order",
    output: catalogTaxonomySchema,
    handle: ({ ctx }) => catalogTaxonomy(ctx.deps.db, ctx.lang),
  }),
  list: endpoint({
    method: "get",
    path: COURSES,
    auth: "public",
    summary:
      "Published courses the caller may see. Filters: taxonomy slugs (comma = either), ?search= (accent- and " +
      "case-insensitive, ranked)",
    query: catalogFiltersInput,
    output: catalogCourseSchema,
    shape: "page",
    fields: CATALOG_COURSE_FIELDS,
    handle: ({ ctx, input }) => listCatalogCourses(ctx.deps.db, ctx.viewer, input, ctx.lang),
  }),
  myEnrollments: endpoint({
    method: "get",
    path: `${COURSES}/my-enrollments`,
    auth: "learner",
    summary:
      "The caller's enrollments (dropped ones included) with a course summary: a page, newest change first, " +
      "or with ?since= the changes since then, oldest first",
    output: myEnrollmentSchema,
    shape: "sync",
    handle: ({ ctx, input, since, now }) =>
      since
        ? myEnrollmentsSince(ctx.deps.db, ctx.viewer, { since, limit: input.limit, now }, ctx.lang)
        : listMyEnrollments(ctx.deps.db, ctx.viewer, input, ctx.lang),
  }),
  get: endpoint({
    method: "get",
    path: `${COURSES}/{id_or_slug}`,
    auth: "public",
    summary: "A course by id or slug: modules summarised and the caller's enrollment",
    params: catalogCourseKeyInput,
    output: courseDetailSchema,
    fields: COURSE_DETAIL_FIELDS,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input }) => getCourseDetail(ctx.deps.db, ctx.viewer, input.id_or_slug, ctx.lang),
  }),
  enroll: endpoint({
    method: "post",
    path: `${COURSES}/{id_or_slug}/enroll`,
    auth: "learner",
    summary: "Enroll in a published catalog course (idempotent; a dropped enrollment comes back with its progress)",
    params: catalogCourseKeyInput,
    output: enrollmentSchema,
    errors: ["NOT_FOUND", "PAYMENT_REQUIRED", "COURSE_NOT_OPEN"],
    handle: ({ ctx, input }) => enroll(ctx.deps, ctx.viewer, input.id_or_slug, ctx.meta.occurredAt),
  }),
  unenroll: endpoint({
    method: "post",
    path: `${COURSES}/{id_or_slug}/unenroll`,
    auth: "learner",
    summary: "Leave a course: status dropped, progress kept (idempotent)",
    params: catalogCourseKeyInput,
    output: enrollmentSchema,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input }) => unenroll(ctx.deps, ctx.viewer, input.id_or_slug, ctx.meta.occurredAt),
  }),
};

export const curriculumEndpoints = {
  list: endpoint({
    method: "get",
    path: "/api/v1/curricula",
    auth: "public",
    summary: "Published curricula the caller may see",
    output: catalogCurriculumSchema,
    shape: "page",
    fields: CATALOG_CURRICULUM_FIELDS,
    handle: ({ ctx, input }) => listCatalogCurricula(ctx.deps.db, ctx.viewer, input, ctx.lang),
  }),
  get: endpoint({
    method: "get",
    path: "/api/v1/curricula/{slug}",
    auth: "public",
    summary: "A curriculum by slug (or id) with the courses the caller may see, in order",
    params: catalogCurriculumKeyInput,
    output: curriculumDetailSchema,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input }) => getCurriculumDetail(ctx.deps.db, ctx.viewer, input.slug, ctx.lang),
  }),
};
