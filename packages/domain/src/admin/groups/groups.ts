/** User groups in the back office: named sets of learners that curricula can be granted to. */
import {
  type AdminGroup,
  type AdminGroupsQuery,
  AppError,
  type CreateGroupInput,
  type UpdateGroupInput,
} from "@sira/contracts";
import type { Db, Prisma, Tx } from "@sira/infra/db";
import { changedFields, writeAudit } from "../../audit.ts";
import { pageArgs } from "../../sync.ts";
import { type CatalogAdminMeta, conflict, escapeLike, type Listed, prismaCode } from "../curricula/common.ts";

export const GROUP_SELECT = {
  id: true,
  name: true,
  description: true,
  createdAt: true,
  updatedAt: true,
  _count: { select: { members: true, curriculumAccess: true } },
} satisfies Prisma.UserGroupSelect;
type Row = Prisma.UserGroupGetPayload<{ select: typeof GROUP_SELECT }>;

function toGroup(row: Row): AdminGroup {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    member_count: row._count.members,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

const nameTaken = (name: string) =>
  conflict(`A group named "${name}" already exists.`, `Un groupe nommé « ${name} » existe déjà.`, "name");

/**
 * 409 when another group already has this name, whatever its case. The name is locked first, so
 * two creations of one name in different cases cannot both pass (the unique index is exact).
 * Not Prisma's insensitive `equals`: that is an ILIKE, where `_` and `%` match other names.
 */
async function refuseTakenName(tx: Tx, name: string, exceptId?: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended('group-name:' || lower(${name}), 0))`;
  const others = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM user_groups WHERE lower(name) = lower(${name})
       AND id IS DISTINCT FROM ${exceptId ?? null}::uuid LIMIT 1`;
  if (others.length > 0) throw nameTaken(name);
}

/** Groups with their member counts, by name, optionally searched by name: two statements. */
export async function listGroupsForAdmin(db: Tx, query: AdminGroupsQuery): Promise<Listed<AdminGroup>> {
  const where: Prisma.UserGroupWhereInput = query.search
    ? { name: { contains: escapeLike(query.search), mode: "insensitive" } }
    : {};
  const [rows, total] = await Promise.all([
    db.userGroup.findMany({
      where,
      select: GROUP_SELECT,
      orderBy: [{ name: "asc" }, { id: "asc" }],
      ...pageArgs(query),
    }),
    db.userGroup.count({ where }),
  ]);
  return { items: rows.map(toGroup), total };
}

/** Creates a group; a name already used (in any case) is a 409. */
export async function createGroup(db: Db, input: CreateGroupInput, meta: CatalogAdminMeta): Promise<AdminGroup> {
  try {
    return await db.$transaction(async (tx) => {
      await refuseTakenName(tx, input.name);
      const row = await tx.userGroup.create({
        data: { name: input.name, description: input.description ?? null, createdById: meta.actorId },
        select: GROUP_SELECT,
      });
      await writeAudit(tx, {
        actorId: meta.actorId,
        action: "group.created",
        targetType: "user_group",
        targetId: row.id,
        after: { name: row.name, description: row.description },
        requestId: meta.requestId,
        ip: meta.ip,
      });
      return toGroup(row);
    });
  } catch (error) {
    if (prismaCode(error) === "P2002") throw nameTaken(input.name);
    throw error;
  }
}

/** Locks the group row for this transaction; 404 when it does not exist. */
export async function lockGroup(tx: Tx, id: string): Promise<Row> {
  await tx.$queryRaw`SELECT id FROM user_groups WHERE id = ${id}::uuid FOR UPDATE`;
  const row = await tx.userGroup.findUnique({ where: { id }, select: GROUP_SELECT });
  if (!row) throw new AppError("NOT_FOUND");
  return row;
}

/** Renames a group or changes its description; audits what changed. */
export async function updateGroup(
  db: Db,
  id: string,
  input: UpdateGroupInput,
  meta: CatalogAdminMeta,
): Promise<AdminGroup> {
  try {
    return await db.$transaction(async (tx) => {
      const row = await lockGroup(tx, id);
      const wanted = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
      const diff = changedFields({ name: row.name, description: row.description }, wanted);
      if (Object.keys(diff.after).length === 0) return toGroup(row);
      if (diff.after.name !== undefined) await refuseTakenName(tx, diff.after.name, id);
      const updated = await tx.userGroup.update({
        where: { id },
        data: {
          ...(diff.after.name !== undefined ? { name: diff.after.name } : {}),
          ...(diff.after.description !== undefined ? { description: diff.after.description } : {}),
        },
        select: GROUP_SELECT,
      });
      await writeAudit(tx, {
        actorId: meta.actorId,
        action: "group.updated",
        targetType: "user_group",
        targetId: id,
        before: diff.before,
        after: diff.after,
        requestId: meta.requestId,
        ip: meta.ip,
      });
      return toGroup(updated);
    });
  } catch (error) {
    if (prismaCode(error) === "P2002") throw nameTaken(input.name ?? "");
    throw error;
  }
}

/** Deletes a group; its memberships and curriculum grants go with it (counted in the audit row). */
export async function deleteGroup(db: Db, id: string, meta: CatalogAdminMeta): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await lockGroup(tx, id);
    await tx.userGroup.delete({ where: { id } });
    await writeAudit(tx, {
      actorId: meta.actorId,
      action: "group.deleted",
      targetType: "user_group",
      targetId: id,
      before: {
        name: row.name,
        description: row.description,
        member_count: row._count.members,
        grant_count: row._count.curriculumAccess,
      },
      requestId: meta.requestId,
      ip: meta.ip,
    });
  });
}
