/** Back office: platform settings, each checked by its key's schema in the registry (admins only). */
import {
  platformSettingKeyInput,
  platformSettingSchema,
  platformSettingsSchema,
  platformSettingValueInput,
} from "@sira/contracts";
import { changeBy, listPlatformSettings, resetPlatformSetting, updatePlatformSetting } from "@sira/domain";
import { endpoint } from "../definition/endpoint.ts";

const SETTINGS = "/api/v1/admin/settings";

export const adminSettingsEndpoints = {
  list: endpoint({
    method: "get",
    path: SETTINGS,
    auth: "admin",
    summary: "Every platform setting: value, default, source (stored|default), last change",
    output: platformSettingsSchema,
    handle: async ({ ctx }) => ({ items: await listPlatformSettings(ctx.deps.db) }),
  }),
  update: endpoint({
    method: "put",
    path: `${SETTINGS}/{key}`,
    auth: "admin",
    summary: "Set a value, checked by the key's schema (unknown key: 404)",
    params: platformSettingKeyInput,
    body: platformSettingValueInput,
    output: platformSettingSchema,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input }) => updatePlatformSetting(ctx.deps.db, input.key, input.value, changeBy(ctx)),
  }),
  reset: endpoint({
    method: "delete",
    path: `${SETTINGS}/{key}`,
    auth: "admin",
    summary: "Reset a setting to its default",
    params: platformSettingKeyInput,
    output: platformSettingSchema,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input }) => resetPlatformSetting(ctx.deps.db, input.key, changeBy(ctx)),
  }),
};
