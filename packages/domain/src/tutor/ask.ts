/**
 * Asking the tutor: one transaction, serialised per learner, that finds a repeated request (same
 * Idempotency-Key: nothing is asked or counted again), checks the conversation is the learner's,
 * refuses a question while TUTOR_MAX_ANSWERS_IN_FLIGHT answers are still pending, counts the
 * message against today's limit, and stores the question with an empty answer to be
 * streamed. The worker then writes that answer once; every stream (first or resumed) tails it.
 */
import { randomUUID } from "node:crypto";
import { AppError, clipText } from "@sira/contracts";
import type { Config, Logger, Redis } from "@sira/infra";
import type { Db, Tx } from "@sira/infra/db";
import type { LearnerContext } from "../access/learner.ts";
import { assertCanEnqueue, enqueue } from "../jobs/enqueue.ts";
import { invalidateDashboard } from "../learning/dashboard/cache.ts";
import { creditsOverage } from "../money/tutor-overage.ts";
import { markListening } from "./answer-stream.ts";
import { openTutorCourse } from "./course.ts";
import { chargeTutorMessage, type TutorOverage, tutorRemaining } from "./limits.ts";

export interface TutorDeps {
  config: Pick<Config, "QUEUE_PREFIX" | "TUTOR_ABANDON_AFTER_MS" | "TUTOR_MAX_ANSWERS_IN_FLIGHT">;
  db: Db;
  redis: Redis;
  logger: Logger;
  /** Paying beyond the daily limit; by default with credits, for learners who opted in. */
  tutorOverage?: TutorOverage;
}

export interface AskInput {
  conversation_id?: string | undefined;
  course_id: string;
  module_id?: string | undefined;
  unit_id?: string | undefined;
  message: string;
}

export interface AskedTurn {
  conversationId: string;
  messageId: string;
  answerId: string;
  messagesLeft: number;
  replayed: boolean;
}

const TITLE_CHARS = 80;
/** Retry-After of a question refused while earlier answers are still pending (an answer takes seconds). */
const PENDING_RETRY_SECONDS = 10;

function titleOf(message: string): string {
  const line = message.replace(/\s+/g, " ").trim();
  return line.length <= TITLE_CHARS ? line : `${clipText(line, TITLE_CHARS - 1).trimEnd()}…`;
}

async function repeated(tx: Tx, userId: string, key: string) {
  return tx.tutorMessage.findFirst({
    where: { clientKey: key, role: "user", conversation: { userId } },
    select: {
      id: true,
      conversationId: true,
      content: true,
      conversation: { select: { courseId: true } },
      reply: { select: { id: true, status: true } },
    },
  });
}

/**
 * Serialises the learner's tutor changes (asking, deleting a conversation) until `tx` ends, so each
 * sees the answers the others left pending.
 */
export async function lockLearnerTutor(tx: Tx, userId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`tutor:${userId}`}, 0))`;
}

/** Queues the answer's job (once: its id is the answer's). */
export async function enqueueAnswer(deps: Pick<TutorDeps, "config">, answerId: string): Promise<void> {
  await enqueue(deps, "tutor-answer", { answerId }, `tutor-answer-${answerId}`);
}

export async function askTutor(
  deps: TutorDeps,
  learner: LearnerContext,
  input: AskInput,
  options: { idempotencyKey: string | null; now?: Date },
): Promise<AskedTurn> {
  const userId = learner.viewer.userId;
  const now = options.now ?? new Date();
  const place = await openTutorCourse(deps.db, learner.viewer, input);
  // Without Redis the answer could not be queued: refuse (503) before the message is counted.
  await assertCanEnqueue(deps, "tutor-answer");
  let unanswered = false;
  const turn = await deps.db.$transaction(async (tx) => {
    await lockLearnerTutor(tx, userId);
    if (options.idempotencyKey) {
      const earlier = await repeated(tx, userId, options.idempotencyKey);
      // The same key on another question, course or conversation is a client bug, refused as on every keyed route.
      if (
        earlier &&
        (earlier.content !== input.message ||
          earlier.conversation.courseId !== place.courseId ||
          (input.conversation_id !== undefined && input.conversation_id !== earlier.conversationId))
      ) {
        throw new AppError("IDEMPOTENCY_KEY_REUSED");
      }
      if (earlier?.reply) {
        // Still empty: its job may never have been queued (Redis went away just after the commit).
        unanswered = earlier.reply.status === "streaming";
        return {
          conversationId: earlier.conversationId,
          messageId: earlier.id,
          answerId: earlier.reply.id,
          messagesLeft: -1,
          replayed: true,
        };
      }
    }
    let conversationId = input.conversation_id;
    if (conversationId) {
      const mine = await tx.tutorConversation.count({
        where: { id: conversationId, userId, courseId: place.courseId },
      });
      if (!mine) throw new AppError("NOT_FOUND");
    }
    // Under the learner's lock: parallel asks see each other's answers, so none passes the cap.
    const pending = await tx.tutorMessage.count({
      where: { role: "assistant", status: "streaming", conversation: { userId } },
    });
    if (pending >= deps.config.TUTOR_MAX_ANSWERS_IN_FLIGHT) {
      throw new AppError("TUTOR_ANSWERS_PENDING", { retryAfterSeconds: PENDING_RETRY_SECONDS });
    }
    const questionId = randomUUID();
    const day = await chargeTutorMessage(tx, userId, now, deps.tutorOverage ?? creditsOverage, questionId);
    if (!conversationId) {
      const created = await tx.tutorConversation.create({
        data: {
          userId,
          courseId: place.courseId,
          moduleId: place.moduleId,
          unitId: place.unitId,
          title: titleOf(input.message),
          language: learner.language,
        },
        select: { id: true },
      });
      conversationId = created.id;
    }
    const question = await tx.tutorMessage.create({
      data: {
        id: questionId,
        conversationId,
        role: "user",
        content: input.message,
        clientKey: options.idempotencyKey,
        createdAt: now,
      },
      select: { id: true },
    });
    const answer = await tx.tutorMessage.create({
      data: {
        conversationId,
        role: "assistant",
        content: "",
        status: "streaming",
        replyToId: question.id,
        createdAt: new Date(now.getTime() + 1),
      },
      select: { id: true },
    });
    await tx.tutorConversation.update({
      where: { id: conversationId },
      data: {
        messageCount: { increment: 2 },
        lastMessageAt: now,
        language: learner.language,
        ...(place.moduleId ? { moduleId: place.moduleId, unitId: place.unitId } : {}),
      },
    });
    return {
      conversationId,
      messageId: question.id,
      answerId: answer.id,
      messagesLeft: Math.max(0, day.limit - day.used),
      replayed: false,
    };
  });
  if (turn.replayed) {
    // Queued once: the job's id is the answer's, so one already waiting or running is left alone.
    if (unanswered) await enqueueAnswer(deps, turn.answerId);
    turn.messagesLeft = (await tutorRemaining(deps.db, userId, now)).remaining;
  } else {
    await markListening(deps.redis, turn.answerId, deps.config.TUTOR_ABANDON_AFTER_MS);
    await enqueueAnswer(deps, turn.answerId);
    await invalidateDashboard(deps.redis, userId, deps.logger);
  }
  return turn;
}
