/**
 * Accounts for administrators: the directory (search by email or name, role, status), and the
 * security actions: end a user's sessions, disable or re-enable the account, change its role. Each change ends every session of the account at once (decision 0029);
 * an administrator cannot disable or re-role themselves (409).
 */
import { adminAccountSchema, adminUserListQuery, adminUserSchema, changeRoleInput } from "@sira/contracts";
import { changeAccountRole, disableAccount, enableAccount, listAccounts, revokeUserSessions } from "@sira/domain";
import { z } from "zod";
import { authEnvOf } from "../auth-env.ts";
import { endpoint } from "../definition/endpoint.ts";

const USER = "/api/v1/admin/users/{user_id}";
const params = z.object({ user_id: z.uuid() });

export const adminUserEndpoints = {
  listUsers: endpoint({
    method: "get",
    path: "/api/v1/admin/users",
    auth: "admin",
    summary:
      "Accounts by name: ?search= matches the start of the email or of a word of the name (case and accents " +
      "ignored), ?role= and ?status= filter. Erased accounts are left out; no credential is ever listed",
    query: adminUserListQuery,
    output: adminUserSchema,
    shape: "page",
    handle: ({ ctx, input }) => listAccounts(ctx.deps.db, input),
  }),
  revokeUserSessions: endpoint({
    method: "post",
    path: `${USER}/revoke-sessions`,
    auth: "admin",
    summary: "End every session of a user (e.g. a lost or stolen phone)",
    params,
    output: z.object({ revoked_tokens: z.number().int() }),
    errors: ["NOT_FOUND"],
    handle: async ({ ctx, input }) => ({
      revoked_tokens: await revokeUserSessions(authEnvOf(ctx), ctx.viewer.userId, input.user_id),
    }),
  }),
  disableUser: endpoint({
    method: "post",
    path: `${USER}/disable`,
    auth: "admin",
    summary: "Disable an account: its tokens stop working at once and it cannot sign in",
    params,
    output: adminAccountSchema,
    errors: ["NOT_FOUND", "CONFLICT"],
    handle: ({ ctx, input }) => disableAccount(authEnvOf(ctx), ctx.viewer.userId, input.user_id),
  }),
  enableUser: endpoint({
    method: "post",
    path: `${USER}/enable`,
    auth: "admin",
    summary: "Re-enable a disabled account (409 when it is not disabled)",
    params,
    output: adminAccountSchema,
    errors: ["NOT_FOUND", "CONFLICT"],
    handle: ({ ctx, input }) => enableAccount(authEnvOf(ctx), ctx.viewer.userId, input.user_id),
  }),
  changeUserRole: endpoint({
    method: "put",
    path: `${USER}/role`,
    auth: "admin",
    summary: "Change an account's role; its sessions end so that no token keeps the old role",
    params,
    body: changeRoleInput,
    output: adminAccountSchema,
    errors: ["NOT_FOUND", "CONFLICT"],
    handle: ({ ctx, input }) => changeAccountRole(authEnvOf(ctx), ctx.viewer.userId, input.user_id, input.role),
  }),
};
