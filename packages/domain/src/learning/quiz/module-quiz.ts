/**
 * A module's adaptive quiz for learners: start or resume (formative 10 items, summative 20), answer
 * the current question, submit. Learners need an enrollment and an unlocked module; each answer
 * feeds the flashcard of the same concept (a summative one on submission; a wrong one, the tutor's
 * memory of the learner too) and the streak, and a summative score answered to its end counts towards the unlock rule.
 * A summative test left a day without an answer is closed as abandoned: not graded, its answers fed
 * as a submission's are.
 */
import { CAT_MAX_ITEMS } from "@sira/algorithms";
import {
  AppError,
  type Language,
  type ModuleQuizKind,
  type QuizAnswerInput,
  type QuizAnswerResult,
  type QuizResult,
  type QuizState,
} from "@sira/contracts";
import type { Transaction, Tx } from "@sira/infra/db";
import { type LearnerContext, learnerLevel, openLearnerModule } from "../../access/learner.ts";
import { getSetting } from "../../admin/settings/index.ts";
import type { ContentDeps } from "../../content/deps.ts";
import { noteWrongAnswer } from "../../tutor/memory.ts";
import { UNLOCK_QUIZ_AVG } from "../../unlock/rules.ts";
import type { UsageSink } from "../../usage/recorder.ts";
import { recordLearningActivity } from "../../users/activity.ts";
import { invalidateDashboard } from "../dashboard/index.ts";
import { feedQuizAnswerToCard } from "../flashcards/index.ts";
import { recordModuleQuizResult } from "../progress/index.ts";
import { ensureModuleBank } from "./bank.ts";
import { type AnswerOutcome, answerCurrentItem, answerSpecOf, startOrResumeAttempt } from "./engine.ts";
import { endedForCooldown, finishAttempt, toQuizResult } from "./results.ts";
import { ensureFreshSummativeItems } from "./top-up.ts";
import { type AttemptRow, sourceOfItem, toAttemptView } from "./views.ts";

type QuizDeps = Pick<ContentDeps, "db" | "redis" | "config" | "logger"> & { usage: UsageSink };
/** What closing an idle attempt needs (the worker's sweep has no request). */
type ClosingDeps = Pick<QuizDeps, "db" | "redis" | "logger">;

/** Starts or resumes the learner's quiz on the module; the question comes without its answer. */
export async function startModuleQuiz(
  deps: QuizDeps,
  learner: LearnerContext,
  moduleId: string,
  kind: ModuleQuizKind,
  at: Date,
): Promise<QuizState> {
  const module = await openLearnerModule(deps.db, learner.viewer, moduleId);
  const scope = { kind: "module" as const, moduleId };
  const spec = { userId: learner.viewer.userId, kind, language: learner.language, scope, at };
  const running = await deps.db.quizAttempt.findFirst({
    where: { userId: spec.userId, kind, moduleId, status: "in_progress" },
    select: { id: true },
  });
  const closed = running !== null && kind === "summative" && (await closeIfIdle(deps, spec.userId, running.id, at));
  if (running === null || closed) {
    if (kind === "summative") await refuseDuringCooldown(deps, spec.userId, moduleId, at);
    const target = {
      moduleId,
      courseId: module.courseId,
      language: learner.language,
      level: await learnerLevel(deps.db, learner.viewer, module.level),
      country: learner.country,
    };
    const content = await ensureModuleBank(deps, target);
    // A summative test is served no shown key: too few such items left, and the bank grows first.
    if (kind === "summative") await ensureFreshSummativeItems(deps, { ...target, userId: spec.userId, content });
  }
  const state = await startOrResumeAttempt(deps.db, { ...spec, maxItems: CAT_MAX_ITEMS[kind] });
  return { attempt: toAttemptView(state.attempt), question: state.question, finished: state.question === null };
}

/**
 * A summative retake waits `quiz.summative_cooldown_hours` after the learner's last ended summative
 * attempt on the module, submitted or abandoned: 409 QUIZ_COOLDOWN with Retry-After and `retry_at`
 * before that. An abandoned one ended at its last answer (or its start), not when it was closed.
 */
async function refuseDuringCooldown(deps: QuizDeps, userId: string, moduleId: string, at: Date): Promise<void> {
  const last = await deps.db.quizAttempt.findFirst({
    where: { userId, moduleId, kind: "summative", status: { in: ["submitted", "abandoned"] } },
    orderBy: { createdAt: "desc" },
    select: { id: true, status: true, submittedAt: true, startedAt: true, createdAt: true },
  });
  if (!last) return;
  const ended = last.status === "abandoned" ? { ...last, submittedAt: await lastMoved(deps.db, last) } : last;
  const hours = await getSetting(deps.db, "quiz.summative_cooldown_hours");
  const allowed = new Date(endedForCooldown(ended).getTime() + hours * 3_600_000);
  if (allowed <= at) return;
  throw new AppError("QUIZ_COOLDOWN", {
    retryAfterSeconds: Math.ceil((allowed.getTime() - at.getTime()) / 1000),
    extensions: { retry_at: allowed.toISOString() },
  });
}

/**
 * The answer's result as served: correctness, key, explanation, source, the estimate and the next
 * question; a summative test's answer carries only the next question (keys after submission).
 */
export function toAnswerResult(outcome: AnswerOutcome): QuizAnswerResult {
  if (outcome.attempt.kind === "summative") {
    return {
      attempt_id: outcome.attempt.id,
      item_id: outcome.item.id,
      feedback: "after_submission",
      correct: null,
      correct_option: null,
      explanation: null,
      source: null,
      next_question: outcome.next,
      theta: null,
      se: null,
      item_count: outcome.response.position,
      finished: outcome.finished,
    };
  }
  return {
    attempt_id: outcome.attempt.id,
    item_id: outcome.item.id,
    feedback: "immediate",
    correct: outcome.response.correct,
    correct_option: outcome.item.correctOption,
    explanation: outcome.item.explanation,
    source: sourceOfItem(outcome.item.sourcesCited),
    next_question: outcome.next,
    theta: outcome.response.thetaAfter,
    se: outcome.response.seAfter,
    item_count: outcome.response.position,
    finished: outcome.finished,
  };
}

const inModule = (moduleId: string) => (a: AttemptRow) =>
  a.moduleId === moduleId && (a.kind === "formative" || a.kind === "summative");

/** Checks one answer against the current question (a replay of it returns the same result). */
export async function answerModuleQuiz(
  deps: QuizDeps,
  learner: LearnerContext,
  moduleId: string,
  input: QuizAnswerInput,
  at: Date,
): Promise<QuizAnswerResult> {
  const module = await openLearnerModule(deps.db, learner.viewer, moduleId);
  const userId = learner.viewer.userId;
  const answerFeeds = async (tx: Transaction, o: AnswerOutcome) => {
    // A summative answer's card waits for the submission: its memory would tell right from wrong.
    if (o.item.conceptKey && o.attempt.kind !== "summative") {
      await feedQuizAnswerToCard(tx, {
        userId,
        moduleId: o.item.moduleId,
        conceptKey: o.item.conceptKey,
        correct: o.response.correct,
        at,
        quizResponseId: o.response.id,
      });
    }
    // After the card, as a card review takes them: its memory row, then the user row. Never
    // before the attempt existed: backdated replays of one attempt would make a streak of days.
    await recordLearningActivity(tx, userId, new Date(Math.max(at.getTime(), o.attempt.createdAt.getTime())));
  };
  // An answer to a test left idle past the limit closes it instead (409 ATTEMPT_FINISHED); the check
  // reads the attempt the answer locks anyway, and costs a formative quiz nothing.
  const outcome = await closingIdle(deps, userId, input.attempt_id, at, (refuseIdle) =>
    answerCurrentItem(deps.db, answerSpecOf(userId, input, at), inModule(moduleId), {
      beforeAnswer: refuseIdle,
      afterResponse: answerFeeds,
    }),
  );
  if (!outcome.replayed) {
    await invalidateDashboard(deps.redis, userId, deps.logger);
    deps.usage.record({
      kind: "quiz_answer",
      userId,
      courseId: module.courseId,
      metadata: { item_id: outcome.item.id, correct: outcome.response.correct },
      occurredAt: at,
    });
  }
  // A summative one waits for the submission: the memory quotes the right option.
  if (!outcome.replayed && !outcome.response.correct && outcome.attempt.kind !== "summative") {
    await rememberWrongAnswer(deps, userId, module.courseId, outcome.response, learner.language);
  }
  return toAnswerResult(outcome);
}

/** A wrong answer tells the tutor what the learner confuses (learner memory of the course). */
async function rememberWrongAnswer(
  deps: ClosingDeps,
  userId: string,
  courseId: string,
  response: { itemId: string; selectedOption: number | null },
  language: Language,
): Promise<void> {
  const item = await deps.db.quizItem.findUnique({
    where: { id: response.itemId },
    select: { stem: true, options: true, correctOption: true },
  });
  const options = Array.isArray(item?.options) ? item.options.map(String) : [];
  const chosen = options[response.selectedOption ?? -1];
  const correct = options[item?.correctOption ?? -1];
  if (!item || !chosen || !correct) return;
  await noteWrongAnswer(deps, { userId, courseId, stem: item.stem, chosen, correct, language });
}

/** A summative test left this long without an answer is over (decision 0066). */
export const SUMMATIVE_IDLE_LIMIT_MS = 24 * 3_600_000;

/** When the attempt last moved: its last answer, or its start, in the times the requests carried. */
async function lastMoved(db: Tx, attempt: { id: string; startedAt: Date }): Promise<Date> {
  const last = await db.quizAttemptResponse.aggregate({ where: { attemptId: attempt.id }, _max: { answeredAt: true } });
  return new Date(Math.max(attempt.startedAt.getTime(), last._max.answeredAt?.getTime() ?? 0));
}

/** Whether an attempt is a summative test in progress idle past the limit at `at` (only those close). */
async function isIdleSummative(db: Tx, attempt: AttemptRow, at: Date): Promise<boolean> {
  if (attempt.kind !== "summative" || attempt.status !== "in_progress") return false;
  return at.getTime() - (await lastMoved(db, attempt)).getTime() >= SUMMATIVE_IDLE_LIMIT_MS;
}

/**
 * Closes the user's summative attempt if it has had no answer (nor start) for the idle limit at
 * `at`: abandoned and never graded (its cool-down runs from its last answer), but its answers feed
 * the cards, and its wrong ones the tutor's memory, as a submission's do. Only the call that closes
 * it feeds them (the row is locked); a retry or replay finds it closed. True when this call closed it.
 */
export async function closeIfIdle(deps: ClosingDeps, userId: string, attemptId: string, at: Date): Promise<boolean> {
  const closed = await deps.db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM quiz_attempts WHERE id = ${attemptId}::uuid FOR UPDATE`;
    const row = await tx.quizAttempt.findFirst({
      where: { id: attemptId, userId },
      include: { module: { select: { courseId: true } } },
    });
    if (!row || !(await isIdleSummative(tx, row, at))) return null;
    await tx.quizAttempt.update({ where: { id: attemptId }, data: { status: "abandoned", currentItemId: null } });
    await feedSummativeAnswers(tx, userId, attemptId);
    return { courseId: row.module?.courseId ?? null, language: row.language as Language };
  });
  if (!closed) return false;
  if (closed.courseId) await rememberWrongAnswers(deps, userId, closed.courseId, attemptId, closed.language);
  await invalidateDashboard(deps.redis, userId, deps.logger);
  deps.logger.info({ user_id: userId, attempt_id: attemptId }, "idle summative attempt closed as abandoned");
  return true;
}

/** Thrown inside a step's transaction that found its summative attempt idle: nothing was written. */
class IdleAttemptFound extends Error {}

/**
 * Runs `step` (one transaction that locks and reads the attempt) with a check it calls on the row
 * it read: a summative attempt idle past the limit aborts the step, is closed (closeIfIdle), and
 * the step runs again without the check, finding it closed. Formative attempts cost no query.
 */
async function closingIdle<T>(
  deps: ClosingDeps,
  userId: string,
  attemptId: string,
  at: Date,
  step: (refuseIdle: (tx: Tx, attempt: AttemptRow) => Promise<void>) => Promise<T>,
): Promise<T> {
  try {
    return await step(async (tx, attempt) => {
      if (await isIdleSummative(tx, attempt, at)) throw new IdleAttemptFound();
    });
  } catch (error) {
    if (!(error instanceof IdleAttemptFound)) throw error;
    await closeIfIdle(deps, userId, attemptId, at);
    return step(async () => {});
  }
}

/** Attempts the sweep closes per run; the next hour's run takes any left. */
const SWEEP_BATCH = 500;

/**
 * The `close-idle-quiz-attempts` job: closes every summative test idle past the limit at `now`,
 * for learners who never come back to it. Safe to run twice and beside requests (closeIfIdle).
 */
export async function closeIdleSummativeAttempts(deps: ClosingDeps, now = new Date()): Promise<{ closed: number }> {
  // Started before the limit is necessary (an attempt moves no earlier than its start); closeIfIdle decides.
  const candidates = await deps.db.quizAttempt.findMany({
    where: {
      kind: "summative",
      status: "in_progress",
      startedAt: { lte: new Date(now.getTime() - SUMMATIVE_IDLE_LIMIT_MS) },
    },
    orderBy: { startedAt: "asc" },
    take: SWEEP_BATCH,
    select: { id: true, userId: true },
  });
  let closed = 0;
  for (const attempt of candidates) {
    if (await closeIfIdle(deps, attempt.userId, attempt.id, now)) closed += 1;
  }
  deps.logger.info(
    { job: "close-idle-quiz-attempts", candidates: candidates.length, closed },
    "idle quiz attempts closed",
  );
  return { closed };
}

/** A finished summative attempt's wrong answers, in order, reach the tutor's memory of the learner. */
async function rememberWrongAnswers(
  deps: ClosingDeps,
  userId: string,
  courseId: string,
  attemptId: string,
  language: Language,
): Promise<void> {
  const wrong = await deps.db.quizAttemptResponse.findMany({
    where: { attemptId, correct: false },
    orderBy: { position: "asc" },
    select: { itemId: true, selectedOption: true },
  });
  for (const response of wrong) await rememberWrongAnswer(deps, userId, courseId, response, language);
}

/** A submitted or abandoned summative attempt's answers reach the cards of their concepts, each at its time. */
async function feedSummativeAnswers(tx: Transaction, userId: string, attemptId: string): Promise<void> {
  const responses = await tx.quizAttemptResponse.findMany({
    where: { attemptId },
    orderBy: { position: "asc" },
    select: { id: true, correct: true, answeredAt: true, item: { select: { moduleId: true, conceptKey: true } } },
  });
  for (const r of responses) {
    if (!r.item.conceptKey) continue;
    await feedQuizAnswerToCard(tx, {
      userId,
      moduleId: r.item.moduleId,
      conceptKey: r.item.conceptKey,
      correct: r.correct,
      at: r.answeredAt,
      quizResponseId: r.id,
    });
  }
}

/** Finishes the attempt (once) and returns its score, estimate and per-question review. */
export async function submitModuleQuiz(
  deps: QuizDeps,
  learner: LearnerContext,
  moduleId: string,
  attemptId: string,
  at: Date,
): Promise<QuizResult> {
  const module = await openLearnerModule(deps.db, learner.viewer, moduleId);
  const userId = learner.viewer.userId;
  // A test left idle past the limit is over: closed as abandoned, it is not graded (409 ATTEMPT_FINISHED).
  const submission = (refuseIdle: (tx: Tx, attempt: AttemptRow) => Promise<void>) =>
    deps.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM quiz_attempts WHERE id = ${attemptId}::uuid FOR UPDATE`;
      const row = await tx.quizAttempt.findFirst({ where: { id: attemptId, userId } });
      if (!row || !inModule(moduleId)(row)) throw new AppError("NOT_FOUND");
      await refuseIdle(tx, row);
      if (row.status === "abandoned") throw new AppError("ATTEMPT_FINISHED");
      const finished = await finishAttempt(tx, row, at);
      // Only a summative test is graded: formative quizzes are practice, retakable at will, so
      // counting their best score would let repetition carry a learner over the gate (decision 0053).
      // And only one answered to its end: a client that stops while ahead (a few right answers
      // already score past 80) would pick its moment to submit.
      const graded = row.kind === "summative" && row.currentItemId === null && finished.attempt.itemCount > 0;
      if (finished.finishedNow && row.kind === "summative") await feedSummativeAnswers(tx, userId, row.id);
      if (finished.finishedNow && graded) {
        await recordModuleQuizResult(tx, {
          userId,
          moduleId,
          unitId: null,
          score: finished.attempt.score ?? 0,
          at,
        });
      }
      return { ...finished, graded };
    });
  const { attempt, finishedNow, graded } = await closingIdle(deps, userId, attemptId, at, submission);
  if (finishedNow && attempt.kind === "summative") {
    await rememberWrongAnswers(deps, userId, module.courseId, attempt.id, attempt.language as Language);
  }
  if (finishedNow) {
    await invalidateDashboard(deps.redis, userId, deps.logger);
    deps.usage.record({
      kind: "quiz_submit",
      userId,
      courseId: module.courseId,
      quantity: attempt.itemCount,
      metadata: {
        module_id: moduleId,
        score: attempt.score ?? 0,
        passed: graded && (attempt.score ?? 0) >= UNLOCK_QUIZ_AVG,
      },
      occurredAt: at,
    });
  }
  return toQuizResult(deps.db, attempt);
}
