/**
 * The one description of the request a domain call comes from: who sent it, from where, and when.
 * The API builds it once per request (REST and tRPC alike); a domain function asks only for the
 * fields it reads, as a `Pick` of this type.
 */
export interface RequestMeta {
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
  /** The server's clock when the request was handled: audit rows, token lifetimes, code checks. */
  now: Date;
  /** When the caller really did it: `offlineQueuedAt` when the request carried one, else `now`. */
  occurredAt: Date;
  /** The bounded `X-Offline-Queued-At` of a request replayed from a phone's offline queue. */
  offlineQueuedAt: Date | null;
}

/** What an audit row records of the request behind a change. */
export type AuditMeta = Pick<RequestMeta, "requestId" | "ip" | "now">;
