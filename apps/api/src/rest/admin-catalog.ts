/**
 * REST: /api/v1/admin/{curricula,taxonomy,groups,settings} (admins only). Each route parses, makes
 * one domain call and shapes the answer; the rules live in @sira/domain (admin/catalog-admin.ts).
 */
import { createRoute, type OpenAPIHono, type RouteConfig, z } from "@hono/zod-openapi";
import {
  ADMIN_CURRICULUM_FIELDS,
  addGroupMembersInput,
  adminCurriculaQuerySchema,
  adminCurriculumDetailSchema,
  adminCurriculumFieldsSchema,
  adminCurriculumGrantSchema,
  adminCurriculumSchema,
  adminGroupMemberSchema,
  adminGroupSchema,
  adminGroupsQuerySchema,
  adminTaxonomyCategorySchema,
  adminTaxonomyQuerySchema,
  createCurriculumInput,
  createGroupInput,
  createTaxonomyCategoryInput,
  curriculumGranteeInput,
  curriculumGrantResultSchema,
  groupMembersAddedSchema,
  pageQuerySchema,
  pageSchema,
  platformSettingSchema,
  platformSettingsSchema,
  platformSettingUpdateInput,
  replaceCurriculumCoursesInput,
  setCurriculumVisibilityInput,
  updateCurriculumInput,
  updateGroupInput,
  updateTaxonomyCategoryInput,
} from "@sira/contracts";
import * as admin from "@sira/domain";
import type { Context } from "hono";
import { callerOf } from "../caller.ts";
import type { AppEnv } from "../env.ts";
import { requireRole } from "../http/auth.ts";
import { pageEnvelope, parseFields, pickFields } from "../http/lists.ts";
import { bearer, body, json, problems } from "./docs.ts";

const BASE = "/api/v1/admin";
const PREFIXES = ["curricula", "taxonomy", "groups", "settings"].map((p) => `${BASE}/${p}`);
const tags = ["admin"];
const id = z.object({ id: z.uuid() });
const guarded = { 401: problems[401], 403: problems[403] };
const std = { ...guarded, 400: problems[400], 404: problems[404] };
const withConflict = { ...std, 409: problems[409] };
const deletedSchema = z.object({ deleted: z.literal(true) });

/** A documented admin route under /api/v1/admin. */
const r = <
  M extends RouteConfig["method"],
  P extends string,
  Req extends NonNullable<RouteConfig["request"]>,
  Res extends RouteConfig["responses"],
>(
  method: M,
  path: P,
  summary: string,
  request: Req,
  responses: Res,
) =>
  createRoute({
    method,
    path: `${BASE}${path}` as `/api/v1/admin${P}`,
    tags,
    security: bearer,
    summary,
    request,
    responses,
  });

const C = "/curricula";
const T = "/taxonomy";
const G = "/groups";
const S = "/settings";

const routes = {
  curricula: r(
    "get",
    C,
    "Every curriculum (all statuses); ?status= ?visibility= ?search= ?fields=",
    { query: adminCurriculaQuerySchema },
    { 200: json(pageSchema(adminCurriculumFieldsSchema), "Curricula"), ...std },
  ),
  createCurriculum: r(
    "post",
    C,
    "Create a draft curriculum (slug derived from title_fr when missing)",
    body(createCurriculumInput),
    { 201: json(adminCurriculumSchema, "Created"), ...withConflict },
  ),
  curriculum: r(
    "get",
    `${C}/{id}`,
    "A curriculum with its ordered courses and its grants",
    { params: id },
    { 200: json(adminCurriculumDetailSchema, "Curriculum"), ...std },
  ),
  updateCurriculum: r(
    "patch",
    `${C}/{id}`,
    "Edit titles, descriptions, slug (drafts) or status (draft → published → archived)",
    { params: id, ...body(updateCurriculumInput) },
    { 200: json(adminCurriculumSchema, "Updated"), ...withConflict },
  ),
  deleteCurriculum: r(
    "delete",
    `${C}/{id}`,
    "Delete a draft curriculum (anything else: 409)",
    { params: id },
    { 200: json(deletedSchema, "Deleted"), ...withConflict },
  ),
  courses: r(
    "put",
    `${C}/{id}/courses`,
    "Replace the ordered set of courses",
    { params: id, ...body(replaceCurriculumCoursesInput) },
    { 200: json(adminCurriculumDetailSchema, "Curriculum"), ...withConflict },
  ),
  visibility: r(
    "put",
    `${C}/{id}/visibility`,
    "Make the curriculum public or private",
    { params: id, ...body(setCurriculumVisibilityInput) },
    { 200: json(adminCurriculumSchema, "Updated"), ...std },
  ),
  grants: r(
    "get",
    `${C}/{id}/access`,
    "The curriculum's grants (users and groups)",
    { params: id, query: pageQuerySchema },
    { 200: json(pageSchema(adminCurriculumGrantSchema), "Grants"), ...std },
  ),
  grant: r(
    "post",
    `${C}/{id}/access`,
    "Grant access to a user (user_id or user_email) or a group (group_id); idempotent",
    { params: id, ...body(curriculumGranteeInput) },
    { 200: json(curriculumGrantResultSchema, "The grant"), ...std },
  ),
  revoke: r(
    "delete",
    `${C}/{id}/access`,
    "Revoke a grant (404 when there is none)",
    { params: id, ...body(curriculumGranteeInput) },
    { 200: json(deletedSchema, "Revoked"), ...std },
  ),

  taxonomy: r(
    "get",
    T,
    "Every taxonomy category, active or not; ?type=",
    { query: adminTaxonomyQuerySchema },
    { 200: json(pageSchema(adminTaxonomyCategorySchema), "Categories"), ...std },
  ),
  createCategory: r(
    "post",
    T,
    "Create a category (slug derived from label_fr when missing)",
    body(createTaxonomyCategoryInput),
    { 201: json(adminTaxonomyCategorySchema, "Created"), ...withConflict },
  ),
  updateCategory: r(
    "patch",
    `${T}/{id}`,
    "Edit labels, sort order, activity (type and slug only while unused)",
    { params: id, ...body(updateTaxonomyCategoryInput) },
    { 200: json(adminTaxonomyCategorySchema, "Updated"), ...withConflict },
  ),
  deleteCategory: r(
    "delete",
    `${T}/{id}`,
    "Delete a category no course uses (else 409)",
    { params: id },
    { 200: json(deletedSchema, "Deleted"), ...withConflict },
  ),

  groups: r(
    "get",
    G,
    "User groups with member counts; ?search=",
    { query: adminGroupsQuerySchema },
    { 200: json(pageSchema(adminGroupSchema), "Groups"), ...std },
  ),
  createGroup: r("post", G, "Create a group (a name already used is a 409)", body(createGroupInput), {
    201: json(adminGroupSchema, "Created"),
    ...withConflict,
  }),
  updateGroup: r(
    "patch",
    `${G}/{id}`,
    "Rename a group or change its description",
    { params: id, ...body(updateGroupInput) },
    { 200: json(adminGroupSchema, "Updated"), ...withConflict },
  ),
  deleteGroup: r(
    "delete",
    `${G}/{id}`,
    "Delete a group with its memberships and grants",
    { params: id },
    { 200: json(deletedSchema, "Deleted"), ...std },
  ),
  members: r(
    "get",
    `${G}/{id}/members`,
    "A group's members",
    { params: id, query: pageQuerySchema },
    { 200: json(pageSchema(adminGroupMemberSchema), "Members"), ...std },
  ),
  addMembers: r(
    "post",
    `${G}/{id}/members`,
    "Add members by user_ids and/or emails; unknown ones are reported back",
    { params: id, ...body(addGroupMembersInput) },
    { 200: json(groupMembersAddedSchema, "What was added"), ...std },
  ),
  removeMember: r(
    "delete",
    `${G}/{id}/members/{user_id}`,
    "Remove a member",
    { params: z.object({ id: z.uuid(), user_id: z.uuid() }) },
    { 200: json(deletedSchema, "Removed"), ...std },
  ),

  settings: r(
    "get",
    S,
    "Every platform setting: value, default, source (stored|default), last change",
    {},
    { 200: json(platformSettingsSchema, "Settings"), ...guarded },
  ),
  putSetting: r(
    "put",
    `${S}/{key}`,
    "Set a value, checked by the key's schema (unknown key: 404)",
    { params: z.object({ key: z.string().max(100) }), ...body(z.strictObject({ value: z.unknown() })) },
    { 200: json(platformSettingSchema, "The setting"), ...std },
  ),
  resetSetting: r(
    "delete",
    `${S}/{key}`,
    "Reset a setting to its default",
    { params: z.object({ key: z.string().max(100) }) },
    { 200: json(platformSettingSchema, "The setting"), ...std },
  ),
};

export function mountAdminCatalogRoutes(app: OpenAPIHono<AppEnv>): void {
  for (const prefix of PREFIXES) {
    app.use(prefix, requireRole("admin"));
    app.use(`${prefix}/*`, requireRole("admin"));
  }
  const db = (c: Context<AppEnv>) => c.get("deps").db;
  const deleted = { deleted: true as const };

  app.openapi(routes.curricula, async (c) => {
    const query = c.req.valid("query");
    const fields = parseFields(query.fields, ADMIN_CURRICULUM_FIELDS);
    const { items, total } = await admin.listCurriculaForAdmin(db(c), query, c.get("lang"));
    return c.json(
      pageEnvelope(
        items.map((i) => ({ ...pickFields(i, fields), id: i.id })),
        total,
        query,
      ),
      200,
    );
  });
  app.openapi(routes.createCurriculum, async (c) =>
    c.json(await admin.createCurriculum(db(c), c.req.valid("json"), admin.changeBy(callerOf(c)), c.get("lang")), 201),
  );
  app.openapi(routes.curriculum, async (c) =>
    c.json(await admin.getCurriculumForAdmin(db(c), c.req.valid("param").id, c.get("lang")), 200),
  );
  app.openapi(routes.updateCurriculum, async (c) =>
    c.json(
      await admin.updateCurriculum(
        db(c),
        c.req.valid("param").id,
        c.req.valid("json"),
        admin.changeBy(callerOf(c)),
        c.get("lang"),
      ),
      200,
    ),
  );
  app.openapi(routes.deleteCurriculum, async (c) => {
    await admin.deleteCurriculum(db(c), c.req.valid("param").id, admin.changeBy(callerOf(c)));
    return c.json(deleted, 200);
  });
  app.openapi(routes.courses, async (c) =>
    c.json(
      await admin.replaceCurriculumCourses(
        db(c),
        c.req.valid("param").id,
        c.req.valid("json"),
        admin.changeBy(callerOf(c)),
        c.get("lang"),
      ),
      200,
    ),
  );
  app.openapi(routes.visibility, async (c) =>
    c.json(
      await admin.setCurriculumVisibility(
        db(c),
        c.req.valid("param").id,
        c.req.valid("json"),
        admin.changeBy(callerOf(c)),
        c.get("lang"),
      ),
      200,
    ),
  );
  app.openapi(routes.grants, async (c) => {
    const query = c.req.valid("query");
    const { items, total } = await admin.listCurriculumGrants(db(c), c.req.valid("param").id, query);
    return c.json(pageEnvelope(items, total, query), 200);
  });
  app.openapi(routes.grant, async (c) =>
    c.json(
      await admin.grantCurriculumAccess(
        db(c),
        c.req.valid("param").id,
        c.req.valid("json"),
        admin.changeBy(callerOf(c)),
      ),
      200,
    ),
  );
  app.openapi(routes.revoke, async (c) => {
    await admin.revokeCurriculumAccess(
      db(c),
      c.req.valid("param").id,
      c.req.valid("json"),
      admin.changeBy(callerOf(c)),
    );
    return c.json(deleted, 200);
  });

  app.openapi(routes.taxonomy, async (c) => {
    const query = c.req.valid("query");
    const { items, total } = await admin.listTaxonomyForAdmin(db(c), query, c.get("lang"));
    return c.json(pageEnvelope(items, total, query), 200);
  });
  app.openapi(routes.createCategory, async (c) =>
    c.json(
      await admin.createTaxonomyCategory(db(c), c.req.valid("json"), admin.changeBy(callerOf(c)), c.get("lang")),
      201,
    ),
  );
  app.openapi(routes.updateCategory, async (c) =>
    c.json(
      await admin.updateTaxonomyCategory(
        db(c),
        c.req.valid("param").id,
        c.req.valid("json"),
        admin.changeBy(callerOf(c)),
        c.get("lang"),
      ),
      200,
    ),
  );
  app.openapi(routes.deleteCategory, async (c) => {
    await admin.deleteTaxonomyCategory(db(c), c.req.valid("param").id, admin.changeBy(callerOf(c)));
    return c.json(deleted, 200);
  });

  app.openapi(routes.groups, async (c) => {
    const query = c.req.valid("query");
    const { items, total } = await admin.listGroupsForAdmin(db(c), query);
    return c.json(pageEnvelope(items, total, query), 200);
  });
  app.openapi(routes.createGroup, async (c) =>
    c.json(await admin.createGroup(db(c), c.req.valid("json"), admin.changeBy(callerOf(c))), 201),
  );
  app.openapi(routes.updateGroup, async (c) =>
    c.json(
      await admin.updateGroup(db(c), c.req.valid("param").id, c.req.valid("json"), admin.changeBy(callerOf(c))),
      200,
    ),
  );
  app.openapi(routes.deleteGroup, async (c) => {
    await admin.deleteGroup(db(c), c.req.valid("param").id, admin.changeBy(callerOf(c)));
    return c.json(deleted, 200);
  });
  app.openapi(routes.members, async (c) => {
    const query = c.req.valid("query");
    const { items, total } = await admin.listGroupMembers(db(c), c.req.valid("param").id, query);
    return c.json(pageEnvelope(items, total, query), 200);
  });
  app.openapi(routes.addMembers, async (c) =>
    c.json(
      await admin.addGroupMembers(db(c), c.req.valid("param").id, c.req.valid("json"), admin.changeBy(callerOf(c))),
      200,
    ),
  );
  app.openapi(routes.removeMember, async (c) => {
    const { id: groupId, user_id } = c.req.valid("param");
    await admin.removeGroupMember(db(c), groupId, user_id, admin.changeBy(callerOf(c)));
    return c.json(deleted, 200);
  });

  app.openapi(routes.settings, async (c) => c.json({ items: await admin.listPlatformSettings(db(c)) }, 200));
  app.openapi(routes.putSetting, async (c) => {
    const input = platformSettingUpdateInput.parse({ key: c.req.valid("param").key, value: c.req.valid("json").value });
    return c.json(await admin.updatePlatformSetting(db(c), input.key, input.value, admin.changeBy(callerOf(c))), 200);
  });
  app.openapi(routes.resetSetting, async (c) =>
    c.json(await admin.resetPlatformSetting(db(c), c.req.valid("param").key, admin.changeBy(callerOf(c))), 200),
  );
}
