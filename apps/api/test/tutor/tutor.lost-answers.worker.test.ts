/**
 * Tutor answers whose job was lost (Redis lost it after the question was stored), settled by the
 * worker's own schedule through the real API, PostgreSQL, Redis and BullMQ workers: one nobody
 * listens to is failed and its message given back, freeing its place among the learner's pending
 * answers; one a client still listens to is queued again and answered; one whose job still waits
 * is left alone. A second run changes nothing.
 */
import { randomUUID } from "node:crypto";
import { enqueue, LOST_ANSWER_GRACE_MS } from "@sira/domain";
import { getQueue } from "@sira/infra";
import type { Worker } from "bullmq";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { indexMarketText } from "../../../../packages/domain/test/content/fixtures.ts";
import { processors } from "../../../worker/src/processors.ts";
import { startWorkers, stopWorkers } from "../../../worker/src/workers.ts";
import { closeTestDeps, enrolledLearnerWorld, jsonSender, SseReader, testApp } from "../helpers.ts";
import { callerAs } from "../trpc-caller.ts";
import { until } from "../workers.ts";
import { answerText, doneOf } from "./client.ts";

const ABANDON_MS = 400;
const { app, deps } = testApp({
  SSE_COALESCE_MS: "0",
  TUTOR_ABANDON_AFTER_MS: String(ABANDON_MS),
  TUTOR_MAX_ANSWERS_IN_FLIGHT: "2",
});
const send = jsonSender(app, "tutor-lost");
const world = enrolledLearnerWorld(deps);
const tutorQueue = () => getQueue("tutor", { prefix: deps.config.QUEUE_PREFIX });
const maintenance = () => getQueue("maintenance", { prefix: deps.config.QUEUE_PREFIX });
let workers: Worker[] = [];

/** Starts the worker's processors for `queues` (none run before: each answer's job waits). */
function startQueues(...queues: string[]): void {
  const all = processors({ ...deps });
  workers = startWorkers(Object.fromEntries(queues.map((q) => [q, all[q as keyof typeof all]])), {
    prefix: deps.config.QUEUE_PREFIX,
    redisUrl: deps.config.REDIS_URL,
    logger: deps.logger,
  });
}

beforeEach(async () => {
  await tutorQueue().obliterate({ force: true });
  await maintenance().obliterate({ force: true });
  await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
});
afterEach(async () => {
  await stopWorkers(workers, 5_000);
  workers = [];
});
afterAll(closeTestDeps);

const question = (message: string) => ({ course_id: world.course.courseId, message });
const jobId = (answerId: string) => `tutor-answer-${answerId}`;
const status = async (answerId: string) =>
  (await deps.db.tutorMessage.findUniqueOrThrow({ where: { id: answerId } })).status;

async function used(): Promise<number> {
  return ((await (await send(world.learner, "GET", "/api/v1/tutor/remaining")).json()) as { used: number }).used;
}

/** Redis loses the answer's job, and the grace period passes. */
async function lost(answerId: string): Promise<void> {
  await tutorQueue().remove(jobId(answerId));
  await aged(answerId);
}

async function aged(answerId: string): Promise<void> {
  await deps.db.tutorMessage.update({
    where: { id: answerId },
    data: { createdAt: new Date(Date.now() - LOST_ANSWER_GRACE_MS - 60_000) },
  });
}

/** One run of the scheduled job on the running maintenance worker; its report. */
async function settle(): Promise<unknown> {
  const { jobId: id } = await enqueue(deps, "settle-lost-tutor-answers", {}, `settle-${randomUUID()}`);
  const job = await until(
    () => maintenance().getJob(id),
    (j) => Boolean(j?.finishedOn),
  );
  expect(job?.failedReason).toBeUndefined();
  return job?.returnvalue;
}

describe("a tutor answer whose job was lost", () => {
  it("is failed and given back when nobody listens, freeing its place; a job still waiting is left alone", async () => {
    const caller = await callerAs(deps, world.learner);
    const waiting = await caller.tutor.ask(question("Qu'est-ce que le prix d'équilibre ?"));
    const orphan = await caller.tutor.ask(question("Que se passe-t-il quand la demande augmente ?"));
    await lost(orphan.answer_id);
    await aged(waiting.answer_id);
    await expect(caller.tutor.ask(question("Et quand l'offre augmente ?"))).rejects.toMatchObject({
      cause: { code: "TUTOR_ANSWERS_PENDING" },
    });
    expect(await used()).toBe(2);
    await new Promise((r) => setTimeout(r, ABANDON_MS * 2)); // the asker's listening mark lapses

    startQueues("maintenance");
    expect(await settle()).toEqual({ requeued: 0, failed: 1 });
    expect(await status(orphan.answer_id)).toBe("failed");
    expect(await status(waiting.answer_id)).toBe("streaming");
    expect(await tutorQueue().getJobState(jobId(waiting.answer_id))).toBe("waiting");
    expect(await used()).toBe(1);
    const usage = await deps.db.usageEvent.findMany({ where: { userId: world.learner.userId, kind: "tutor_message" } });
    expect(usage.map((u) => u.metadata)).toEqual([
      expect.objectContaining({ answer_id: orphan.answer_id, status: "failed" }),
    ]);
    const replay = await send(world.learner, "GET", `/api/v1/tutor/answers/${orphan.answer_id}/stream`);
    expect((await new SseReader(replay.body).rest()).at(-1)).toMatchObject({
      event: "error",
      data: { code: "GENERATION_FAILED" },
    });

    // Settled once: a second run gives nothing back twice.
    expect(await settle()).toEqual({ requeued: 0, failed: 0 });
    expect(await used()).toBe(1);
    await expect(caller.tutor.ask(question("Et quand l'offre augmente ?"))).resolves.toMatchObject({
      replayed: false,
    });
  });

  it("is queued again and answered when a client still listens", async () => {
    const caller = await callerAs(deps, world.learner);
    const turn = await caller.tutor.ask(question("Qu'est-ce que le prix d'équilibre ?"));
    const stream = new SseReader((await send(world.learner, "GET", turn.stream_url)).body);
    await stream.until((f) => f.event === "meta");
    // The stream looks for the answer's job once, as it starts tailing: the job is lost after that.
    await new Promise((r) => setTimeout(r, 1_000));
    await lost(turn.answer_id);
    await new Promise((r) => setTimeout(r, ABANDON_MS * 2)); // the open stream keeps its mark alive

    expect(await tutorQueue().getJobState(jobId(turn.answer_id))).toBe("unknown");
    startQueues("maintenance", "tutor");
    expect(await settle()).toEqual({ requeued: 1, failed: 0 });
    const frames = await stream.rest();
    expect(doneOf(frames)?.status).toBe("complete");
    expect(answerText(frames)).toContain("la quantité offerte est égale à la quantité demandée");
    expect(await status(turn.answer_id)).toBe("complete");
    expect(await used()).toBe(1);
  });
});
