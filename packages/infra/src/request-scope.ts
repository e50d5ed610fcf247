/**
 * The request a piece of work belongs to, carried through its async calls. The API opens a scope
 * for each request; a job enqueued inside it takes the request id along in its data
 * (`enqueueOnce`); the worker opens the scope again while that job runs, and every line the
 * process logger writes meanwhile carries `request_id`, so one id finds the request and its jobs.
 */
import { AsyncLocalStorage } from "node:async_hooks";

interface RequestScope {
  requestId: string;
  /** `{ request_id }` when the process logger should add it to each line (the worker's jobs). */
  logFields: { request_id: string } | undefined;
}

const scope = new AsyncLocalStorage<RequestScope>();
const NO_FIELDS = Object.freeze({});

/**
 * Runs `work` as part of request `requestId`. With `inLogs` the logger adds the id to every line
 * (the API's request logger already binds it, so the API leaves it off and no line names it twice).
 */
export function withRequestId<T>(requestId: string, work: () => T, options: { inLogs?: boolean } = {}): T {
  return scope.run({ requestId, logFields: options.inLogs ? { request_id: requestId } : undefined }, work);
}

/**
 * Runs `work` outside any request: for clients and loops a request or job happens to create first
 * but that outlive it (a connection's later events must not name that request).
 */
export function outsideRequestScope<T>(work: () => T): T {
  return scope.exit(work);
}

/** The request the running code belongs to, if any. */
export function currentRequestId(): string | undefined {
  return scope.getStore()?.requestId;
}

/**
 * Pino options adding `{ request_id }` to each line written inside a job a request enqueued. Pino's
 * own merge copies every line's fields into the mixin's object; this one returns the line as it is
 * when there is nothing to add, so a line outside a job costs one lookup and no allocation.
 */
export const requestLogMixin = {
  mixin: (): object => scope.getStore()?.logFields ?? NO_FIELDS,
  mixinMergeStrategy: (line: object, fields: object): object => (fields === NO_FIELDS ? line : { ...fields, ...line }),
};

/** Where a job's data keeps the id of the request that enqueued it (no payload schema has the key). */
export const JOB_REQUEST_ID = "requestId";

/** `data` with the current request's id, when there is one and the data is an object. */
export function withJobRequestId<T>(data: T): T {
  const requestId = currentRequestId();
  if (!requestId || typeof data !== "object" || data === null || Array.isArray(data)) return data;
  return { ...data, [JOB_REQUEST_ID]: requestId };
}

/** The id of the request that enqueued a job, from its data. */
export function jobRequestId(data: unknown): string | undefined {
  const value = (data as Record<string, unknown> | null | undefined)?.[JOB_REQUEST_ID];
  return typeof value === "string" ? value : undefined;
}
