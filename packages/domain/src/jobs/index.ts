/** Background jobs: the registry, producing them, and the rule for failures. */
export { assertCanEnqueue, enqueue, jobState, type QueueDeps } from "./enqueue.ts";
export { isPermanentJobFailure, PermanentJobError } from "./failures.ts";
export { isJobName, JOBS, type JobName, type JobPayload, parseJobPayload, registeredQueues } from "./registry.ts";
