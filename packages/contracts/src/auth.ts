/** Inputs and outputs of passwordless sign-in: email + TOTP, backup codes, sessions, recovery. */
import { z } from "zod";
import { languageSchema, personNameSchema, professionalRoleSchema } from "./common.ts";
import { isCountryCode } from "./countries.ts";

export const ROLES = ["learner", "expert", "admin"] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ message: "Invalid email address" }));

export const countrySchema = z
  .string()
  .trim()
  .toUpperCase()
  .refine(isCountryCode, { message: "Must be an ISO 3166-1 alpha-2 country code" });

export const levelSchema = z.number().int().min(1).max(4);

/** A six-digit code from an authenticator app. */
export const totpCodeSchema = z
  .string()
  .trim()
  .regex(/^\d{6}$/, "Must be the 6-digit code from the app");

/** A TOTP code, or a single-use backup code (`xxxxx-xxxxx`, dash and case optional). */
export const loginCodeSchema = z
  .string()
  .trim()
  .min(6)
  .max(16)
  .regex(/^(\d{6}|[A-Za-z0-9]{5}-?[A-Za-z0-9]{5})$/, "Must be a 6-digit code or a backup code");

/** Addresses given to erased accounts; nobody may register one. */
export const ERASED_EMAIL_DOMAIN = "erased.invalid";

export const registerInput = z.strictObject({
  email: emailSchema.refine((e) => !e.endsWith(`@${ERASED_EMAIL_DOMAIN}`), { message: "Invalid email address" }),
  name: personNameSchema,
  preferred_language: languageSchema,
  country: countrySchema,
  professional_role: professionalRoleSchema,
  current_level: levelSchema.optional(),
});
export type RegisterInput = z.infer<typeof registerInput>;

export const totpEnrolmentSchema = z.object({
  secret: z.string(),
  otpauth_uri: z.string(),
  qr_svg: z.string(),
});

/** What registration and recovery hand out once: the authenticator secret and backup codes. */
export const enrolmentSchema = z.object({
  totp: totpEnrolmentSchema,
  backup_codes: z.array(z.string()),
  next_step: z.literal("confirm_totp"),
});
export type Enrolment = z.infer<typeof enrolmentSchema>;

/** The eight-digit code emailed at registration (a space or dash in the middle is fine). */
export const emailCodeSchema = z
  .string()
  .trim()
  .regex(/^\d{4}[ -]?\d{4}$/, "Must be the 8-digit code from the email");

/** `email_code` is needed until the address is verified (decision 0032). */
export const confirmTotpInput = z.strictObject({
  email: emailSchema,
  code: totpCodeSchema,
  email_code: emailCodeSchema.optional(),
});
/** Asks for a new email code for an account still waiting for its first confirmation. */
export const emailCodeRequestInput = z.strictObject({ email: emailSchema });
export const loginInput = z.strictObject({ email: emailSchema, code: loginCodeSchema });
export const refreshInput = z.strictObject({ refresh_token: z.string().min(20).max(200) });
export const logoutInput = z.strictObject({ refresh_token: z.string().min(20).max(200).optional() });

export const tokenPairSchema = z.object({
  access_token: z.string(),
  token_type: z.literal("Bearer"),
  expires_in: z.number().int(),
  refresh_token: z.string(),
  refresh_expires_at: z.iso.datetime(),
  user: z.object({ id: z.uuid(), role: roleSchema, preferred_language: languageSchema }),
});
export type TokenPair = z.infer<typeof tokenPairSchema>;

export const sessionSchema = z.object({
  id: z.uuid(),
  created_at: z.iso.datetime(),
  last_used_at: z.iso.datetime().nullable(),
  expires_at: z.iso.datetime(),
  user_agent: z.string().nullable(),
  ip: z.string().nullable(),
  current: z.boolean(),
});
export type Session = z.infer<typeof sessionSchema>;

export const sessionIdInput = z.strictObject({ id: z.uuid() });

export const recoveryRequestInput = z.strictObject({ email: emailSchema });
export const recoveryConfirmInput = z.strictObject({ token: z.string().min(20).max(200) });

/** Recovery's answer never says whether the account exists. */
export const acceptedSchema = z.object({ status: z.literal("accepted") });
export const okSchema = z.object({ status: z.literal("ok") });
