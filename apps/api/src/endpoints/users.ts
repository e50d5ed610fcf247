/**
 * The caller's own account: profile, its update, GDPR export and erasure. The export is served
 * over REST as a JSON attachment by rest/users.ts (it sets download headers); tRPC answers it here.
 */
import {
  eraseAccountInput,
  erasedSchema,
  PROFILE_FIELDS,
  profileSchema,
  updateProfileInput,
  userExportSchema,
} from "@sira/contracts";
import { chargeExport, eraseAccount, exportUserData, getProfile, updateProfile } from "@sira/domain";
import { endpoint } from "../definition/endpoint.ts";

const ME = "/api/v1/users/me";

export const userEndpoints = {
  me: endpoint({
    method: "get",
    path: ME,
    auth: "learner",
    summary: "The caller's profile",
    output: profileSchema,
    fields: PROFILE_FIELDS,
    handle: ({ ctx }) => getProfile(ctx.deps.db, ctx.viewer.userId),
  }),
  update: endpoint({
    method: "patch",
    path: ME,
    auth: "learner",
    summary: "Change the caller's name, language, country, professional role or time zone (other fields are refused)",
    body: updateProfileInput,
    output: profileSchema,
    handle: ({ ctx, input }) => updateProfile(ctx.deps.db, ctx.viewer.userId, input, ctx.meta),
  }),
  /** REST: rest/users.ts, as a download. */
  export: endpoint({
    method: "get",
    auth: "learner",
    summary:
      "Download everything Sira holds about the caller, as a JSON attachment (credentials excluded). " +
      "An account gets 3 exports per 10 minutes, then 429 RATE_LIMITED with Retry-After",
    output: userExportSchema,
    handle: async ({ ctx }) => {
      await chargeExport(ctx.deps.redis, ctx.viewer.userId);
      return exportUserData(ctx.deps.db, ctx.viewer.userId);
    },
  }),
  erase: endpoint({
    method: "delete",
    path: ME,
    auth: "learner",
    summary: 'Erase the caller\'s account: personal data deleted, ledger kept anonymised. Body: {"confirm": "DELETE"}',
    body: eraseAccountInput,
    output: erasedSchema,
    handle: async ({ ctx }) => {
      const report = await eraseAccount(ctx.deps.db, ctx.viewer.userId, ctx.meta, ctx.deps.denylist);
      return { status: "erased" as const, erased_at: report.erasedAt.toISOString() };
    },
  }),
};
