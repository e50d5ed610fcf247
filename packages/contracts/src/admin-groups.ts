/** The back office's user groups and their members: strict inputs and outputs. */
import { z } from "zod";
import { emailSchema } from "./auth.ts";
import { pageQuerySchema } from "./common.ts";

const groupName = z.string().trim().min(1).max(120);

export const adminGroupsQuerySchema = pageQuerySchema.extend({ search: z.string().trim().min(1).max(100).optional() });
export type AdminGroupsQuery = z.infer<typeof adminGroupsQuerySchema>;

export const createGroupInput = z.strictObject({
  name: groupName,
  description: z.string().trim().max(1000).nullable().optional(),
});
export type CreateGroupInput = z.infer<typeof createGroupInput>;

export const updateGroupInput = z
  .strictObject({ name: groupName.optional(), description: z.string().trim().max(1000).nullable().optional() })
  .refine((input) => Object.values(input).some((v) => v !== undefined), { message: "At least one field is required" });
export type UpdateGroupInput = z.infer<typeof updateGroupInput>;

/** Members to add, by id and/or email (at most 500 in all); unknown ones are reported back. */
export const addGroupMembersInput = z
  .strictObject({
    user_ids: z.array(z.uuid()).max(500).optional(),
    emails: z.array(emailSchema).max(500).optional(),
  })
  .refine((input) => (input.user_ids?.length ?? 0) + (input.emails?.length ?? 0) > 0, {
    message: "Give user_ids or emails",
  })
  .refine((input) => (input.user_ids?.length ?? 0) + (input.emails?.length ?? 0) <= 500, {
    message: "At most 500 members at once",
  });
export type AddGroupMembersInput = z.infer<typeof addGroupMembersInput>;

export const adminGroupSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  member_count: z.number().int(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type AdminGroup = z.infer<typeof adminGroupSchema>;

export const adminGroupMemberSchema = z.object({
  user_id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: z.string(),
  added_at: z.iso.datetime(),
});
export type AdminGroupMember = z.infer<typeof adminGroupMemberSchema>;

export const groupMembersAddedSchema = z.object({
  added: z.array(z.uuid()),
  already_members: z.array(z.uuid()),
  unknown_user_ids: z.array(z.string()),
  unknown_emails: z.array(z.string()),
});
export type GroupMembersAdded = z.infer<typeof groupMembersAddedSchema>;
