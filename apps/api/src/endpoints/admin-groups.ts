/** Back office: user groups and their members (admins only); groups receive curriculum grants. */
import {
  addGroupMembersInput,
  adminDeletedSchema,
  adminGroupMemberSchema,
  adminGroupSchema,
  adminGroupsQuerySchema,
  createGroupInput,
  groupMembersAddedSchema,
  updateGroupInput,
} from "@sira/contracts";
import {
  addGroupMembers,
  changeBy,
  createGroup,
  deleteGroup,
  listGroupMembers,
  listGroupsForAdmin,
  removeGroupMember,
  updateGroup,
} from "@sira/domain";
import { z } from "zod";
import { endpoint } from "../definition/endpoint.ts";

const GROUPS = "/api/v1/admin/groups";
const byId = z.object({ id: z.uuid() });
const DELETED = { deleted: true as const };

export const adminGroupsEndpoints = {
  list: endpoint({
    method: "get",
    path: GROUPS,
    auth: "admin",
    summary: "User groups with member counts; ?search=",
    query: adminGroupsQuerySchema,
    output: adminGroupSchema,
    shape: "page",
    handle: ({ ctx, input }) => listGroupsForAdmin(ctx.deps.db, input),
  }),
  create: endpoint({
    method: "post",
    path: GROUPS,
    auth: "admin",
    summary: "Create a group (a name already used is a 409)",
    body: createGroupInput,
    output: adminGroupSchema,
    status: 201,
    errors: ["CONFLICT"],
    handle: ({ ctx, input }) => createGroup(ctx.deps.db, input, changeBy(ctx)),
  }),
  update: endpoint({
    method: "patch",
    path: `${GROUPS}/{id}`,
    auth: "admin",
    summary: "Rename a group or change its description",
    params: byId,
    body: updateGroupInput,
    output: adminGroupSchema,
    errors: ["NOT_FOUND", "CONFLICT"],
    handle: ({ ctx, input: { id, ...changes } }) => updateGroup(ctx.deps.db, id, changes, changeBy(ctx)),
  }),
  delete: endpoint({
    method: "delete",
    path: `${GROUPS}/{id}`,
    auth: "admin",
    summary: "Delete a group with its memberships and grants",
    params: byId,
    output: adminDeletedSchema,
    errors: ["NOT_FOUND"],
    handle: async ({ ctx, input }) => {
      await deleteGroup(ctx.deps.db, input.id, changeBy(ctx));
      return DELETED;
    },
  }),
  members: endpoint({
    method: "get",
    path: `${GROUPS}/{id}/members`,
    auth: "admin",
    summary: "A group's members",
    params: byId,
    output: adminGroupMemberSchema,
    shape: "page",
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input }) => listGroupMembers(ctx.deps.db, input.id, input),
  }),
  addMembers: endpoint({
    method: "post",
    path: `${GROUPS}/{id}/members`,
    auth: "admin",
    summary: "Add members by user_ids and/or emails; unknown ones are reported back",
    params: byId,
    body: addGroupMembersInput,
    output: groupMembersAddedSchema,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input: { id, ...members } }) => addGroupMembers(ctx.deps.db, id, members, changeBy(ctx)),
  }),
  removeMember: endpoint({
    method: "delete",
    path: `${GROUPS}/{id}/members/{user_id}`,
    auth: "admin",
    summary: "Remove a member (404 when not a member)",
    params: z.object({ id: z.uuid(), user_id: z.uuid() }),
    output: adminDeletedSchema,
    errors: ["NOT_FOUND"],
    handle: async ({ ctx, input }) => {
      await removeGroupMember(ctx.deps.db, input.id, input.user_id, changeBy(ctx));
      return DELETED;
    },
  }),
};
