/** A group's members: listed, added in bulk by id or email (unknown ones reported), removed. */
import {
  type AddGroupMembersInput,
  type AdminGroupMember,
  AppError,
  type GroupMembersAdded,
  type PageQuery,
} from "@sira/contracts";
import type { Db, Tx } from "@sira/infra/db";
import { reachableByEmail } from "../../access/readable.ts";
import { writeAudit } from "../../audit.ts";
import { pageArgs } from "../../sync.ts";
import type { CatalogAdminMeta, Listed } from "../curricula/common.ts";
import { lockGroup } from "./groups.ts";

/** A group's members, first added first, paginated: three statements whatever the page size. */
export async function listGroupMembers(db: Tx, groupId: string, query: PageQuery): Promise<Listed<AdminGroupMember>> {
  const where = { groupId };
  const [group, rows, total] = await Promise.all([
    db.userGroup.findUnique({ where: { id: groupId }, select: { id: true } }),
    db.userGroupMember.findMany({
      where,
      orderBy: [{ createdAt: "asc" }, { userId: "asc" }],
      select: { createdAt: true, user: { select: { id: true, email: true, name: true, role: true } } },
      ...pageArgs(query),
    }),
    db.userGroupMember.count({ where }),
  ]);
  if (!group) throw new AppError("NOT_FOUND");
  return {
    items: rows.map((r) => ({
      user_id: r.user.id,
      email: r.user.email,
      name: r.user.name,
      role: r.user.role,
      added_at: r.createdAt.toISOString(),
    })),
    total,
  };
}

/**
 * Adds users by id and/or email. Idempotent: members already in the group are reported as such;
 * unknown ids and emails are reported back, never silently dropped. An email names only a
 * verified, active account (reachableByEmail); any other is reported as unknown. One audit row
 * lists who was added; nothing added, nothing audited.
 */
export async function addGroupMembers(
  db: Db,
  groupId: string,
  input: AddGroupMembersInput,
  meta: CatalogAdminMeta,
): Promise<GroupMembersAdded> {
  const ids = [...new Set(input.user_ids ?? [])];
  const emails = [...new Set(input.emails ?? [])];
  return db.$transaction(async (tx) => {
    await lockGroup(tx, groupId);
    const users = await tx.user.findMany({
      where: { deletedAt: null, OR: [{ id: { in: ids } }, { email: { in: emails }, ...reachableByEmail }] },
      select: { id: true, email: true },
    });
    const foundIds = new Set(users.map((u) => u.id));
    const foundEmails = new Set(users.map((u) => u.email));
    const wanted = [...foundIds];
    const existing = await tx.userGroupMember.findMany({
      where: { groupId, userId: { in: wanted } },
      select: { userId: true },
    });
    const already = new Set(existing.map((m) => m.userId));
    const added = wanted.filter((id) => !already.has(id));
    if (added.length > 0) {
      await tx.userGroupMember.createMany({ data: added.map((userId) => ({ groupId, userId })), skipDuplicates: true });
      await writeAudit(tx, {
        actorId: meta.actorId,
        action: "group.members_added",
        targetType: "user_group",
        targetId: groupId,
        after: { user_ids: added },
        requestId: meta.requestId,
        ip: meta.ip,
      });
    }
    return {
      added,
      already_members: [...already],
      unknown_user_ids: ids.filter((id) => !foundIds.has(id)),
      unknown_emails: emails.filter((e) => !foundEmails.has(e)),
    };
  });
}

/** Removes one member; 404 when the group or the membership does not exist. */
export async function removeGroupMember(
  db: Db,
  groupId: string,
  userId: string,
  meta: CatalogAdminMeta,
): Promise<void> {
  await db.$transaction(async (tx) => {
    await lockGroup(tx, groupId);
    const removed = await tx.userGroupMember.deleteMany({ where: { groupId, userId } });
    if (removed.count === 0) {
      throw new AppError("NOT_FOUND", {
        details: { en: "This user is not a member of the group.", fr: "Cet utilisateur n'est pas membre du groupe." },
      });
    }
    await writeAudit(tx, {
      actorId: meta.actorId,
      action: "group.member_removed",
      targetType: "user_group",
      targetId: groupId,
      before: { user_id: userId },
      requestId: meta.requestId,
      ip: meta.ip,
    });
  });
}
