/**
 * Back office: curricula (admins only). Every status and visibility, the ordered courses, and who
 * may read a private one (users and groups). Changes are audited by the domain.
 */
import {
  ADMIN_CURRICULUM_FIELDS,
  adminCurriculaQuerySchema,
  adminCurriculumDetailSchema,
  adminCurriculumGrantSchema,
  adminCurriculumSchema,
  adminDeletedSchema,
  createCurriculumInput,
  curriculumGranteeInput,
  curriculumGrantResultSchema,
  replaceCurriculumCoursesInput,
  setCurriculumVisibilityInput,
  updateCurriculumInput,
} from "@sira/contracts";
import {
  changeBy,
  createCurriculum,
  deleteCurriculum,
  getCurriculumForAdmin,
  grantCurriculumAccess,
  listCurriculaForAdmin,
  listCurriculumGrants,
  replaceCurriculumCourses,
  revokeCurriculumAccess,
  setCurriculumVisibility,
  updateCurriculum,
} from "@sira/domain";
import { z } from "zod";
import { endpoint } from "../definition/endpoint.ts";

const CURRICULA = "/api/v1/admin/curricula";
const byId = z.object({ id: z.uuid() });
const DELETED = { deleted: true as const };

export const adminCurriculaEndpoints = {
  list: endpoint({
    method: "get",
    path: CURRICULA,
    auth: "admin",
    summary: "Every curriculum (all statuses); ?status= ?visibility= ?search=",
    query: adminCurriculaQuerySchema,
    output: adminCurriculumSchema,
    shape: "page",
    fields: ADMIN_CURRICULUM_FIELDS,
    handle: ({ ctx, input }) => listCurriculaForAdmin(ctx.deps.db, input, ctx.lang),
  }),
  create: endpoint({
    method: "post",
    path: CURRICULA,
    auth: "admin",
    summary: "Create a draft curriculum (slug derived from title_fr when missing)",
    body: createCurriculumInput,
    output: adminCurriculumSchema,
    status: 201,
    errors: ["SLUG_TAKEN"],
    handle: ({ ctx, input }) => createCurriculum(ctx.deps.db, input, changeBy(ctx), ctx.lang),
  }),
  get: endpoint({
    method: "get",
    path: `${CURRICULA}/{id}`,
    auth: "admin",
    summary: "A curriculum with its ordered courses and its grants",
    params: byId,
    output: adminCurriculumDetailSchema,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input }) => getCurriculumForAdmin(ctx.deps.db, input.id, ctx.lang),
  }),
  update: endpoint({
    method: "patch",
    path: `${CURRICULA}/{id}`,
    auth: "admin",
    summary: "Edit titles, descriptions, slug (drafts) or status (draft → published → archived)",
    params: byId,
    body: updateCurriculumInput,
    output: adminCurriculumSchema,
    errors: ["NOT_FOUND", "CONFLICT", "SLUG_TAKEN", "INVALID_TRANSITION", "NOT_PUBLISHABLE"],
    handle: ({ ctx, input: { id, ...changes } }) => updateCurriculum(ctx.deps.db, id, changes, changeBy(ctx), ctx.lang),
  }),
  delete: endpoint({
    method: "delete",
    path: `${CURRICULA}/{id}`,
    auth: "admin",
    summary: "Delete a draft curriculum (anything else: 409)",
    params: byId,
    output: adminDeletedSchema,
    errors: ["NOT_FOUND", "NOT_DRAFT", "IN_USE"],
    handle: async ({ ctx, input }) => {
      await deleteCurriculum(ctx.deps.db, input.id, changeBy(ctx));
      return DELETED;
    },
  }),
  replaceCourses: endpoint({
    method: "put",
    path: `${CURRICULA}/{id}/courses`,
    auth: "admin",
    summary: "Replace the ordered set of courses",
    params: byId,
    body: replaceCurriculumCoursesInput,
    output: adminCurriculumDetailSchema,
    errors: ["NOT_FOUND", "CONFLICT"],
    handle: ({ ctx, input: { id, ...courses } }) =>
      replaceCurriculumCourses(ctx.deps.db, id, courses, changeBy(ctx), ctx.lang),
  }),
  setVisibility: endpoint({
    method: "put",
    path: `${CURRICULA}/{id}/visibility`,
    auth: "admin",
    summary: "Make the curriculum public or private",
    params: byId,
    body: setCurriculumVisibilityInput,
    output: adminCurriculumSchema,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input: { id, ...visibility } }) =>
      setCurriculumVisibility(ctx.deps.db, id, visibility, changeBy(ctx), ctx.lang),
  }),
  grants: endpoint({
    method: "get",
    path: `${CURRICULA}/{id}/access`,
    auth: "admin",
    summary: "The curriculum's grants (users and groups)",
    params: byId,
    output: adminCurriculumGrantSchema,
    shape: "page",
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input }) => listCurriculumGrants(ctx.deps.db, input.id, input),
  }),
  grant: endpoint({
    method: "post",
    path: `${CURRICULA}/{id}/access`,
    auth: "admin",
    summary: "Grant access to a user (user_id or user_email) or a group (group_id); idempotent",
    params: byId,
    body: curriculumGranteeInput,
    output: curriculumGrantResultSchema,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input: { id, ...grantee } }) => grantCurriculumAccess(ctx.deps.db, id, grantee, changeBy(ctx)),
  }),
  revoke: endpoint({
    method: "delete",
    path: `${CURRICULA}/{id}/access`,
    auth: "admin",
    summary: "Revoke a grant (404 when there is none)",
    params: byId,
    body: curriculumGranteeInput,
    output: adminDeletedSchema,
    errors: ["NOT_FOUND"],
    handle: async ({ ctx, input: { id, ...grantee } }) => {
      await revokeCurriculumAccess(ctx.deps.db, id, grantee, changeBy(ctx));
      return DELETED;
    },
  }),
};
