/**
 * The signed-in user's own profile: read it and change what a user may change. Access tokens are
 * stateless, so every use case here re-checks that the account still exists and is active.
 */
import { AppError, canonicalTimezone, type Profile, type UpdateProfileInput } from "@sira/contracts";
import type { Db, Prisma, Tx } from "@sira/infra/db";
import { writeAudit } from "../audit.ts";
import type { AuditMeta } from "../request-meta.ts";
import { currentStreak } from "./streak.ts";
import { effectiveTimezone } from "./timezones.ts";

export type UserRow = Prisma.UserModel;

/**
 * The caller's account row; UNAUTHENTICATED once it was erased or disabled, even while an access
 * token issued before that is still unexpired.
 */
export async function liveUser(db: Tx, userId: string): Promise<UserRow> {
  const user = await db.user.findFirst({ where: { id: userId, deletedAt: null, status: "active" } });
  if (!user) throw new AppError("UNAUTHENTICATED");
  return user;
}

/** The API shape of a user row at `now` (the streak shows 0 once a whole local day passed without learning). */
export function toProfile(user: UserRow, now: Date): Profile {
  const timezone = effectiveTimezone(user);
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    preferred_language: user.preferredLanguage === "en" ? "en" : "fr",
    country: user.country,
    professional_role: user.professionalRole,
    current_level: user.currentLevel,
    streak_days: currentStreak(user.streakDays, user.lastActive, now, timezone),
    last_active: user.lastActive?.toISOString() ?? null,
    timezone,
    role: user.role === "admin" || user.role === "expert" ? user.role : "learner",
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
  };
}

/** The caller's profile. */
export async function getProfile(db: Tx, userId: string, now = new Date()): Promise<Profile> {
  return toProfile(await liveUser(db, userId), now);
}

/** The input's fields mapped to their columns; only what the user may change is listed. */
const COLUMNS = {
  name: "name",
  preferred_language: "preferredLanguage",
  country: "country",
  professional_role: "professionalRole",
  timezone: "timezone",
} as const satisfies Record<keyof UpdateProfileInput, keyof UserRow>;

type Field = keyof typeof COLUMNS;

/** Stores zones in their canonical spelling; the contract already refused unknown ones. */
function canonicalZone(value: string): string {
  const zone = canonicalTimezone(value);
  if (!zone) {
    throw new AppError("VALIDATION_FAILED", {
      fieldErrors: [{ field: "timezone", code: "custom", message: "Must be an IANA time zone" }],
    });
  }
  return zone;
}
type Changes = Partial<Record<Field, string | null>>;

/**
 * Applies the caller's own profile changes and audits the fields that really changed (before and
 * after), in one transaction. Sending the current values changes nothing and writes no audit row.
 */
export async function updateProfile(
  db: Db,
  userId: string,
  input: UpdateProfileInput,
  meta: AuditMeta,
): Promise<Profile> {
  return db.$transaction(async (tx) => {
    // Row lock: two concurrent PATCHes cannot both audit the same "before".
    await tx.$queryRaw`SELECT id FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
    const user = await liveUser(tx, userId);
    const before: Changes = {};
    const after: Changes = {};
    const data: Prisma.UserUpdateInput = {};
    for (const field of Object.keys(COLUMNS) as Field[]) {
      const raw = input[field];
      if (raw === undefined) continue;
      const value = field === "timezone" && raw !== null ? canonicalZone(raw) : raw;
      const column = COLUMNS[field];
      if (user[column] === value) continue;
      before[field] = user[column];
      after[field] = value;
      Object.assign(data, { [column]: value });
    }
    if (Object.keys(after).length === 0) return toProfile(user, meta.now);

    const updated = await tx.user.update({ where: { id: userId }, data });
    await writeAudit(tx, {
      actorId: userId,
      action: "user.profile_updated",
      targetType: "user",
      targetId: userId,
      before,
      after,
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return toProfile(updated, meta.now);
  });
}
