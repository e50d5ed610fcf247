/** Failures that retrying cannot mend end the job at once instead of using up its attempts. */
import { type Job, UnrecoverableError } from "bullmq";

/** Runs `work`; an error `isPermanent` accepts (a 4xx domain refusal) fails the job without retries. */
export async function failFast<T>(work: () => Promise<T>, isPermanent: (error: unknown) => boolean): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isPermanent(error)) throw new UnrecoverableError((error as Error).message);
    throw error;
  }
}

/** A job name the queue does not serve: a producer bug, not worth a retry. */
export function unknownJob(queue: string, job: Job): never {
  throw new UnrecoverableError(`unknown ${queue} job ${job.name}`);
}
