/** Delta sync: deletions are remembered as tombstones so offline clients can drop what is gone. */
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
      deletedAt: { gt: input.since },
      OR: [{ userId: null }, ...(input.userId ? [{ userId: input.userId }] : [])],
    },
    orderBy: { deletedAt: "asc" },
    take: input.limit ?? 1_000,
    select: { entityId: true, entity: true, deletedAt: true },
  });
  return rows.map((r) => ({ id: r.entityId, entity: r.entity, deleted_at: r.deletedAt.toISOString() }));
}

/** `{skip, take}` for a page query. */
export function pageArgs(query: { page: number; limit: number }): { skip: number; take: number } {
  return { skip: (query.page - 1) * query.limit, take: query.limit };
}
