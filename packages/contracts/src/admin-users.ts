/** Inputs and outputs of the administrators' account actions (disable, enable, change role). */
import { z } from "zod";
import { roleSchema } from "./auth.ts";

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
