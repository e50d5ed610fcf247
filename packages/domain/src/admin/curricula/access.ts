/**
 * Who may see a private curriculum: grants to one user (by id or email) or to one group. An email
 * names only a verified, active account (decision 0032): whoever registered someone else's
 * address cannot receive what was meant for its owner.
 */
import { AppError, type CurriculumGranteeInput, type CurriculumGrantResult } from "@sira/contracts";
import type { Db, Prisma, Tx } from "@sira/infra/db";
import { reachableByEmail } from "../../access/readable.ts";
import { writeAudit } from "../../audit.ts";
import { type CatalogAdminMeta, invalidField, prismaCode } from "./common.ts";
import { GRANT_SELECT, toAdminGrant } from "./read.ts";
import { lockCurriculum } from "./write.ts";

type Grantee = { userId: string; groupId?: undefined } | { groupId: string; userId?: undefined };

/**
 * The grantee's id, or null when no such (live) user or group exists; `byEmail` narrows email
 * lookups. A group found stays locked (KEY SHARE, as the grant's foreign key would): a delete of it
 * queued first leaves it not found here, instead of failing the grant's insert with a 500.
 */
async function findGrantee(
  tx: Tx,
  input: CurriculumGranteeInput,
  byEmail: Prisma.UserWhereInput = {},
): Promise<Grantee | null> {
  if (input.group_id) {
    const [group] = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM user_groups WHERE id = ${input.group_id}::uuid FOR KEY SHARE`;
    return group ? { groupId: group.id } : null;
  }
  const where: Prisma.UserWhereInput = input.user_id
    ? { id: input.user_id }
    : { email: input.user_email ?? "", ...byEmail };
  const user = await tx.user.findFirst({ where: { ...where, deletedAt: null }, select: { id: true } });
  return user ? { userId: user.id } : null;
}

/** The body field naming the grantee. */
const granteeField = (input: CurriculumGranteeInput) =>
  input.group_id ? "group_id" : input.user_id ? "user_id" : "user_email";

const NOT_FOUND_MESSAGE = {
  group_id: "No such group",
  user_id: "No such user",
  user_email: "No verified, active account has this email",
} as const;

const grantWhere = (curriculumId: string, grantee: Grantee): Prisma.CurriculumAccessWhereInput =>
  grantee.userId ? { curriculumId, userId: grantee.userId } : { curriculumId, groupId: grantee.groupId };

/**
 * Grants a curriculum to a user or a group. Idempotent: granting again returns the existing grant
 * with `created: false` and audits nothing. An unknown user or group is a 400 naming the field.
 */
export async function grantCurriculumAccess(
  db: Db,
  curriculumId: string,
  input: CurriculumGranteeInput,
  meta: CatalogAdminMeta,
): Promise<CurriculumGrantResult> {
  // Outside the transaction too, so a lost race can read the grant that won it.
  const found: { grantee: Grantee | null } = { grantee: null };
  try {
    return await db.$transaction(async (tx) => {
      await lockCurriculum(tx, curriculumId);
      const grantee = await findGrantee(tx, input, reachableByEmail);
      found.grantee = grantee;
      if (!grantee) {
        const field = granteeField(input);
        throw invalidField(field, "not_found", NOT_FOUND_MESSAGE[field]);
      }
      const existing = await tx.curriculumAccess.findFirst({
        where: grantWhere(curriculumId, grantee),
        select: GRANT_SELECT,
      });
      if (existing) return { grant: toAdminGrant(existing), created: false };
      const grant = await tx.curriculumAccess.create({
        data: {
          curriculumId,
          userId: grantee.userId ?? null,
          groupId: grantee.groupId ?? null,
          grantedById: meta.actorId,
        },
        select: GRANT_SELECT,
      });
      await writeAudit(tx, {
        actorId: meta.actorId,
        action: "curriculum.access_granted",
        targetType: "curriculum",
        targetId: curriculumId,
        after: grantee.userId ? { user_id: grantee.userId } : { group_id: grantee.groupId },
        requestId: meta.requestId,
        ip: meta.ip,
      });
      return { grant: toAdminGrant(grant), created: true };
    });
  } catch (error) {
    // A concurrent grant of the same thing won the race: the grant exists, as asked.
    const raced = found.grantee;
    if (prismaCode(error) === "P2002" && raced) {
      const grant = await db.curriculumAccess.findFirstOrThrow({
        where: grantWhere(curriculumId, raced),
        select: GRANT_SELECT,
      });
      return { grant: toAdminGrant(grant), created: false };
    }
    throw error;
  }
}

/** Revokes a grant; 404 when the curriculum, the grantee or the grant does not exist. */
export async function revokeCurriculumAccess(
  db: Db,
  curriculumId: string,
  input: CurriculumGranteeInput,
  meta: CatalogAdminMeta,
): Promise<void> {
  await db.$transaction(async (tx) => {
    await lockCurriculum(tx, curriculumId);
    const grantee = await findGrantee(tx, input);
    const grant = grantee ? await tx.curriculumAccess.findFirst({ where: grantWhere(curriculumId, grantee) }) : null;
    if (!grant) {
      throw new AppError("NOT_FOUND", {
        details: {
          en: "This curriculum has no such grant.",
          fr: "Ce parcours n'a pas d'accès accordé à ce destinataire.",
        },
      });
    }
    await tx.curriculumAccess.delete({ where: { id: grant.id } });
    await writeAudit(tx, {
      actorId: meta.actorId,
      action: "curriculum.access_revoked",
      targetType: "curriculum",
      targetId: curriculumId,
      before: grant.userId ? { user_id: grant.userId } : { group_id: grant.groupId },
      requestId: meta.requestId,
      ip: meta.ip,
    });
  });
}
