/** Reading the audit trail in the back office: filtered, newest first, one page at a time. */
import type { AuditEntry, AuditLogQuery } from "@sira/contracts";
import type { Db, Prisma } from "@sira/infra/db";
import { pageArgs } from "../sync.ts";
import { escapeLike } from "./curricula/common.ts";

const include = { actor: { select: { id: true, email: true, name: true, role: true } } } as const;
type AuditRow = Prisma.AuditLogGetPayload<{ include: typeof include }>;

function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    actor_id: row.actorId,
    actor: row.actor,
    action: row.action,
    target_type: row.targetType,
    target_id: row.targetId,
    before: row.before ?? null,
    after: row.after ?? null,
    request_id: row.requestId,
    ip: row.ip,
    created_at: row.createdAt.toISOString(),
  };
}

function auditFilter(query: AuditLogQuery): Prisma.AuditLogWhereInput {
  const where: Prisma.AuditLogWhereInput = {};
  if (query.actor_id) where.actorId = query.actor_id;
  // Prisma passes LIKE wildcards through: `_` (allowed in action names) must match itself.
  if (query.action) where.action = { startsWith: escapeLike(query.action) };
  if (query.target_type) where.targetType = query.target_type;
  if (query.target_id) where.targetId = query.target_id;
  if (query.from || query.to) {
    where.createdAt = {
      ...(query.from ? { gte: new Date(query.from) } : {}),
      ...(query.to ? { lt: new Date(query.to) } : {}),
    };
  }
  return where;
}

/**
 * One page of audit entries (admins only, checked by the caller), newest first, filtered by actor,
 * action prefix (`course.` matches every course action), target and time range [from, to).
 * Two statements whatever the page size, plus one for the actors.
 */
export async function listAuditLog(db: Db, query: AuditLogQuery): Promise<{ items: AuditEntry[]; total: number }> {
  const where = auditFilter(query);
  const [total, rows] = await Promise.all([
    db.auditLog.count({ where }),
    db.auditLog.findMany({ where, include, orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...pageArgs(query) }),
  ]);
  return { items: rows.map(toAuditEntry), total };
}
