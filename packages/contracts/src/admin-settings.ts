/**
 * Platform settings: the typed registry (one schema, default and description per key), the update
 * input checked by the key's schema, and the setting as the back office reads it.
 */
import { z } from "zod";
import { languageSchema } from "./common.ts";

interface SettingDef<S extends z.ZodType> {
  schema: S;
  default: z.infer<S>;
  description: string;
}
const setting = <S extends z.ZodType>(schema: S, dflt: z.infer<S>, description: string): SettingDef<S> => ({
  schema,
  default: dflt,
  description,
});

/** Every platform setting: its value's schema, its default, and what it governs. */
export const PLATFORM_SETTINGS = {
  "tutor.free_daily_messages": setting(
    z.number().int().min(0).max(1000),
    5,
    "AI tutor messages per day for learners without a subscription",
  ),
  "tutor.subscriber_daily_messages": setting(
    z.number().int().min(0).max(10_000),
    100,
    "AI tutor messages per day given to a new subscription",
  ),
  "marketplace.commission_pct": setting(
    z.number().int().min(0).max(100),
    30,
    "Percentage of a marketplace course sale kept by the platform",
  ),
  "tutor.overage_credits": setting(
    z.number().int().min(1).max(1000),
    2,
    "Credits a tutor message costs past the daily limit, for learners who opted in",
  ),
  "payments.intent_ttl_minutes": setting(
    z
      .number()
      .int()
      .min(10)
      .max(7 * 24 * 60),
    120,
    "How long a mobile-money payment intent (its reference and amount) stays open",
  ),
  "payments.refund_window_days": setting(
    z.number().int().min(0).max(365),
    7,
    "Days after a course purchase during which an administrator may refund it",
  ),
  "payments.merchant_numbers": setting(
    z.partialRecord(z.enum(["orange_money", "wave", "mtn_momo", "moov_money"]), z.string().min(4).max(30)),
    { orange_money: "+221 77 000 00 00", wave: "+221 77 000 00 01" },
    "The merchant number learners pay, per mobile-money operator",
  ),
  "platform.default_language": setting(languageSchema, "fr", "Language used when nothing else decides"),
  "placement.retake_cooldown_days": setting(
    z.number().int().min(0).max(365),
    30,
    "Days a learner waits before taking the placement test again",
  ),
  "quiz.summative_cooldown_hours": setting(
    z.number().int().min(0).max(720),
    24,
    "Hours a learner waits after submitting a module's summative test before taking it again (decision 0049)",
  ),
  "quiz.calibration_min_responses": setting(
    z.number().int().min(50).max(100_000),
    200,
    "Responses from submitted module quizzes an item needs before its difficulty is re-estimated (decision 0051)",
  ),
  "flashcards.fsrs_min_reviews_learner": setting(
    z.number().int().min(100).max(1_000_000),
    400,
    "Flashcard reviews a learner needs before FSRS weights are fitted on their own history (decision 0052)",
  ),
  "flashcards.fsrs_min_reviews_course": setting(
    z.number().int().min(100).max(10_000_000),
    1000,
    "Pooled flashcard reviews of a course's learners before cohort FSRS weights are fitted (decision 0052)",
  ),
  "uploads.max_mb": setting(z.number().int().min(1).max(200), 25, "Largest course resource upload, in MiB"),
  "courses.experts_can_publish": setting(
    z.boolean(),
    false,
    "Whether experts may publish their own courses and change their visibility without an administrator",
  ),
} as const;

export type PlatformSettingKey = keyof typeof PLATFORM_SETTINGS;
export type PlatformSettingValue<K extends PlatformSettingKey> = z.infer<(typeof PLATFORM_SETTINGS)[K]["schema"]>;
export const PLATFORM_SETTING_KEYS = Object.keys(PLATFORM_SETTINGS) as PlatformSettingKey[];

/** Type guard: a key of the registry. */
export function isPlatformSettingKey(key: string): key is PlatformSettingKey {
  return Object.hasOwn(PLATFORM_SETTINGS, key);
}

/**
 * A setting's new value. The domain checks it with the key's schema (errors name `value`) and
 * answers 404 for an unknown key; clients can check it first with `PLATFORM_SETTINGS[key].schema`.
 */
export const platformSettingValueInput = z.strictObject({ value: z.unknown() });

export const platformSettingKeyInput = z.strictObject({ key: z.string().min(1).max(100) });

export const platformSettingSchema = z.object({
  key: z.string(),
  value: z.unknown(),
  default: z.unknown(),
  source: z.enum(["stored", "default"]),
  description: z.string(),
  updated_at: z.iso.datetime().nullable(),
  updated_by: z.uuid().nullable(),
});
export type PlatformSetting = z.infer<typeof platformSettingSchema>;
export const platformSettingsSchema = z.object({ items: z.array(platformSettingSchema) });
