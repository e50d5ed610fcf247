/**
 * Delta sync: deletions are remembered as tombstones so offline clients can drop what is gone, and
 * each answer's cursor (the next `?since=`) never passes a change it has not sent.
 */
import { TOMBSTONE_RETENTION_DAYS, type Tombstone } from "@sira/contracts";
import type { Tx } from "@sira/infra/db";

/** Records that a row a client may hold was deleted. Call it in the deleting transaction. */
export async function recordTombstone(
  tx: Tx,
  input: { entity: string; entityId: string; userId?: string | null; deletedAt?: Date },
): Promise<void> {
  await tx.syncTombstone.create({
    data: {
      entity: input.entity,
      entityId: input.entityId,
      userId: input.userId ?? null,
      ...(input.deletedAt ? { deletedAt: input.deletedAt } : {}),
    },
  });
}

/** Many deletions at once, in one statement. */
export async function recordTombstones(
  tx: Tx,
  inputs: { entity: string; entityId: string; userId?: string | null; deletedAt?: Date }[],
): Promise<void> {
  if (inputs.length === 0) return;
  await tx.syncTombstone.createMany({
    data: inputs.map((input) => ({
      entity: input.entity,
      entityId: input.entityId,
      userId: input.userId ?? null,
      ...(input.deletedAt ? { deletedAt: input.deletedAt } : {}),
    })),
  });
}

/** True when `since` predates the tombstones still kept: the client must resync from scratch. */
export function needsFullResync(since: Date, now = new Date()): boolean {
  return since.getTime() < now.getTime() - TOMBSTONE_RETENTION_DAYS * 86_400_000;
}

/**
 * Deletions of `entities` visible to `userId` (their own and global ones) after `since`, oldest
 * first, at most `limit` of them.
 */
export async function tombstonesSince(
  db: Tx,
  input: { entities: string[]; userId: string | null; since: Date; limit?: number },
): Promise<Tombstone[]> {
  const rows = await db.syncTombstone.findMany({
    where: {
      entity: { in: input.entities },
      deletedAt: { gte: input.since },
      OR: [{ userId: null }, ...(input.userId ? [{ userId: input.userId }] : [])],
    },
    orderBy: { deletedAt: "asc" },
    take: input.limit ?? 1_000,
    select: { entityId: true, entity: true, deletedAt: true },
  });
  return rows.map((r) => ({ id: r.entityId, entity: r.entity, deleted_at: r.deletedAt.toISOString() }));
}

/**
 * How far a delta read now may let its cursor go. A row is stamped when its transaction writes it
 * (PostgreSQL's `now()` is the transaction's start) but seen only once it commits, so a cursor at
 * the read's own time would skip rows that commit later with an earlier stamp. The horizon is the
 * start of the oldest transaction still open, or now: every row the read cannot see yet will be
 * stamped at or after it. Ask it before the read. Rows stamped by the API's clock (`@updatedAt`)
 * are covered up to CLOCK_SKEW_MS of drift between the API's and the database's clocks.
 */
export async function syncHorizon(db: Tx): Promise<Date> {
  const [row] = await db.$queryRaw<{ at: Date }[]>`
    SELECT least(statement_timestamp(), min(xact_start)) AS at
    FROM pg_stat_activity
    WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
      AND xact_start > statement_timestamp() - ${HORIZON_MAX_LAG}::interval`;
  return new Date((row?.at ?? new Date()).getTime() - CLOCK_SKEW_MS);
}

const CLOCK_SKEW_MS = 100;
// Longer than any transaction the API or the worker opens (indexing's, 120 s, is the longest): an
// older one is an operator's session or a dump, which must not hold every learner's sync back.
const HORIZON_MAX_LAG = "3 minutes";

/** A window of change times: at or after `since`, and before `before` when given. */
export interface ChangeWindow {
  since: Date;
  before?: Date;
}

/** The window as a Prisma filter on a timestamp column. */
export function changedIn(window: ChangeWindow): { gte: Date; lt?: Date } {
  return window.before ? { gte: window.since, lt: window.before } : { gte: window.since };
}

export interface DeltaPage<R> {
  rows: R[];
  hasMore: boolean;
  /** The next `?since=`: just after the last change sent, never past the horizon. */
  cursor: Date;
}

/**
 * One page of changes, oldest first, that ends on a whole millisecond (the cursor's precision).
 * A page cut inside a millisecond would hand back a cursor that asks for the same rows again: a
 * deck rebuilt in one statement stamps all its cards alike, and the client would loop forever.
 * `read` returns the rows changed in a window, oldest first (ties in a stable order), at most `take`.
 */
export async function deltaPage<R>(
  input: { since: Date; limit: number; horizon: Date },
  read: (window: ChangeWindow, take?: number) => Promise<R[]>,
  changedAt: (row: R) => Date,
): Promise<DeltaPage<R>> {
  const rows = await read({ since: input.since }, input.limit + 1);
  if (rows.length <= input.limit) return { rows, hasMore: false, cursor: input.horizon };
  const ms = (row: R) => changedAt(row).getTime();
  const lastMs = ms(rows[input.limit - 1] as R);
  const next = new Date(lastMs + 1);
  let page = rows.slice(0, input.limit);
  let hasMore = true;
  if (ms(rows[input.limit] as R) === lastMs) {
    // The next row shares the last one's millisecond: the page takes that millisecond whole.
    const tied = await read({ since: new Date(lastMs), before: next });
    page = [...page.filter((row) => ms(row) < lastMs), ...tied];
    hasMore = (await read({ since: next }, 1)).length > 0;
  }
  if (hasMore && next <= input.horizon) return { rows: page, hasMore: true, cursor: next };
  // Held back before this page's end (a transaction still open): asking again now would repeat the
  // page, so the client stops here and its next sync resumes from the horizon.
  return { rows: page, hasMore: false, cursor: input.horizon };
}

/** `{skip, take}` for a page query. */
export function pageArgs(query: { page: number; limit: number }): { skip: number; take: number } {
  return { skip: (query.page - 1) * query.limit, take: query.limit };
}
