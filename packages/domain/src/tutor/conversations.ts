/**
 * A learner's tutor conversations: the list (per course, newest first, or a delta since a time,
 * with deleted conversations as tombstones), one conversation's history (newest page first, or
 * a delta), and deletion. Only the owner sees or deletes a conversation; anyone else gets 404.
 * Its messages are read only while the owner may read the course.
 */
import {
  AppError,
  type Language,
  type TutorCitation,
  type TutorConversation,
  type TutorMessage,
} from "@sira/contracts";
import type { Db, Prisma } from "@sira/infra/db";
import type { Viewer } from "../access/actor.ts";
import { assertCanReadCourse } from "../access/course-access.ts";
import {
  type ChangeWindow,
  changedIn,
  deltaPage,
  needsFullResync,
  recordTombstone,
  syncHorizon,
  tombstonesSince,
} from "../sync.ts";
import { lockLearnerTutor } from "./ask.ts";

export const CONVERSATION_ENTITY = "tutor_conversations";

type ConversationRow = Prisma.TutorConversationGetPayload<object>;
type MessageRow = Prisma.TutorMessageGetPayload<object>;

function toConversation(row: ConversationRow): TutorConversation {
  return {
    id: row.id,
    course_id: row.courseId,
    module_id: row.moduleId,
    unit_id: row.unitId,
    title: row.title,
    language: row.language as Language,
    message_count: row.messageCount,
    last_message_at: row.lastMessageAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

function toMessage(row: MessageRow): TutorMessage {
  return {
    id: row.id,
    conversation_id: row.conversationId,
    role: row.role === "assistant" ? "assistant" : "user",
    content: row.content,
    status: row.status as TutorMessage["status"],
    sources_cited: row.sourcesCited as TutorCitation[],
    reply_to: row.replyToId,
    model: row.model,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

interface Delta<T> {
  items: T[];
  deleted: { id: string; entity: string; deleted_at: string }[];
  hasMore: boolean;
  reset: boolean;
  cursor: Date;
}

type PageOrDelta<T> = { items: T[]; total: number } | Delta<T>;

/** Rows changed since `since`, a page at a time (`read` as `deltaPage` takes it). */
async function deltaOf<T, R extends { updatedAt: Date }>(
  db: Db,
  input: { since: Date; limit: number; now: Date },
  read: (window: ChangeWindow, take?: number) => Promise<R[]>,
  map: (row: R) => T,
  deleted: () => Promise<Delta<T>["deleted"]>,
): Promise<Delta<T>> {
  const horizon = await syncHorizon(db);
  const [page, gone] = await Promise.all([
    deltaPage({ since: input.since, limit: input.limit, horizon }, read, (row) => row.updatedAt),
    deleted(),
  ]);
  return {
    items: page.rows.map(map),
    deleted: gone,
    hasMore: page.hasMore,
    reset: needsFullResync(input.since, input.now),
    cursor: page.cursor,
  };
}

export async function listConversations(
  db: Db,
  viewer: Viewer,
  input: { course_id?: string | undefined; page: number; limit: number; since: Date | null; now: Date },
): Promise<PageOrDelta<TutorConversation>> {
  const where: Prisma.TutorConversationWhereInput = {
    userId: viewer.userId,
    ...(input.course_id ? { courseId: input.course_id } : {}),
  };
  if (input.since) {
    const since = input.since;
    return deltaOf(
      db,
      { since, limit: input.limit, now: input.now },
      (window, take) =>
        db.tutorConversation.findMany({
          where: { ...where, updatedAt: changedIn(window) },
          orderBy: [{ updatedAt: "asc" }, { id: "asc" }],
          take,
        }),
      toConversation,
      () => tombstonesSince(db, { entities: [CONVERSATION_ENTITY], userId: viewer.userId, since }),
    );
  }
  const [rows, total] = await Promise.all([
    db.tutorConversation.findMany({
      where,
      orderBy: [{ updatedAt: "desc" }, { id: "asc" }],
      skip: (input.page - 1) * input.limit,
      take: input.limit,
    }),
    db.tutorConversation.count({ where }),
  ]);
  return { items: rows.map(toConversation), total };
}

/**
 * 404 unless the conversation is the viewer's; its answers are drawn from the course, so reading
 * them also needs the course (403/404 once the learner left it or lost its grant, as for lessons).
 */
async function assertReadableConversation(db: Db, viewer: Viewer, id: string): Promise<void> {
  const mine = await db.tutorConversation.findFirst({
    where: { id, userId: viewer.userId },
    select: { courseId: true },
  });
  if (!mine) throw new AppError("NOT_FOUND");
  await assertCanReadCourse(db, viewer, mine.courseId);
}

/**
 * A conversation's messages: pages run from the newest (page 1) back in time, each page oldest
 * first, as a chat shows them; with `since`, the messages changed since then (an answer being
 * written changes until it is done), oldest change first.
 */
export async function conversationHistory(
  db: Db,
  viewer: Viewer,
  input: { id: string; page: number; limit: number; since: Date | null; now: Date },
): Promise<PageOrDelta<TutorMessage>> {
  await assertReadableConversation(db, viewer, input.id);
  if (input.since) {
    return deltaOf(
      db,
      { since: input.since, limit: input.limit, now: input.now },
      (window, take) =>
        db.tutorMessage.findMany({
          where: { conversationId: input.id, updatedAt: changedIn(window) },
          orderBy: [{ updatedAt: "asc" }, { id: "asc" }],
          take,
        }),
      toMessage,
      async () => [],
    );
  }
  const [rows, total] = await Promise.all([
    db.tutorMessage.findMany({
      where: { conversationId: input.id },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (input.page - 1) * input.limit,
      take: input.limit,
    }),
    db.tutorMessage.count({ where: { conversationId: input.id } }),
  ]);
  return { items: rows.reverse().map(toMessage), total };
}

/** Retry-After of a deletion refused while an answer is being written (an answer takes seconds). */
const ANSWERING_RETRY_SECONDS = 10;

/**
 * Deletes the caller's conversation and its messages (today's message count is kept). Refused 409
 * TUTOR_CONVERSATION_ANSWERING while one of its answers is still pending: that answer holds one of
 * the learner's places in flight and its job is paid for; it is settled (written, failed and given
 * back, or stopped once nobody listens) before it can go. Under the learner's tutor lock, so no
 * question slips into the conversation between the check and the deletion.
 */
export async function deleteConversation(db: Db, viewer: Viewer, id: string): Promise<void> {
  await db.$transaction(async (tx) => {
    await lockLearnerTutor(tx, viewer.userId);
    const pending = await tx.tutorMessage.count({
      where: { conversationId: id, role: "assistant", status: "streaming", conversation: { userId: viewer.userId } },
    });
    if (pending > 0) {
      throw new AppError("TUTOR_CONVERSATION_ANSWERING", { retryAfterSeconds: ANSWERING_RETRY_SECONDS });
    }
    const deleted = await tx.tutorConversation.deleteMany({ where: { id, userId: viewer.userId } });
    if (deleted.count === 0) throw new AppError("NOT_FOUND");
    await recordTombstone(tx, { entity: CONVERSATION_ENTITY, entityId: id, userId: viewer.userId });
  });
}
