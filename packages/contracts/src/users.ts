/** The signed-in user's profile, its self-service update, and GDPR export and erasure. */
import { z } from "zod";
import { countrySchema, roleSchema } from "./auth.ts";
import { languageSchema, personNameSchema, professionalRoleSchema } from "./common.ts";

const ZONE_SHAPE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;
const zoneCache = new Map<string, string | null>();

/**
 * An IANA time zone this runtime knows, in its proper case (`africa/dakar` → `Africa/Dakar`), or
 * null. Aliases stay as given (`Asia/Kolkata`, not ICU's `Asia/Calcutta`). Offsets such as `+01:00`
 * are refused: they ignore DST.
 */
export function canonicalTimezone(value: string): string | null {
  const cached = zoneCache.get(value);
  if (cached !== undefined) return cached;
  let zone: string | null = null;
  if (value.length <= 64 && ZONE_SHAPE.test(value)) {
    try {
      const resolved = new Intl.DateTimeFormat("en-US", { timeZone: value }).resolvedOptions().timeZone;
      // A region alias stays as given; a legacy id without a region (ICU's CAT, IST) becomes the
      // zone ICU means, which PostgreSQL knows and reads the same way (it refuses CAT, reads IST as Israel).
      zone = resolved.toLowerCase() === value.toLowerCase() || !value.includes("/") ? resolved : value;
    } catch {
      zone = null; // RangeError: not a zone this runtime's ICU knows
    }
  }
  if (zoneCache.size < 1_000) zoneCache.set(value, zone);
  return zone;
}

export const timezoneSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((v) => canonicalTimezone(v) !== null, { message: "Must be an IANA time zone, e.g. Africa/Dakar" });

/**
 * What a user may change about themselves. Strict: every other key (role, email, streak_days,
 * current_level, status…) is refused by name, so nothing can be mass-assigned. `timezone: null`
 * goes back to the zone derived from the country.
 */
export const updateProfileInput = z
  .strictObject({
    name: personNameSchema.optional(),
    preferred_language: languageSchema.optional(),
    country: countrySchema.optional(),
    professional_role: professionalRoleSchema.optional(),
    timezone: timezoneSchema.nullable().optional(),
  })
  .refine((input) => Object.values(input).some((v) => v !== undefined), {
    message: "At least one field is required",
  });
export type UpdateProfileInput = z.infer<typeof updateProfileInput>;

export const profileSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  preferred_language: languageSchema,
  country: z.string(),
  professional_role: z.string(),
  current_level: z.number().int(),
  /** Consecutive local calendar days with learning, ending today or yesterday; 0 once broken. */
  streak_days: z.number().int(),
  last_active: z.iso.datetime().nullable(),
  /** The effective IANA zone: the one the user set, else the one derived from the country. */
  timezone: z.string(),
  role: roleSchema,
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type Profile = z.infer<typeof profileSchema>;

/** The names `?fields=` accepts on the profile. */
export const PROFILE_FIELDS = Object.keys(profileSchema.shape) as readonly (keyof Profile)[];

/** Erasure is irreversible, so the caller must type the word. */
export const eraseAccountInput = z.strictObject({ confirm: z.literal("DELETE") });
export type EraseAccountInput = z.infer<typeof eraseAccountInput>;

export const erasedSchema = z.object({ status: z.literal("erased"), erased_at: z.iso.datetime() });
export type Erased = z.infer<typeof erasedSchema>;

/** Rows as stored, keys in snake_case, times in ISO-8601. */
const rows = z.array(z.record(z.string(), z.unknown()));

/**
 * Everything Sira holds about the user (GDPR art. 15 and 20), minus credentials: no TOTP secret,
 * backup codes, link or token hashes.
 */
export const userExportSchema = z.object({
  format: z.literal("sira.user-export"),
  version: z.literal(1),
  exported_at: z.iso.datetime(),
  profile: profileSchema,
  enrollments: rows,
  module_progress: rows,
  unit_progress: rows,
  lesson_readings: rows,
  /** Each attempt with its `responses`. */
  quiz_attempts: rows,
  /** The answers typed to case studies. */
  case_study_submissions: rows,
  preassessment_results: rows,
  flashcard_reviews: rows,
  flashcard_review_logs: rows,
  /** Spacing weights fitted to the user's own reviews. */
  fsrs_parameters: rows,
  /** Each conversation with its `messages`. */
  tutor_conversations: rows,
  tutor_daily_usage: rows,
  learner_memory: rows,
  credit_account: z.record(z.string(), z.unknown()).nullable(),
  credit_transactions: rows,
  subscriptions: rows,
  subscription_payments: rows,
  /** Mobile-money payments announced (reference, amount, the number typed). */
  payment_intents: rows,
  /** An expert's payout requests. */
  payout_requests: rows,
  activation_code_redemptions: rows,
  usage_events: rows,
  group_memberships: rows,
  curriculum_access: rows,
  /** Sign-in sessions (refresh tokens without their hashes). */
  sessions: rows,
  /** Audit entries where the user is the actor. */
  audit_entries: rows,
  /** Emails sent to the user (metadata only: bodies may have held single-use links). */
  emails: rows,
});
export type UserExport = z.infer<typeof userExportSchema>;
