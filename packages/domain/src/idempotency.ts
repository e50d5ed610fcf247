/**
 * Stored first answers for `Idempotency-Key`: a retried or replayed mutation gets the answer of
 * the first attempt, and the work is done once. A claim row is written before the work starts, so
 * a concurrent duplicate is refused instead of doing the work twice.
 */
import type { Db, Prisma } from "@sira/infra/db";

export interface IdempotentRequest {
  scope: string;
  key: string;
  userId: string | null;
  method: string;
  path: string;
  requestHash: string;
  ttlHours: number;
}

/** The first answer's representation, replayed as it was sent (null on rows stored before it was kept). */
export interface AnswerMedia {
  contentType: string | null;
  contentLanguage: string | null;
}

export type Claim =
  | { kind: "claimed"; id: string }
  | ({ kind: "replay"; statusCode: number; body: unknown } & AnswerMedia)
  | { kind: "in_progress" }
  | { kind: "mismatch" };

/** A claim left unfinished this long is from a crashed request and may be taken over. */
const STALE_CLAIM_MS = 2 * 60_000;

/** Claims the key for this request, or says why it cannot run again. */
export async function claimIdempotencyKey(db: Db, req: IdempotentRequest, now = new Date()): Promise<Claim> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const inserted = await db.idempotencyKey.createManyAndReturn({
      data: [
        {
          scope: req.scope,
          key: req.key,
          userId: req.userId,
          method: req.method,
          path: req.path,
          requestHash: req.requestHash,
          expiresAt: new Date(now.getTime() + req.ttlHours * 3_600_000),
        },
      ],
      skipDuplicates: true,
      select: { id: true },
    });
    if (inserted[0]) return { kind: "claimed", id: inserted[0].id };

    const existing = await db.idempotencyKey.findUnique({ where: { scope_key: { scope: req.scope, key: req.key } } });
    if (!existing) continue; // expired and purged in between: claim again
    const stale = existing.statusCode === null && now.getTime() - existing.createdAt.getTime() > STALE_CLAIM_MS;
    if (existing.expiresAt <= now || stale) {
      await db.idempotencyKey.deleteMany({ where: { id: existing.id, createdAt: existing.createdAt } });
      continue;
    }
    if (existing.requestHash !== req.requestHash) return { kind: "mismatch" };
    if (existing.statusCode === null) return { kind: "in_progress" };
    return {
      kind: "replay",
      statusCode: existing.statusCode,
      body: existing.responseBody,
      contentType: existing.contentType,
      contentLanguage: existing.contentLanguage,
    };
  }
  return { kind: "in_progress" };
}

/** Records the first answer, to be returned to every replay. */
export async function completeIdempotencyKey(
  db: Db,
  id: string,
  statusCode: number,
  body: unknown,
  media: AnswerMedia = { contentType: null, contentLanguage: null },
): Promise<void> {
  // updateMany: if the claim was purged meanwhile, the work is done; losing its replay is harmless.
  await db.idempotencyKey.updateMany({
    where: { id },
    data: {
      statusCode,
      responseBody: (body ?? null) as Prisma.InputJsonValue,
      contentType: media.contentType,
      contentLanguage: media.contentLanguage,
      completedAt: new Date(),
    },
  });
}

/** Frees the key after a server failure, so the client's retry really runs. */
export async function releaseIdempotencyKey(db: Db, id: string): Promise<void> {
  await db.idempotencyKey.deleteMany({ where: { id, statusCode: null } });
}
