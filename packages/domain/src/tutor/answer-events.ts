/**
 * A tutor answer as typed events for the API to frame (SSE): a stored answer replays; one being
 * written is tailed from its Redis stream. A new attempt of the answer (a provider error retried
 * on the server, or a leak replaced) restarts the text; a client resuming into a later attempt
 * restarts too, since its offset may point into an earlier attempt's text.
 */
import { AppError, type TutorCitation } from "@sira/contracts";
import type { Viewer } from "../access/actor.ts";
import { assertCanReadCourse } from "../access/course-access.ts";
import { tailGeneration } from "../content/generation-stream.ts";
import { jobState } from "../jobs/enqueue.ts";
import { failTutorAnswer } from "./answer-failure.ts";
import { answerStreamKey, markListening, type TutorEntry } from "./answer-stream.ts";
import { enqueueAnswer, type TutorDeps } from "./ask.ts";

export type TutorEvent =
  | { type: "text"; text: string }
  /** The text so far is void: a new attempt of the answer follows from its start. */
  | { type: "restart" }
  | { type: "sources"; sources: TutorCitation[] }
  | { type: "done"; status: "complete" | "incomplete" }
  /** Nothing new for the idle timeout (the answer may be queued behind others): come back later. */
  | { type: "later" };

export interface AnswerRef {
  answerId: string;
  messageId: string;
  conversationId: string;
}

export interface TailOptions {
  /** The client already holds this many characters (Last-Event-ID). */
  resumeOffset: number;
  idleTimeoutMs?: number;
}

type StoredAnswer = { status: string; content: string; sourcesCited: unknown };

function* replayStored(answer: StoredAnswer): Generator<TutorEvent> {
  if (answer.status === "failed") throw new AppError("GENERATION_FAILED");
  if (answer.content) yield { type: "text", text: answer.content };
  yield { type: "sources", sources: answer.sourcesCited as TutorCitation[] };
  yield { type: "done", status: answer.status === "incomplete" ? "incomplete" : "complete" };
}

/** The learner's own answer (404 for anyone else's), while they may read its course (403/404 after). */
export async function findOwnAnswer(deps: Pick<TutorDeps, "db">, viewer: Viewer, answerId: string): Promise<AnswerRef> {
  const answer = await deps.db.tutorMessage.findFirst({
    where: { id: answerId, role: "assistant", conversation: { userId: viewer.userId } },
    select: { id: true, conversationId: true, replyToId: true, conversation: { select: { courseId: true } } },
  });
  if (!answer?.replyToId) throw new AppError("NOT_FOUND");
  await assertCanReadCourse(deps.db, viewer, answer.conversation.courseId);
  return { answerId: answer.id, messageId: answer.replyToId, conversationId: answer.conversationId };
}

/**
 * Whether a stored answer is the text of the run its stream still holds, and that run was the first:
 * then a client's offset points into the stored text. An answer written again by a later attempt,
 * or whose stream has expired (nobody can tell), restarts a resuming client from the start.
 */
async function writtenByFirstRun(redis: TutorDeps["redis"], answerId: string): Promise<boolean> {
  try {
    const [first] = await redis.xrange(answerStreamKey(answerId), "-", "+", "COUNT", 1);
    const entry = first ? (JSON.parse(first[1][1] ?? "null") as TutorEntry | null) : null;
    return entry?.type === "start" && (entry.attempt ?? 1) === 1;
  } catch {
    return false;
  }
}

async function loadAnswer(deps: Pick<TutorDeps, "db">, answerId: string): Promise<StoredAnswer | null> {
  return deps.db.tutorMessage.findUnique({
    where: { id: answerId },
    select: { status: true, content: true, sourcesCited: true },
  });
}

/** The answer's events, from a stored answer or the live stream. */
export async function* answerEvents(
  deps: TutorDeps,
  answerId: string,
  signal: AbortSignal,
  options: TailOptions,
): AsyncGenerator<TutorEvent> {
  const stored = await loadAnswer(deps, answerId);
  if (!stored) throw new AppError("NOT_FOUND");
  if (stored.status !== "streaming") {
    const resumable = options.resumeOffset === 0 || (await writtenByFirstRun(deps.redis, answerId));
    if (stored.status !== "failed" && !resumable) yield { type: "restart" };
    yield* replayStored(stored);
    return;
  }
  const state = await jobState(deps, "tutor-answer", `tutor-answer-${answerId}`);
  // The job may have been lost (e.g. Redis was down when the question was stored): queue it again.
  if (state === "missing") await enqueueAnswer(deps, answerId);
  // It failed for good without failing the answer (its failure could not be recorded): fail it now.
  if (state === "failed" && (await failTutorAnswer(deps, answerId, { attempts: 0, model: null }))) {
    throw new AppError("GENERATION_FAILED");
  }
  const listenMs = deps.config.TUTOR_ABANDON_AFTER_MS;
  let finished: StoredAnswer | null = null;
  const entries = tailGeneration<TutorEntry>(deps.redis, answerStreamKey(answerId), {
    signal,
    ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    onTick: () => void markListening(deps.redis, answerId, listenMs),
    tickMs: Math.max(50, Math.floor(listenMs / 3)),
    // The stream may be gone (expired after the answer was stored): the stored answer then speaks.
    checkFinished: async () => {
      const answer = await loadAnswer(deps, answerId);
      if (!answer || answer.status === "streaming") return null;
      finished = answer;
      return { type: "done", status: "complete", sources: [] };
    },
  });
  let run: string | null = null;
  let sent = 0;
  for await (const entry of entries) {
    if (finished) {
      // Text was sent from a stream now gone, or the client resumes into a stream it never showed.
      if (sent > 0 || (run === null && options.resumeOffset > 0)) yield { type: "restart" };
      yield* replayStored(finished);
      return;
    }
    switch (entry.type) {
      case "start": {
        const resumingLater = run === null && options.resumeOffset > 0 && (entry.attempt ?? 1) > 1;
        const newRun = run !== null && run !== entry.run && (sent > 0 || options.resumeOffset > 0);
        if (newRun || resumingLater) yield { type: "restart" };
        if (run !== entry.run) sent = 0;
        run = entry.run;
        break;
      }
      case "delta":
        sent += entry.text.length;
        yield { type: "text", text: entry.text };
        break;
      case "error":
        throw new AppError(entry.code);
      case "idle":
        yield { type: "later" };
        return;
      case "done":
        yield { type: "sources", sources: entry.sources };
        yield { type: "done", status: entry.status };
        return;
    }
  }
}
