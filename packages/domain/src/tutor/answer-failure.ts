/**
 * A tutor answer that cannot be written: marked failed, its message given back (the day's count or
 * the credits paid), its usage recorded (with the tokens the provider billed for it anyway), and its
 * stream ended with GENERATION_FAILED. Only the run
 * that moves the answer out of `streaming` does this, so a replayed failure refunds nothing twice.
 */
import { GenerationPublisher } from "../content/generation-stream.ts";
import { invalidateDashboard } from "../learning/dashboard/cache.ts";
import { creditsOverage } from "../money/tutor-overage.ts";
import { answerStreamKey, type TutorEntry } from "./answer-stream.ts";
import type { TutorDeps } from "./ask.ts";
import { refundTutorMessage, tutorDay } from "./limits.ts";

export interface AnswerFailure {
  /** The stream runs the answer had (the usage event's `attempts`). */
  attempts: number;
  /** The model that was to write it, for the usage event. */
  model: string | null;
  /** Publishes the error entry (the job's own publisher, so pending text is flushed first). */
  publisher?: GenerationPublisher<TutorEntry>;
  /** What the provider billed before the answer failed or was left (recorded when not nothing). */
  spent?: { tokensIn: number; tokensOut: number; costMicros: number };
}

/** The usage event's tokens and cost for what was billed; nothing when nothing was. */
function billed(spent: AnswerFailure["spent"]): Record<string, number> {
  if (!spent || spent.tokensIn + spent.tokensOut + spent.costMicros === 0) return {};
  return { tokens_in: spent.tokensIn, tokens_out: spent.tokensOut, cost_micros: spent.costMicros };
}

/** Fails answer `answerId` if it is still being written; false when it was not (nothing done). */
export async function failTutorAnswer(
  deps: Pick<TutorDeps, "db" | "redis" | "logger" | "tutorOverage">,
  answerId: string,
  failure: AnswerFailure,
): Promise<boolean> {
  const answer = await deps.db.tutorMessage.findUnique({
    where: { id: answerId },
    select: {
      status: true,
      replyTo: { select: { id: true, createdAt: true } },
      conversation: { select: { id: true, userId: true, courseId: true } },
    },
  });
  if (!answer?.replyTo || answer.status !== "streaming") return false;
  const { conversation, replyTo: question } = answer;
  const day = await tutorDay(deps.db, conversation.userId, question.createdAt);
  const failed = await deps.db.$transaction(async (tx) => {
    const marked = await tx.tutorMessage.updateMany({
      where: { id: answerId, status: "streaming" },
      data: { status: "failed" },
    });
    if (marked.count === 0) return false;
    // The learner got nothing for this message: it is given back.
    await refundTutorMessage(tx, conversation.userId, day.day, question.id, deps.tutorOverage ?? creditsOverage);
    await tx.usageEvent.create({
      data: {
        userId: conversation.userId,
        courseId: conversation.courseId,
        kind: "tutor_message",
        metadata: {
          answer_id: answerId,
          conversation_id: conversation.id,
          attempts: failure.attempts,
          model: failure.model,
          status: "failed",
          ...billed(failure.spent),
        },
      },
    });
    return true;
  });
  if (!failed) return false;
  const publisher = failure.publisher ?? new GenerationPublisher<TutorEntry>(deps.redis, answerStreamKey(answerId));
  await publisher.finish({ type: "error", code: "GENERATION_FAILED" });
  await invalidateDashboard(deps.redis, conversation.userId, deps.logger);
  return true;
}
