/**
 * A course pre-assessment for learners: a CAT across the course's pre-assessment bank. When it
 * stops, each module's score is the % correct of its items answered; a module is marked known
 * (it counts as passed for the unlock rule) only with enough evidence: at least 3 items on it, an
 * ability estimate on them with SE at most 0.8 and θ at least 0.9, and a score at or above the course's threshold
 * (evidence.ts, decision 0050). The first module not known is suggested as the starting point.
 */
import {
  AppError,
  type Language,
  type PreassessmentAnswerResult,
  type PreassessmentResult,
  type PreassessmentState,
  type PreassessmentStatus,
  type QuizAnswerInput,
} from "@sira/contracts";
import type { Logger, Redis } from "@sira/infra";
import type { Db, Prisma, Transaction, Tx } from "@sira/infra/db";
import type { Viewer } from "../../access/actor.ts";
import { assertCanReadCourse } from "../../access/course-access.ts";
import { invalidateDashboard } from "../dashboard/index.ts";
import { markModulesKnown } from "../progress/index.ts";
import { answerCurrentItem, answerSpecOf, findInProgress, startOrResumeAttempt } from "../quiz/engine.ts";
import { toAnswerResult } from "../quiz/module-quiz.ts";
import { finishAttempt } from "../quiz/results.ts";
import { type AttemptRow, toAttemptView } from "../quiz/views.ts";
import { isKnown, type ModuleEvidence, moduleEvidence } from "./evidence.ts";

type PreassessmentDeps = { db: Db; redis: Redis; logger: Logger };
type ResultRow = Prisma.CoursePreassessmentResultGetPayload<object>;

function toResult(r: ResultRow): PreassessmentResult {
  return {
    attempt_id: r.attemptId,
    score: r.score,
    theta: r.theta,
    se: r.se,
    module_scores: r.moduleScores as Record<string, number>,
    known_module_ids: r.knownModuleIds,
    suggested_module_id: r.suggestedModuleId,
    created_at: r.createdAt.toISOString(),
  };
}

async function availability(db: Tx, courseId: string, language: Language) {
  const pre = await db.coursePreassessment.findUnique({ where: { courseId } });
  if (!pre?.isEnabled || pre.generationStatus !== "ready") return { pre, available: false };
  const items = await db.quizItem.count({ where: { preassessmentId: pre.id, language, isActive: true } });
  return { pre, available: items > 0 };
}

/** Whether the course offers a pre-assessment now, the attempt in progress and the latest result. */
export async function getPreassessmentStatus(
  db: Db,
  viewer: Viewer,
  courseId: string,
  language: Language,
): Promise<PreassessmentStatus> {
  await assertCanReadCourse(db, viewer, courseId);
  const { pre, available } = await availability(db, courseId, language);
  const [running, latest] = pre
    ? await Promise.all([
        findInProgress(db, viewer.userId, "preassessment", { kind: "preassessment", preassessmentId: pre.id }),
        db.coursePreassessmentResult.findFirst({
          where: { preassessmentId: pre.id, userId: viewer.userId },
          orderBy: { createdAt: "desc" },
        }),
      ])
    : [null, null];
  return {
    course_id: courseId,
    // Taken once: its answers show their keys, so a retake would only replay them.
    available: available && !latest,
    max_items: pre?.maxItems ?? 15,
    known_threshold_pct: pre?.knownThresholdPct ?? 80,
    in_progress_attempt_id: running?.id ?? null,
    latest_result: latest ? toResult(latest) : null,
  };
}

/**
 * Starts or resumes the pre-assessment: 409 PREASSESSMENT_UNAVAILABLE when not offered, 409
 * PREASSESSMENT_TAKEN once the learner has a result (each answer shows its key: a second attempt
 * would test out of modules on remembered keys).
 */
export async function startPreassessment(
  db: Db,
  viewer: Viewer,
  courseId: string,
  language: Language,
  at: Date,
): Promise<PreassessmentState> {
  await assertCanReadCourse(db, viewer, courseId);
  const { pre, available } = await availability(db, courseId, language);
  if (!pre || !available) throw new AppError("PREASSESSMENT_UNAVAILABLE");
  const taken = await db.coursePreassessmentResult.findFirst({
    where: { preassessmentId: pre.id, userId: viewer.userId },
    select: { id: true },
  });
  if (taken) throw new AppError("PREASSESSMENT_TAKEN");
  const state = await startOrResumeAttempt(db, {
    userId: viewer.userId,
    kind: "preassessment",
    language,
    maxItems: pre.maxItems,
    scope: { kind: "preassessment", preassessmentId: pre.id },
    at,
  });
  return {
    attempt: toAttemptView(state.attempt),
    question: state.question,
    finished: state.question === null,
    result: null,
  };
}

/** Per-module evidence over the attempt's answered items: tallies, % correct, ability and SE. */
async function moduleScores(tx: Tx, attemptId: string): Promise<Map<string, ModuleEvidence>> {
  const responses = await tx.quizAttemptResponse.findMany({
    where: { attemptId },
    select: { correct: true, difficulty: true, item: { select: { moduleId: true, calibratedB: true } } },
  });
  return moduleEvidence(
    responses.map((r) => ({
      moduleId: r.item.moduleId,
      difficulty: r.difficulty,
      calibratedB: r.item.calibratedB,
      correct: r.correct,
    })),
  );
}

/** Scores the finished attempt, marks known modules, suggests a start, and stores the result. */
async function concludePreassessment(
  tx: Transaction,
  userId: string,
  courseId: string,
  attempt: AttemptRow,
  at: Date,
): Promise<AttemptRow> {
  const pre = await tx.coursePreassessment.findUniqueOrThrow({ where: { id: attempt.preassessmentId as string } });
  const { attempt: done } = await finishAttempt(tx, attempt, at);
  const scores = await moduleScores(tx, attempt.id);
  const modules = await tx.module.findMany({
    where: { courseId },
    orderBy: { moduleNumber: "asc" },
    select: { id: true },
  });
  // Known needs evidence: enough items, a small enough SE, and the threshold (decision 0050).
  const known = modules.map((m) => m.id).filter((id) => isKnown(scores.get(id), pre.knownThresholdPct));
  await markModulesKnown(tx, { userId, moduleIds: known, at });
  await tx.coursePreassessmentResult.create({
    data: {
      preassessmentId: pre.id,
      userId,
      attemptId: attempt.id,
      score: done.score ?? 0,
      theta: done.theta,
      se: done.se ?? 0,
      moduleScores: Object.fromEntries([...scores].map(([id, e]) => [id, e.pct])),
      knownModuleIds: known,
      suggestedModuleId: modules.find((m) => !known.includes(m.id))?.id ?? null,
    },
  });
  return done;
}

/** Checks one answer; when the pre-assessment stops, returns its result. */
export async function answerPreassessment(
  deps: PreassessmentDeps,
  viewer: Viewer,
  courseId: string,
  input: QuizAnswerInput,
  at: Date,
): Promise<PreassessmentAnswerResult> {
  await assertCanReadCourse(deps.db, viewer, courseId);
  const pre = await deps.db.coursePreassessment.findUnique({ where: { courseId }, select: { id: true } });
  if (!pre) throw new AppError("NOT_FOUND");
  const outcome = await answerCurrentItem(
    deps.db,
    answerSpecOf(viewer.userId, input, at),
    (a) => a.kind === "preassessment" && a.preassessmentId === pre.id,
    { onStop: (tx, attempt) => concludePreassessment(tx, viewer.userId, courseId, attempt, at) },
  );
  const result = outcome.finished
    ? await deps.db.coursePreassessmentResult.findUnique({ where: { attemptId: outcome.attempt.id } })
    : null;
  if (outcome.finished && !outcome.replayed) await invalidateDashboard(deps.redis, viewer.userId, deps.logger);
  return { ...toAnswerResult(outcome), result: result ? toResult(result) : null };
}
