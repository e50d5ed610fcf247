/** REST: /api/v1/users/me — the caller's own profile, its update, GDPR export and erasure. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import {
  eraseAccountInput,
  erasedSchema,
  fieldsQuerySchema,
  PROFILE_FIELDS,
  profileFieldsSchema,
  profileSchema,
  updateProfileInput,
  userExportSchema,
} from "@sira/contracts";
import { eraseAccount, exportUserData, getProfile, updateProfile } from "@sira/domain";
import { callerOf } from "../caller.ts";
import type { AppEnv } from "../env.ts";
import { requireRole } from "../http/auth.ts";
import { parseFields, pickFields } from "../http/lists.ts";
import { bearer, body, json, problems } from "./docs.ts";

const tags = ["users"];
const ME = "/api/v1/users/me";

const routes = {
  me: createRoute({
    method: "get",
    path: ME,
    tags,
    security: bearer,
    summary: "The caller's profile; `?fields=a,b` trims it (id is always kept)",
    request: { query: fieldsQuerySchema },
    responses: { 200: json(profileFieldsSchema, "Profile"), 400: problems[400], 401: problems[401] },
  }),
  update: createRoute({
    method: "patch",
    path: ME,
    tags,
    security: bearer,
    summary: "Change the caller's name, language, country, professional role or time zone (other fields are refused)",
    request: body(updateProfileInput),
    responses: { 200: json(profileSchema, "Updated profile"), 400: problems[400], 401: problems[401] },
  }),
  export: createRoute({
    method: "get",
    path: `${ME}/export`,
    tags,
    security: bearer,
    summary: "Download everything Sira holds about the caller, as a JSON attachment (credentials excluded)",
    responses: { 200: json(userExportSchema, "The export"), 401: problems[401] },
  }),
  erase: createRoute({
    method: "delete",
    path: ME,
    tags,
    security: bearer,
    summary: 'Erase the caller\'s account: personal data deleted, ledger kept anonymised. Body: {"confirm": "DELETE"}',
    request: body(eraseAccountInput),
    responses: { 200: json(erasedSchema, "Erased; every session has ended"), 400: problems[400], 401: problems[401] },
  }),
};

export function mountUserRoutes(app: OpenAPIHono<AppEnv>): void {
  app.use(ME, requireRole());
  app.use(`${ME}/*`, requireRole());
  app.openapi(routes.me, async (c) => {
    const fields = parseFields(c.req.valid("query").fields, PROFILE_FIELDS);
    const { deps, viewer } = callerOf(c);
    const profile = await getProfile(deps.db, viewer.userId);
    return c.json({ ...pickFields(profile, fields), id: profile.id }, 200);
  });
  app.openapi(routes.update, async (c) => {
    const { deps, viewer, meta } = callerOf(c);
    return c.json(await updateProfile(deps.db, viewer.userId, c.req.valid("json"), meta), 200);
  });
  app.openapi(routes.export, async (c) => {
    const { deps, viewer } = callerOf(c);
    const data = await exportUserData(deps.db, viewer.userId);
    c.header("content-disposition", `attachment; filename="sira-export-${data.exported_at.slice(0, 10)}.json"`);
    c.header("cache-control", "private, no-store");
    return c.json(data, 200);
  });
  app.openapi(routes.erase, async (c) => {
    const { deps, viewer, meta } = callerOf(c);
    const report = await eraseAccount(deps.db, viewer.userId, meta, deps.denylist);
    return c.json({ status: "erased" as const, erased_at: report.erasedAt.toISOString() }, 200);
  });
}
