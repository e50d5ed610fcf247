/**
 * tRPC `courses` and `curricula`: the public catalog and enrollment, the same domain functions as
 * /api/v1/courses and /api/v1/curricula. Typed clients get whole items, so there is no `fields`.
 */
import {
  catalogCourseKeyInput,
  catalogCoursePageSchema,
  catalogCoursesInput,
  catalogCurriculaInput,
  catalogCurriculumKeyInput,
  catalogCurriculumPageSchema,
  catalogTaxonomySchema,
  courseDetailSchema,
  curriculumDetailSchema,
  enrollmentSchema,
  myEnrollmentsInput,
  myEnrollmentsResultSchema,
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
import { deltaEnvelope, pageEnvelope, parseSince } from "../../http/lists.ts";
import { authedProcedure, publicProcedure, router } from "../init.ts";

export const coursesRouter = router({
  taxonomy: publicProcedure.output(catalogTaxonomySchema).query(({ ctx }) => catalogTaxonomy(ctx.deps.db, ctx.lang)),
  list: publicProcedure
    .input(catalogCoursesInput)
    .output(catalogCoursePageSchema)
    .query(async ({ ctx, input }) => {
      const page = await listCatalogCourses(ctx.deps.db, ctx.viewer, input, ctx.lang);
      return pageEnvelope(page.items, page.total, input);
    }),
  get: publicProcedure
    .input(catalogCourseKeyInput)
    .output(courseDetailSchema)
    .query(({ ctx, input }) => getCourseDetail(ctx.deps.db, ctx.viewer, input.id_or_slug, ctx.lang)),
  enroll: authedProcedure
    .input(catalogCourseKeyInput)
    .output(enrollmentSchema)
    .mutation(async ({ ctx, input }) => {
      const enrollment = await enrollInCourse(ctx.deps.db, ctx.viewer, input.id_or_slug, ctx.meta.occurredAt);
      await invalidateDashboard(ctx.deps.redis, ctx.viewer.userId);
      return enrollment;
    }),
  unenroll: authedProcedure
    .input(catalogCourseKeyInput)
    .output(enrollmentSchema)
    .mutation(async ({ ctx, input }) => {
      const enrollment = await unenrollFromCourse(ctx.deps.db, ctx.viewer, input.id_or_slug, ctx.meta.occurredAt);
      await invalidateDashboard(ctx.deps.redis, ctx.viewer.userId);
      return enrollment;
    }),
  myEnrollments: authedProcedure
    .input(myEnrollmentsInput)
    .output(myEnrollmentsResultSchema)
    .query(async ({ ctx, input }) => {
      const startedAt = new Date();
      const since = parseSince(input.since, startedAt);
      if (!since) {
        const page = await listMyEnrollments(ctx.deps.db, ctx.viewer, input, ctx.lang);
        return pageEnvelope(page.items, page.total, input);
      }
      const delta = await myEnrollmentsSince(
        ctx.deps.db,
        ctx.viewer,
        { since, limit: input.limit, now: startedAt },
        ctx.lang,
      );
      return deltaEnvelope(delta.items, delta.deleted, { ...delta, startedAt });
    }),
});

export const curriculaRouter = router({
  list: publicProcedure
    .input(catalogCurriculaInput)
    .output(catalogCurriculumPageSchema)
    .query(async ({ ctx, input }) => {
      const page = await listCatalogCurricula(ctx.deps.db, ctx.viewer, input, ctx.lang);
      return pageEnvelope(page.items, page.total, input);
    }),
  get: publicProcedure
    .input(catalogCurriculumKeyInput)
    .output(curriculumDetailSchema)
    .query(({ ctx, input }) => getCurriculumDetail(ctx.deps.db, ctx.viewer, input.slug, ctx.lang)),
});
