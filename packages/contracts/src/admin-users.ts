/** Inputs and outputs of the administrators' account actions (list, disable, enable, change role). */
import { z } from "zod";
import { roleSchema } from "./auth.ts";
import { pageQuerySchema } from "./common.ts";

export const changeRoleInput = z.strictObject({ role: roleSchema });
export type ChangeRoleInput = z.infer<typeof changeRoleInput>;

/** An account after an administrator changed it; `revoked_tokens` counts the sessions that ended. */
export const adminAccountSchema = z.object({
  id: z.uuid(),
  role: roleSchema,
  /** `disabled`, `active`, or a state still awaiting a step of enrolment (e.g. `pending_mfa`). */
  status: z.string(),
  revoked_tokens: z.number().int(),
});
export type AdminAccount = z.infer<typeof adminAccountSchema>;

/** The staff directory's filters: a prefix of the email or of a word of the name, a role, a status. */
export const adminUserListQuery = pageQuerySchema.extend({
  /** Case and accents do not matter ("sow" finds "Aminata Sow", "amin" finds "aminata.sow@…"). */
  search: z.string().trim().min(1).max(120).optional(),
  role: roleSchema.optional(),
  status: z.enum(["active", "disabled", "pending_mfa"]).optional(),
});
export type AdminUserListQuery = z.infer<typeof adminUserListQuery>;

/** An account as the directory lists it: who it is and its state, never a credential. */
export const adminUserSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  status: z.string(),
  country: z.string(),
  preferred_language: z.string(),
  email_verified: z.boolean(),
  last_active: z.iso.datetime().nullable(),
  created_at: z.iso.datetime(),
});
export type AdminUser = z.infer<typeof adminUserSchema>;
