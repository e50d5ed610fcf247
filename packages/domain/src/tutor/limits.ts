/**
 * Daily tutor limits. The limit is the active subscription's `daily_message_limit`, else the
 * free tier's (`tutor.free_daily_messages`). Messages are counted per local day of the learner
 * (the streaks' time zone) in tutor_daily_usage, apart from the conversations, so deleting a
 * conversation gives nothing back. One conditional upsert counts a message: it cannot pass the
 * limit, however many requests race.
 */
import { AppError, type TutorRemaining } from "@sira/contracts";
import type { Db, Tx } from "@sira/infra/db";
import { getSetting } from "../admin/settings/index.ts";
import { effectiveTimezone } from "../users/timezones.ts";

/**
 * Paying for a message beyond the daily limit (credits). The payments module plugs in here; until
 * then no message passes the limit. Runs inside the asking transaction: a refusal rolls it back.
 */
export interface TutorOverage {
  /** Pays for the learner message `messageId` (its id is known before it is stored). */
  payForMessage(tx: Tx, userId: string, at: Date, messageId: string): Promise<boolean>;
  /** Gives back what was paid for a message whose answer failed; false when nothing was paid. */
  refundMessage(db: Db | Tx, userId: string, messageId: string): Promise<boolean>;
}

export const NO_OVERAGE: TutorOverage = { payForMessage: async () => false, refundMessage: async () => false };

export interface TutorDay {
  /** The message was paid beyond the limit (counted in `paid`, not `used`). */
  paid?: boolean;
  /** The learner's local calendar day, `YYYY-MM-DD`. */
  day: string;
  /** The next local midnight. */
  resetsAt: Date;
  limit: number;
  used: number;
}

/** Today's limit and count for the learner, in one statement (plus the settings lookup). */
export async function tutorDay(db: Db | Tx, userId: string, now: Date): Promise<TutorDay> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { timezone: true, country: true } });
  const zone = effectiveTimezone(user ?? { timezone: null, country: "" });
  const [row] = await db.$queryRaw<{ day: string; resets_at: Date; used: number | null; sub_limit: number | null }[]>`
    SELECT to_char((${now}::timestamptz AT TIME ZONE ${zone})::date, 'YYYY-MM-DD') AS day,
      (date_trunc('day', ${now}::timestamptz AT TIME ZONE ${zone}) + interval '1 day') AT TIME ZONE ${zone} AS resets_at,
      (SELECT u.used FROM tutor_daily_usage u
        WHERE u.user_id = ${userId}::uuid AND u.day = (${now}::timestamptz AT TIME ZONE ${zone})::date) AS used,
      (SELECT max(s.daily_message_limit) FROM subscriptions s
        WHERE s.user_id = ${userId}::uuid AND s.status = 'active' AND s.starts_at <= ${now}::timestamptz
          AND s.expires_at > ${now}::timestamptz) AS sub_limit`;
  const limit = row?.sub_limit ?? (await getSetting(db, "tutor.free_daily_messages"));
  return {
    day: row?.day ?? now.toISOString().slice(0, 10),
    resetsAt: row?.resets_at ?? new Date(now.getTime() + 86_400_000),
    limit,
    used: row?.used ?? 0,
  };
}

export function remainingOf(day: TutorDay): TutorRemaining {
  return {
    limit: day.limit,
    used: day.used,
    remaining: Math.max(0, day.limit - day.used),
    resets_at: day.resetsAt.toISOString(),
  };
}

export async function tutorRemaining(db: Db, userId: string, now = new Date()): Promise<TutorRemaining> {
  return remainingOf(await tutorDay(db, userId, now));
}

function limitReached(day: TutorDay, now: Date): AppError {
  const seconds = Math.max(1, Math.ceil((day.resetsAt.getTime() - now.getTime()) / 1000));
  return new AppError("TUTOR_LIMIT_REACHED", {
    retryAfterSeconds: seconds,
    extensions: { resets_at: day.resetsAt.toISOString() },
  });
}

/**
 * Counts one message for today, atomically: the upsert only adds while `used < limit`. Past the
 * limit the overage seam may take payment (counted in `paid`); otherwise 429 TUTOR_LIMIT_REACHED
 * with retry_after and resets_at. Returns the day with the new count.
 */
export async function chargeTutorMessage(
  tx: Tx,
  userId: string,
  now: Date,
  overage: TutorOverage,
  messageId: string,
): Promise<TutorDay> {
  const day = await tutorDay(tx, userId, now);
  const counted = await tx.$queryRaw<{ used: number }[]>`
    INSERT INTO tutor_daily_usage (user_id, day, used)
    SELECT ${userId}::uuid, ${day.day}::date, 1 WHERE ${day.limit}::int >= 1
    ON CONFLICT (user_id, day) DO UPDATE SET used = tutor_daily_usage.used + 1, updated_at = now()
      WHERE tutor_daily_usage.used < ${day.limit}::int
    RETURNING used`;
  if (counted[0]) return { ...day, used: counted[0].used };
  if (!(await overage.payForMessage(tx, userId, now, messageId))) throw limitReached(day, now);
  await tx.$executeRaw`
    INSERT INTO tutor_daily_usage (user_id, day, paid) VALUES (${userId}::uuid, ${day.day}::date, 1)
    ON CONFLICT (user_id, day) DO UPDATE SET paid = tutor_daily_usage.paid + 1, updated_at = now()`;
  return { ...day, paid: true };
}

/**
 * Gives back a message whose answer failed (the learner got nothing for it): its credits when it
 * was paid beyond the limit, else the day's count.
 */
export async function refundTutorMessage(
  tx: Tx,
  userId: string,
  day: string,
  messageId: string,
  overage: TutorOverage,
): Promise<void> {
  if (await overage.refundMessage(tx, userId, messageId)) {
    await tx.$executeRaw`
      UPDATE tutor_daily_usage SET paid = paid - 1, updated_at = now()
      WHERE user_id = ${userId}::uuid AND day = ${day}::date AND paid > 0`;
    return;
  }
  await tx.$executeRaw`
    UPDATE tutor_daily_usage SET used = used - 1, updated_at = now()
    WHERE user_id = ${userId}::uuid AND day = ${day}::date AND used > 0`;
}
