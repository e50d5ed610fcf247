/** tRPC `quiz`, `placement`, `preassessment` and `admin.preassessment`: the adaptive tests, as over REST. */
import {
  placementAnswerResultSchema,
  placementStartQuery,
  placementStateSchema,
  placementStatusSchema,
  preassessmentAnswerResultSchema,
  preassessmentConfigInput,
  preassessmentConfigSchema,
  preassessmentGenerationSchema,
  preassessmentStateSchema,
  preassessmentStatusSchema,
  quizAnswerInput,
  quizAnswerResultSchema,
  quizKindQuery,
  quizResultSchema,
  quizStateSchema,
  quizSubmitInput,
} from "@sira/contracts";
import {
  answerModuleQuiz,
  answerPlacement,
  answerPreassessment,
  getPlacementStatus,
  getPreassessmentConfig,
  getPreassessmentStatus,
  requestPreassessmentGeneration,
  startModuleQuiz,
  startPlacement,
  startPreassessment,
  submitModuleQuiz,
  updatePreassessmentConfig,
} from "@sira/domain";
import { z } from "zod";
import { authedProcedure, expertProcedure, router } from "../init.ts";

const moduleInput = z.object({ module_id: z.uuid() });
const courseInput = z.strictObject({ course_id: z.uuid() });

export const quizRouter = router({
  /** Starts or resumes the module's adaptive quiz; the question has no answer key. */
  start: authedProcedure
    .input(moduleInput.extend(quizKindQuery.shape).strict())
    .output(quizStateSchema)
    .query(({ ctx, input }) => startModuleQuiz(ctx.deps, ctx.learner, input.module_id, input.kind, new Date())),
  /** Checks one answer and gives the next question. */
  answer: authedProcedure
    .input(quizAnswerInput.extend(moduleInput.shape))
    .output(quizAnswerResultSchema)
    .mutation(({ ctx, input }) => {
      const { module_id, ...answer } = input;
      return answerModuleQuiz(ctx.deps, ctx.learner, module_id, answer, ctx.meta.occurredAt);
    }),
  /** Finishes the attempt: score, estimate, SE and review (idempotent). */
  submit: authedProcedure
    .input(quizSubmitInput.extend(moduleInput.shape))
    .output(quizResultSchema)
    .mutation(({ ctx, input }) =>
      submitModuleQuiz(ctx.deps, ctx.learner, input.module_id, input.attempt_id, ctx.meta.occurredAt),
    ),
});

export const placementRouter = router({
  status: authedProcedure
    .output(placementStatusSchema)
    .query(({ ctx }) => getPlacementStatus(ctx.deps.db, ctx.viewer.userId, new Date())),
  start: authedProcedure
    .input(placementStartQuery.strict())
    .output(placementStateSchema)
    .mutation(({ ctx, input }) =>
      startPlacement(ctx.deps.db, {
        userId: ctx.viewer.userId,
        language: ctx.lang,
        domain: input.domain ?? null,
        at: ctx.meta.occurredAt,
      }),
    ),
  answer: authedProcedure
    .input(quizAnswerInput)
    .output(placementAnswerResultSchema)
    .mutation(({ ctx, input }) => answerPlacement(ctx.deps, ctx.viewer.userId, input, ctx.meta.occurredAt)),
});

export const preassessmentRouter = router({
  status: authedProcedure
    .input(courseInput)
    .output(preassessmentStatusSchema)
    .query(({ ctx, input }) => getPreassessmentStatus(ctx.deps.db, ctx.viewer, input.course_id, ctx.lang)),
  start: authedProcedure
    .input(courseInput)
    .output(preassessmentStateSchema)
    .mutation(({ ctx, input }) =>
      startPreassessment(ctx.deps.db, ctx.viewer, input.course_id, ctx.lang, ctx.meta.occurredAt),
    ),
  answer: authedProcedure
    .input(quizAnswerInput.extend(courseInput.shape))
    .output(preassessmentAnswerResultSchema)
    .mutation(({ ctx, input }) => {
      const { course_id, ...answer } = input;
      return answerPreassessment(ctx.deps, ctx.viewer, course_id, answer, ctx.meta.occurredAt);
    }),
});

/** Under `admin`: the course pre-assessment settings and generation (admins, experts on their courses). */
export const adminPreassessmentRouter = router({
  get: expertProcedure
    .input(courseInput)
    .output(preassessmentConfigSchema)
    .query(({ ctx, input }) => getPreassessmentConfig(ctx.deps.db, ctx.viewer, input.course_id)),
  update: expertProcedure
    .input(preassessmentConfigInput.extend(courseInput.shape))
    .output(preassessmentConfigSchema)
    .mutation(({ ctx, input }) => {
      const { course_id, ...changes } = input;
      return updatePreassessmentConfig(ctx.deps.db, ctx.viewer, course_id, changes, ctx.meta);
    }),
  generate: expertProcedure
    .input(courseInput)
    .output(preassessmentGenerationSchema)
    .mutation(({ ctx, input }) =>
      requestPreassessmentGeneration(ctx.deps, ctx.viewer, input.course_id, ctx.actor.country, ctx.meta),
    ),
});
