import { Worker } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { closeQueues, defaultJobOptions, enqueueOnce, getQueue, jobIdFor } from "../src/queues.ts";
import { createQueueRedis } from "../src/redis.ts";

afterAll(() => closeQueues());

/** Runs the maintenance queue's waiting job once on a worker that fails it (one attempt: for good). */
async function failOnce(): Promise<void> {
  const worker = new Worker(
    "maintenance",
    async () => {
      throw new Error("provider down");
    },
    { connection: createQueueRedis(), prefix: loadConfig().QUEUE_PREFIX },
  );
  await new Promise<void>((resolve) => worker.on("failed", () => resolve()));
  await worker.close();
}

describe("job ids", () => {
  it("are deterministic, and never contain the ':' BullMQ refuses", () => {
    expect(jobIdFor("index", "course:1", 42)).toBe("index-course_1-42");
    expect(jobIdFor("index", "a", "b")).toBe(jobIdFor("index", "a", "b"));
  });

  it("refuse ids made only of digits, which BullMQ reserves", () => {
    expect(() => jobIdFor("12", 3)).not.toThrow();
    expect(() => jobIdFor("123")).toThrow(/digits/);
  });
});

describe("queues", () => {
  it("retry with exponential backoff and trim finished jobs", () => {
    expect(defaultJobOptions.attempts).toBeGreaterThan(1);
    expect(defaultJobOptions.backoff).toMatchObject({ type: "exponential" });
    expect(defaultJobOptions.removeOnComplete).toBeTruthy();
  });

  it("hold one job for work enqueued twice under the same id", async () => {
    const queue = getQueue("maintenance");
    await queue.obliterate({ force: true });
    const id = jobIdFor("purge-expired", "twice");
    const a = await queue.add("purge-expired", { n: 1 }, { jobId: id });
    const b = await queue.add("purge-expired", { n: 2 }, { jobId: id });
    expect(b.id).toBe(a.id);
    expect(await queue.getJobCounts("waiting")).toEqual({ waiting: 1 });
    const job = await queue.getJob(id);
    expect(job?.data).toEqual({ n: 1 });
    expect(job?.opts.attempts).toBe(defaultJobOptions.attempts);
    await queue.obliterate({ force: true });
  });

  it("retry work whose job failed for good instead of ignoring it, and leave queued work alone", async () => {
    const queue = getQueue("maintenance");
    await queue.obliterate({ force: true });
    const id = jobIdFor("purge-expired", "flaky");
    const first = await enqueueOnce(queue, "purge-expired", {}, id, { attempts: 1 });
    expect(first.outcome).toBe("added");
    expect((await enqueueOnce(queue, "purge-expired", {}, id)).outcome).toBe("existing");

    await failOnce();
    expect(await first.job.getState()).toBe("failed");

    const again = await enqueueOnce(queue, "purge-expired", {}, id);
    expect(again.outcome).toBe("retried");
    expect(await queue.getJobState(id)).toBe("waiting");
    await queue.obliterate({ force: true });
  });

  it("give a failed job's new run all its attempts, with the data asked for now", async () => {
    const queue = getQueue("maintenance");
    await queue.obliterate({ force: true });
    const id = jobIdFor("purge-expired", "attempts");
    const options = { attempts: 3, backoff: { type: "fixed", delay: 10 } };
    await enqueueOnce(queue, "purge-expired", { run: 1 }, id, options);
    const runs: unknown[] = [];
    let failedForGood: () => void = () => undefined;
    const worker = new Worker(
      "maintenance",
      async (job) => {
        runs.push(job.data.run);
        throw new Error("provider down");
      },
      { connection: createQueueRedis(), prefix: loadConfig().QUEUE_PREFIX },
    );
    worker.on("failed", (job) => {
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) failedForGood();
    });
    const untilFailedForGood = () => new Promise<void>((resolve) => (failedForGood = resolve));
    await untilFailedForGood();
    expect(runs).toEqual([1, 1, 1]);

    const again = untilFailedForGood();
    expect((await enqueueOnce(queue, "purge-expired", { run: 2 }, id, options)).outcome).toBe("retried");
    await again;
    await worker.close();
    expect(runs).toEqual([1, 1, 1, 2, 2, 2]);
    await queue.obliterate({ force: true });
  });

  it("treat a retry lost to a concurrent one as the existing job, never an error", async () => {
    const queue = getQueue("maintenance");
    await queue.obliterate({ force: true });
    const id = jobIdFor("purge-expired", "race");
    await enqueueOnce(queue, "purge-expired", {}, id, { attempts: 1 });
    await failOnce();

    const outcomes = await Promise.all([
      enqueueOnce(queue, "purge-expired", {}, id),
      enqueueOnce(queue, "purge-expired", {}, id),
      enqueueOnce(queue, "purge-expired", {}, id),
    ]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(["existing", "existing", "retried"]);
    expect(await queue.getJobState(id)).toBe("waiting");
    await queue.obliterate({ force: true });
  });

  it("retry only the failure the caller read, not one that came since", async () => {
    const queue = getQueue("maintenance");
    await queue.obliterate({ force: true });
    const id = jobIdFor("purge-expired", "read-failure");
    await enqueueOnce(queue, "purge-expired", {}, id, { attempts: 1 });
    await failOnce();
    const job = await queue.getJob(id);
    const failedAt = job?.finishedOn ?? job?.timestamp ?? 0;

    // One read no failure, one read an earlier one: both find a newer failure, left as it is.
    expect((await enqueueOnce(queue, "purge-expired", {}, id, {}, null)).outcome).toBe("existing");
    expect((await enqueueOnce(queue, "purge-expired", {}, id, {}, failedAt - 1_000)).outcome).toBe("existing");
    expect(await queue.getJobState(id)).toBe("failed");
    expect((await enqueueOnce(queue, "purge-expired", {}, id, {}, failedAt)).outcome).toBe("retried");
    expect(await queue.getJobState(id)).toBe("waiting");
    await queue.obliterate({ force: true });
  });

  it("are created once per process and name", () => {
    expect(getQueue("maintenance")).toBe(getQueue("maintenance"));
  });
});
