/**
 * A tutor answer left waiting with no job behind it (Redis went away between the question's commit
 * and its job, or lost the queue) holds one of the learner's pending answers and the message they
 * paid for. A maintenance schedule settles those after a grace period that covers the commit-to-job
 * gap: one a client still listens to is queued again (its job id is the answer's, so at most once);
 * one nobody listens to is failed and its message given back. Queued again, it would be stopped as
 * abandoned at once, or kept half-written and charged. A job that failed for good without failing
 * its answer is settled the same way. Only the run that moves an answer out of `streaming` refunds.
 */
import { jobState } from "../jobs/enqueue.ts";
import { failTutorAnswer } from "./answer-failure.ts";
import { someoneListens } from "./answer-stream.ts";
import { enqueueAnswer, type TutorDeps } from "./ask.ts";

/** An answer is looked at once this old: its question's request has long queued its job. */
export const LOST_ANSWER_GRACE_MS = 2 * 60_000;
const PAGE = 200;

export async function settleLostTutorAnswers(
  deps: Pick<TutorDeps, "db" | "redis" | "logger" | "config" | "tutorOverage">,
  now = new Date(),
  graceMs = LOST_ANSWER_GRACE_MS,
): Promise<{ requeued: number; failed: number }> {
  const before = new Date(now.getTime() - graceMs);
  let requeued = 0;
  let failed = 0;
  let after: { createdAt: Date; id: string } | null = null;
  for (;;) {
    const page: { id: string; createdAt: Date }[] = await deps.db.tutorMessage.findMany({
      where: {
        role: "assistant",
        status: "streaming",
        createdAt: { lt: before },
        ...(after
          ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] }
          : {}),
      },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true, createdAt: true },
      take: PAGE,
    });
    for (const answer of page) {
      const state = await jobState(deps, "tutor-answer", `tutor-answer-${answer.id}`);
      if (state !== "missing" && state !== "failed") continue; // waiting, delayed or running: its job speaks
      if (state === "missing" && (await someoneListens(deps.redis, answer.id))) {
        await enqueueAnswer(deps, answer.id);
        requeued += 1;
      } else if (await failTutorAnswer(deps, answer.id, { attempts: 0, model: null })) {
        failed += 1;
      }
    }
    const last = page.at(-1);
    if (page.length < PAGE || !last) break;
    after = last;
  }
  if (requeued || failed) deps.logger.warn({ requeued, failed }, "lost tutor answers settled");
  return { requeued, failed };
}
