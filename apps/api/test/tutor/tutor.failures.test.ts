/**
 * A tutor answer whose job fails outside the model call (here the embedder, during retrieval),
 * through the real API, PostgreSQL, Redis and the worker's own processor run on the queued job:
 * an attempt that will be retried changes nothing; the job's last attempt fails the answer, gives
 * the message back once (the day's count, or the credits paid) and ends its stream with an error.
 * A job that failed for good without failing its answer is caught up when a client reconnects.
 */
import { createRetriever, type Embedder } from "@sira/ai";
import { createQueueRedis, getQueue } from "@sira/infra";
import { type Job, type Processor, UnrecoverableError, Worker } from "bullmq";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { indexMarketText } from "../../../../packages/domain/test/content/fixtures.ts";
import { processors } from "../../../worker/src/processors.ts";
import { closeTestDeps, enrolledLearnerWorld, jsonSender, type SignedIn, SseReader, testApp } from "../helpers.ts";
import { buyCredits, moneyWorld } from "../money/world.ts";
import { type Meta, post } from "./client.ts";
import { expectPaidMessageGivenBack } from "./refund.ts";

const { app, deps } = testApp({ SSE_COALESCE_MS: "0" });
const send = jsonSender(app, "tutor-failures");
const world = enrolledLearnerWorld(deps);
const queue = () => getQueue("tutor", { prefix: deps.config.QUEUE_PREFIX });

/** The embedding service refusing every request. */
const downEmbedder: Embedder = {
  model: deps.ai.embedder.model,
  dimensions: deps.ai.embedder.dimensions,
  embed: async () => {
    throw new Error("embedding service unavailable");
  },
};
const ai = { ...deps.ai, embedder: downEmbedder, retriever: createRetriever(deps.db, downEmbedder) };
const failing = processors({ ...deps, ai }).tutor as Processor;
const working = processors({ ...deps }).tutor as Processor;

beforeEach(async () => {
  // No worker runs here: each job waits in the queue until the test runs it.
  await queue().obliterate({ force: true });
  await indexMarketText(deps.db, deps.ai.embedder, world.course.courseId);
});
afterAll(closeTestDeps);

const question = (message: string) => ({ course_id: world.course.courseId, message });

/** Asks over the API; the open answer stream and its queued job. */
async function asked(message = "Qu'est-ce que le prix d'équilibre ?") {
  const res = await post(app, world.learner, question(message));
  expect(res.status).toBe(200);
  const stream = new SseReader(res.body);
  const meta = (await stream.until((f) => f.event === "meta")).data as Meta;
  const job = await queue().getJob(`tutor-answer-${meta.answer_id}`);
  if (!job) throw new Error("the answer's job was not queued");
  return { meta, stream, job };
}

/** Runs the job's attempt number `attempt` (1-based) on `processor`, as BullMQ would. */
function runAttempt(processor: Processor, job: Job, attempt: number): Promise<unknown> {
  job.attemptsMade = attempt - 1;
  return processor(job);
}

async function used(user: SignedIn = world.learner): Promise<number> {
  const res = await send(user, "GET", "/api/v1/tutor/remaining");
  expect(res.status).toBe(200);
  return ((await res.json()) as { used: number }).used;
}

const answerStatus = async (answerId: string) =>
  (await deps.db.tutorMessage.findUniqueOrThrow({ where: { id: answerId } })).status;

describe("a tutor answer failing outside the model call", () => {
  it("is failed on the job's last attempt: the message comes back once and the stream ends with an error", async () => {
    const other = await asked("Que se passe-t-il quand la demande augmente ?");
    const { meta, stream, job } = await asked();
    expect(await used()).toBe(2);
    expect(job.opts.attempts).toBe(5);

    await expect(runAttempt(failing, job, 5)).rejects.toThrow("embedding service unavailable");
    expect(await answerStatus(meta.answer_id)).toBe("failed");
    expect(await used()).toBe(1);
    const frames = await stream.rest();
    expect(frames.at(-1)).toMatchObject({ event: "error", data: { code: "GENERATION_FAILED" } });

    // The job run again (e.g. found stalled) finds the answer settled and gives nothing back twice.
    await runAttempt(failing, job, 5);
    expect(await used()).toBe(1);
    const usage = await deps.db.usageEvent.findMany({ where: { userId: world.learner.userId, kind: "tutor_message" } });
    expect(usage.map((u) => u.metadata)).toEqual([
      expect.objectContaining({ answer_id: meta.answer_id, status: "failed" }),
    ]);
    expect(await answerStatus(other.meta.answer_id)).toBe("streaming");

    const replay = await send(world.learner, "GET", `/api/v1/tutor/answers/${meta.answer_id}/stream`);
    expect((await new SseReader(replay.body).rest()).at(-1)).toMatchObject({
      event: "error",
      data: { code: "GENERATION_FAILED" },
    });
  });

  it("changes nothing on an attempt that will be retried, and a retry that succeeds is not refunded", async () => {
    const { meta, stream, job } = await asked();
    await expect(runAttempt(failing, job, 1)).rejects.toThrow("embedding service unavailable");
    expect(await answerStatus(meta.answer_id)).toBe("streaming");
    expect(await used()).toBe(1);

    await runAttempt(working, job, 2);
    expect(await answerStatus(meta.answer_id)).toBe("complete");
    expect(await used()).toBe(1);
    const frames = await stream.rest();
    expect(frames.at(-1)?.event).toBe("done");
    expect(frames.some((f) => f.event === "error")).toBe(false);
  });

  it("gives a paid message its credits back when the job's last attempt fails", async () => {
    const money = await moneyWorld(deps, send);
    await send(money.admin, "PUT", "/api/v1/admin/settings/tutor.free_daily_messages", { value: 0 });
    await send(world.learner, "PUT", "/api/v1/tutor/payment", { pay_beyond_limit: true });
    await buyCredits(deps, send, world.learner, money.packageId);
    const { meta, job } = await asked();
    await expect(runAttempt(failing, job, 5)).rejects.toThrow();
    await runAttempt(failing, job, 5);

    expect(await answerStatus(meta.answer_id)).toBe("failed");
    await expectPaidMessageGivenBack(deps, send, world.learner, 1100);
  });

  it("fails an answer whose job failed for good without failing it when a client reconnects", async () => {
    const { meta, stream, job } = await asked();
    // The job fails for good while its own failure path cannot run (as before this path existed).
    const worker = new Worker("tutor", null, {
      connection: createQueueRedis(deps.config.REDIS_URL),
      prefix: deps.config.QUEUE_PREFIX,
    });
    try {
      const token = "failure-not-recorded";
      const taken = await worker.getNextJob(token);
      expect(taken?.id).toBe(job.id);
      await taken?.moveToFailed(new UnrecoverableError("the failure was not recorded"), token);
    } finally {
      await worker.close();
    }
    expect(await queue().getJobState(job.id as string)).toBe("failed");
    expect(await answerStatus(meta.answer_id)).toBe("streaming");

    const reconnect = await send(world.learner, "GET", `/api/v1/tutor/answers/${meta.answer_id}/stream`);
    expect((await new SseReader(reconnect.body).rest()).at(-1)).toMatchObject({
      event: "error",
      data: { code: "GENERATION_FAILED" },
    });
    expect(await answerStatus(meta.answer_id)).toBe("failed");
    expect(await used()).toBe(0);
    expect((await stream.rest()).at(-1)).toMatchObject({ event: "error", data: { code: "GENERATION_FAILED" } });
  });
});
