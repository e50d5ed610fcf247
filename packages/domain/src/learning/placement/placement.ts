/**
 * The placement test: a short CAT (12 items) over the active items of published, public courses in
 * the learner's language, or of one taxonomy domain (decision 0035). When it stops, current_level = placementLevel(θ)
 * (cut-offs -1, 0, 1 logit). A new test may start only after the platform's cool-down.
 */
import { CAT_MAX_ITEMS, placementLevel } from "@sira/algorithms";
import {
  AppError,
  type Language,
  type PlacementAnswerResult,
  type PlacementState,
  type PlacementStatus,
  type QuizAnswerInput,
} from "@sira/contracts";
import type { Logger, Redis } from "@sira/infra";
import type { Db } from "@sira/infra/db";
import { getSetting } from "../../admin/settings/index.ts";
import { invalidateDashboard } from "../dashboard/index.ts";
import { answerCurrentItem, answerSpecOf, findInProgress, startOrResumeAttempt } from "../quiz/engine.ts";
import { toAnswerResult } from "../quiz/module-quiz.ts";
import { endedForCooldown, finishAttempt } from "../quiz/results.ts";
import { toAttemptView } from "../quiz/views.ts";

const DAY_MS = 24 * 3600_000;
type PlacementDeps = { db: Db; redis: Redis; logger: Logger };

async function latestPlacement(db: Db, userId: string) {
  return db.quizAttempt.findFirst({
    where: { userId, kind: "placement", status: "submitted", resultLevel: { not: null } },
    orderBy: { createdAt: "desc" },
  });
}

/** When the next test may start (null: now). */
async function retakeAllowedAt(
  db: Db,
  latest: { submittedAt: Date | null; createdAt: Date } | null,
  now: Date,
): Promise<Date | null> {
  if (!latest) return null;
  const days = await getSetting(db, "placement.retake_cooldown_days");
  const allowed = new Date(endedForCooldown(latest).getTime() + days * DAY_MS);
  return allowed > now ? allowed : null;
}

/** The learner's level, latest result, any test in progress, and when a retake is allowed. */
export async function getPlacementStatus(db: Db, userId: string, now: Date): Promise<PlacementStatus> {
  const [user, latest, running] = await Promise.all([
    db.user.findUniqueOrThrow({ where: { id: userId }, select: { currentLevel: true } }),
    latestPlacement(db, userId),
    findInProgress(db, userId, "placement", { kind: "placement", domain: null }),
  ]);
  const allowed = await retakeAllowedAt(db, latest, now);
  return {
    current_level: user.currentLevel,
    latest: latest
      ? {
          attempt_id: latest.id,
          result_level: latest.resultLevel as number,
          theta: latest.theta,
          se: latest.se,
          score: latest.score,
          domain: latest.bankDomain,
          finished_at: (latest.submittedAt as Date).toISOString(),
        }
      : null,
    in_progress_attempt_id: running?.id ?? null,
    retake_allowed_at: allowed?.toISOString() ?? null,
  };
}

/**
 * Resumes the test in progress, or starts one (409 PLACEMENT_COOLDOWN before the cool-down ends,
 * 409 QUIZ_NOT_READY when the bank is empty).
 */
export async function startPlacement(
  db: Db,
  input: { userId: string; language: Language; domain: string | null; at: Date },
): Promise<PlacementState> {
  const running = await findInProgress(db, input.userId, "placement", { kind: "placement", domain: null });
  if (!running) {
    const latest = await latestPlacement(db, input.userId);
    const allowed = await retakeAllowedAt(db, latest, input.at);
    if (allowed) {
      throw new AppError("PLACEMENT_COOLDOWN", {
        retryAfterSeconds: Math.ceil((allowed.getTime() - input.at.getTime()) / 1000),
      });
    }
  }
  const state = await startOrResumeAttempt(db, {
    userId: input.userId,
    kind: "placement",
    language: input.language,
    maxItems: CAT_MAX_ITEMS.placement,
    scope: { kind: "placement", domain: input.domain },
    at: input.at,
  });
  return {
    attempt: toAttemptView(state.attempt),
    question: state.question,
    finished: state.question === null,
    result_level: state.attempt.resultLevel,
  };
}

/** Checks one answer; when the test stops, assigns and returns the learner's level. */
export async function answerPlacement(
  deps: PlacementDeps,
  userId: string,
  input: QuizAnswerInput,
  at: Date,
): Promise<PlacementAnswerResult> {
  const outcome = await answerCurrentItem(deps.db, answerSpecOf(userId, input, at), (a) => a.kind === "placement", {
    onStop: async (tx, attempt) => {
      const level = placementLevel(attempt.theta);
      const { attempt: done } = await finishAttempt(tx, attempt, at, { resultLevel: level });
      await tx.user.update({ where: { id: userId }, data: { currentLevel: level } });
      return done;
    },
  });
  if (outcome.finished && !outcome.replayed) await invalidateDashboard(deps.redis, userId, deps.logger);
  return { ...toAnswerResult(outcome), result_level: outcome.attempt.resultLevel };
}
