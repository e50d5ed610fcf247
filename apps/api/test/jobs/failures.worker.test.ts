/**
 * The one failure rule on a real BullMQ worker and Redis: a job whose payload does not match the
 * registry, a domain refusal or a missing row fails at its first attempt; a provider or network
 * failure is retried with backoff; a job the queue does not serve is refused.
 */
import { AppError } from "@sira/contracts";
import { enqueue, isPermanentJobFailure, type JobName, PermanentJobError } from "@sira/domain";
import { closeQueues, createLogger, getQueue, jobIdFor, loadConfig } from "@sira/infra";
import { Prisma } from "@sira/infra/db";
import type { Job, Worker } from "bullmq";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { dispatchJobs, type JobContext, type JobHandlers } from "../../../worker/src/dispatch.ts";
import { startWorkers, stopWorkers } from "../../../worker/src/workers.ts";

const config = loadConfig();
const deps = { config };
const PROPOSAL = "0b0c4c56-8a8e-4f43-9a52-8d3c6a1d2f10";

/** What the structure handler does on each attempt, in order; the calls it received. */
let script: (() => Promise<unknown>)[] = [];
const received: { data: unknown; context: JobContext }[] = [];

function unused(name: JobName) {
  return async () => {
    throw new Error(`${name} is not part of this test`);
  };
}

const handlers: JobHandlers = {
  "index-resource": unused("index-resource"),
  "extract-images": unused("extract-images"),
  generate: unused("generate"),
  pregenerate: unused("pregenerate"),
  "generate-preassessment": unused("generate-preassessment"),
  "purge-expired": unused("purge-expired"),
  "cleanup-storage": unused("cleanup-storage"),
  "cleanup-rows": unused("cleanup-rows"),
  "cleanup-streams": unused("cleanup-streams"),
  "requeue-stalled-indexing": unused("requeue-stalled-indexing"),
  "settle-lost-tutor-answers": unused("settle-lost-tutor-answers"),
  "tutor-answer": unused("tutor-answer"),
  "tutor-memory": unused("tutor-memory"),
  "generate-audio": unused("generate-audio"),
  "subscription-schedule": unused("subscription-schedule"),
  "reconcile-ledger": unused("reconcile-ledger"),
  "usage-rollup": unused("usage-rollup"),
  "fit-fsrs-parameters": unused("fit-fsrs-parameters"),
  "calibrate-items": unused("calibrate-items"),
  "close-idle-quiz-attempts": unused("close-idle-quiz-attempts"),
  "top-up-quiz-bank": unused("top-up-quiz-bank"),
  "generate-image": unused("generate-image"),
  "summarize-media": unused("summarize-media"),
  "generate-structure": async (data, context) => {
    received.push({ data, context });
    const step = script.shift();
    if (!step) throw new Error("no step left");
    return step();
  },
};

const queue = () => getQueue("syllabus-generation", { prefix: config.QUEUE_PREFIX });
let workers: Worker[] = [];

beforeAll(() => {
  const { "syllabus-generation": structure } = dispatchJobs(handlers);
  workers = startWorkers(
    { "syllabus-generation": structure },
    { prefix: config.QUEUE_PREFIX, redisUrl: config.REDIS_URL, logger: createLogger("failures-test", "silent") },
  );
});
beforeEach(async () => {
  await queue().obliterate({ force: true });
  script = [];
  received.length = 0;
});
afterAll(async () => {
  await stopWorkers(workers, 5_000);
  await closeQueues();
});

/** The job once it has completed or failed for good. */
async function settled(id: string): Promise<Job> {
  for (let i = 0; i < 200; i += 1) {
    const job = await queue().getJob(id);
    const state = await job?.getState();
    // Read again once settled: the hash fetched above may predate the worker's last write.
    if (job && (state === "completed" || state === "failed")) {
      const fresh = await queue().getJob(id);
      if (fresh?.finishedOn) return fresh;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${id} never settled`);
}

async function structureJob(id: string, attempts = 3): Promise<Job> {
  await queue().add(
    "generate-structure",
    { proposalId: PROPOSAL },
    { jobId: id, attempts, backoff: { type: "fixed", delay: 20 } },
  );
  return settled(id);
}

describe("the failure rule", () => {
  it("classifies: schema, domain refusal, missing row and declared failures are permanent; the rest is retried", () => {
    const missingRow = new Prisma.PrismaClientKnownRequestError("No record was found for an update.", {
      code: "P2025",
      clientVersion: Prisma.prismaVersion.client,
    });
    const conflict = new Prisma.PrismaClientKnownRequestError("Unique constraint failed", {
      code: "P2002",
      clientVersion: Prisma.prismaVersion.client,
    });
    expect(isPermanentJobFailure(new ZodError([]))).toBe(true);
    expect(isPermanentJobFailure(new AppError("NO_INDEXED_CONTENT"))).toBe(true);
    expect(isPermanentJobFailure(new AppError("FILE_CORRUPT"))).toBe(true);
    expect(isPermanentJobFailure(missingRow)).toBe(true);
    expect(isPermanentJobFailure(new PermanentJobError("bad state"))).toBe(true);
    expect(isPermanentJobFailure(new AppError("GENERATION_FAILED"))).toBe(false);
    expect(isPermanentJobFailure(conflict)).toBe(false);
    expect(isPermanentJobFailure(new Error("connect ECONNREFUSED 127.0.0.1:5432"))).toBe(false);
  });

  it("refuses an invalid payload at the producer", async () => {
    await expect(
      enqueue(deps, "generate-structure", { proposalId: "not-a-uuid" }, jobIdFor("structure-test", "bad")),
    ).rejects.toBeInstanceOf(ZodError);
    expect(await queue().getJobCounts("waiting", "delayed")).toEqual({ waiting: 0, delayed: 0 });
  });

  it("fails a job whose data does not match its schema at the first attempt, without calling the handler", async () => {
    await queue().add("generate-structure", { proposalId: 42 }, { jobId: "structure-bad-data", attempts: 3 });
    const job = await settled("structure-bad-data");
    expect(await job.getState()).toBe("failed");
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/proposalId/);
    expect(received).toEqual([]);
  });

  it("fails a domain refusal and a missing row at the first attempt", async () => {
    script = [async () => Promise.reject(new AppError("NO_INDEXED_CONTENT"))];
    const refused = await structureJob("structure-refused");
    expect(await refused.getState()).toBe("failed");
    expect(refused.attemptsMade).toBe(1);

    script = [
      async () =>
        Promise.reject(
          new Prisma.PrismaClientKnownRequestError("No record was found for an update.", {
            code: "P2025",
            clientVersion: Prisma.prismaVersion.client,
          }),
        ),
    ];
    const missing = await structureJob("structure-missing");
    expect(await missing.getState()).toBe("failed");
    expect(missing.attemptsMade).toBe(1);
    expect(missing.failedReason).toContain("No record was found");
  });

  it("retries a provider or network failure with backoff, then succeeds; the handler knows its last attempt", async () => {
    script = [
      async () => Promise.reject(new AppError("GENERATION_FAILED")),
      async () => Promise.reject(new Error("read ECONNRESET")),
      async () => "proposed",
    ];
    const job = await structureJob("structure-flaky", 3);
    expect(await job.getState()).toBe("completed");
    expect(job.returnvalue).toBe("proposed");
    expect(job.attemptsMade).toBe(3);
    expect(received.map((r) => r.context.lastAttempt)).toEqual([false, false, true]);
    expect(received[0]?.data).toEqual({ proposalId: PROPOSAL });
  });

  it("gives up on a retryable failure after the last attempt", async () => {
    script = [async () => Promise.reject(new Error("read ECONNRESET")), async () => Promise.reject(new Error("again"))];
    const job = await structureJob("structure-down", 2);
    expect(await job.getState()).toBe("failed");
    expect(job.attemptsMade).toBe(2);
    expect(job.failedReason).toBe("again");
  });

  it("refuses a job name its queue does not serve", async () => {
    await queue().add("generate", { proposalId: PROPOSAL }, { jobId: "structure-wrong-name", attempts: 3 });
    const job = await settled("structure-wrong-name");
    expect(await job.getState()).toBe("failed");
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toBe("unknown syllabus-generation job generate");
    expect(received).toEqual([]);
  });
});
