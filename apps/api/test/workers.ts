/** The worker's real processors run in the test process, on the test's dependencies. */
import { closeQueues } from "@sira/infra";
import type { Worker } from "bullmq";
import { processors } from "../../worker/src/processors.ts";
import { startWorkers, stopWorkers } from "../../worker/src/workers.ts";
import type { AppDeps } from "../src/app-types.ts";

export interface TestWorkers {
  workers: Worker[];
  /** Lets running jobs finish (up to 5 s), then closes the workers and the queues. */
  stop(): Promise<void>;
}

export function startTestWorkers(deps: AppDeps): TestWorkers {
  const workers = startWorkers(processors({ ...deps }), {
    prefix: deps.config.QUEUE_PREFIX,
    redisUrl: deps.config.REDIS_URL,
    logger: deps.logger,
  });
  return {
    workers,
    stop: async () => {
      await stopWorkers(workers, 5_000);
      await closeQueues();
    },
  };
}

/** Reads until `ok` holds, 50 ms apart, at most `tries` times; returns the last value either way. */
export async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, tries = 300): Promise<T> {
  let value = await read();
  for (let i = 0; i < tries && !ok(value); i++) {
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  return value;
}
