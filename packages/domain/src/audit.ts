/** The audit trail: who did what to which record, from which request. Secrets never go in. */
import type { Prisma, Tx } from "@sira/infra/db";

export interface AuditEntry {
  actorId: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
  ip?: string | null;
}

const INET = /^[0-9a-fA-F:.]+$/;

/** Writes one audit row; pass the transaction that makes the change so both land or neither. */
export async function writeAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  await tx.auditLog.create({
    data: {
      actorId: entry.actorId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      ...(entry.before !== undefined ? { before: entry.before as Prisma.InputJsonValue } : {}),
      ...(entry.after !== undefined ? { after: entry.after as Prisma.InputJsonValue } : {}),
      requestId: entry.requestId ?? null,
      ip: entry.ip && INET.test(entry.ip) ? entry.ip : null,
    },
  });
}

/** The fields that differ between two versions of a record, as `{before, after}` for the audit log. */
export function changedFields<T extends Record<string, unknown>>(
  before: T,
  after: Partial<T>,
): { before: Partial<T>; after: Partial<T> } {
  const b: Partial<T> = {};
  const a: Partial<T> = {};
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      b[key] = before[key];
      a[key] = after[key];
    }
  }
  return { before: b, after: a };
}
