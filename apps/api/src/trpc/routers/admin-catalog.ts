/**
 * tRPC `admin.curricula`, `admin.taxonomy`, `admin.groups`, `admin.settings`: the same use cases
 * as /api/v1/admin/{curricula,taxonomy,groups,settings}, admins only.
 */
import {
  addGroupMembersInput,
  adminCurriculaQuerySchema,
  adminCurriculumDetailSchema,
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
  platformSettingKeyInput,
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
import { z } from "zod";
import { pageEnvelope } from "../../http/lists.ts";
import { adminProcedure, router } from "../init.ts";

const byId = z.strictObject({ id: z.uuid() });
const deleted = z.object({ deleted: z.literal(true) });
const DELETED = { deleted: true as const };
/** `{id, data}`: the record and the same body as the REST route. */
const withId = <T extends z.ZodType>(data: T) => z.strictObject({ id: z.uuid(), data });

export const adminCurriculaRouter = router({
  list: adminProcedure
    .input(adminCurriculaQuerySchema.omit({ fields: true }))
    .output(pageSchema(adminCurriculumSchema))
    .query(async ({ ctx, input }) => {
      const { items, total } = await admin.listCurriculaForAdmin(ctx.deps.db, input, ctx.lang);
      return pageEnvelope(items, total, input);
    }),
  get: adminProcedure
    .input(byId)
    .output(adminCurriculumDetailSchema)
    .query(({ ctx, input }) => admin.getCurriculumForAdmin(ctx.deps.db, input.id, ctx.lang)),
  create: adminProcedure
    .input(createCurriculumInput)
    .output(adminCurriculumSchema)
    .mutation(({ ctx, input }) => admin.createCurriculum(ctx.deps.db, input, admin.changeBy(ctx), ctx.lang)),
  update: adminProcedure
    .input(withId(updateCurriculumInput))
    .output(adminCurriculumSchema)
    .mutation(({ ctx, input }) =>
      admin.updateCurriculum(ctx.deps.db, input.id, input.data, admin.changeBy(ctx), ctx.lang),
    ),
  delete: adminProcedure
    .input(byId)
    .output(deleted)
    .mutation(async ({ ctx, input }) => {
      await admin.deleteCurriculum(ctx.deps.db, input.id, admin.changeBy(ctx));
      return DELETED;
    }),
  replaceCourses: adminProcedure
    .input(withId(replaceCurriculumCoursesInput))
    .output(adminCurriculumDetailSchema)
    .mutation(({ ctx, input }) =>
      admin.replaceCurriculumCourses(ctx.deps.db, input.id, input.data, admin.changeBy(ctx), ctx.lang),
    ),
  setVisibility: adminProcedure
    .input(withId(setCurriculumVisibilityInput))
    .output(adminCurriculumSchema)
    .mutation(({ ctx, input }) =>
      admin.setCurriculumVisibility(ctx.deps.db, input.id, input.data, admin.changeBy(ctx), ctx.lang),
    ),
  grants: adminProcedure
    .input(z.strictObject({ id: z.uuid(), page: pageQuerySchema.shape.page, limit: pageQuerySchema.shape.limit }))
    .output(pageSchema(adminCurriculumGrantSchema))
    .query(async ({ ctx, input }) => {
      const { items, total } = await admin.listCurriculumGrants(ctx.deps.db, input.id, input);
      return pageEnvelope(items, total, input);
    }),
  grant: adminProcedure
    .input(withId(curriculumGranteeInput))
    .output(curriculumGrantResultSchema)
    .mutation(({ ctx, input }) => admin.grantCurriculumAccess(ctx.deps.db, input.id, input.data, admin.changeBy(ctx))),
  revoke: adminProcedure
    .input(withId(curriculumGranteeInput))
    .output(deleted)
    .mutation(async ({ ctx, input }) => {
      await admin.revokeCurriculumAccess(ctx.deps.db, input.id, input.data, admin.changeBy(ctx));
      return DELETED;
    }),
});

export const adminTaxonomyRouter = router({
  list: adminProcedure
    .input(adminTaxonomyQuerySchema)
    .output(pageSchema(adminTaxonomyCategorySchema))
    .query(async ({ ctx, input }) => {
      const { items, total } = await admin.listTaxonomyForAdmin(ctx.deps.db, input, ctx.lang);
      return pageEnvelope(items, total, input);
    }),
  create: adminProcedure
    .input(createTaxonomyCategoryInput)
    .output(adminTaxonomyCategorySchema)
    .mutation(({ ctx, input }) => admin.createTaxonomyCategory(ctx.deps.db, input, admin.changeBy(ctx), ctx.lang)),
  update: adminProcedure
    .input(withId(updateTaxonomyCategoryInput))
    .output(adminTaxonomyCategorySchema)
    .mutation(({ ctx, input }) =>
      admin.updateTaxonomyCategory(ctx.deps.db, input.id, input.data, admin.changeBy(ctx), ctx.lang),
    ),
  delete: adminProcedure
    .input(byId)
    .output(deleted)
    .mutation(async ({ ctx, input }) => {
      await admin.deleteTaxonomyCategory(ctx.deps.db, input.id, admin.changeBy(ctx));
      return DELETED;
    }),
});

export const adminGroupsRouter = router({
  list: adminProcedure
    .input(adminGroupsQuerySchema)
    .output(pageSchema(adminGroupSchema))
    .query(async ({ ctx, input }) => {
      const { items, total } = await admin.listGroupsForAdmin(ctx.deps.db, input);
      return pageEnvelope(items, total, input);
    }),
  create: adminProcedure
    .input(createGroupInput)
    .output(adminGroupSchema)
    .mutation(({ ctx, input }) => admin.createGroup(ctx.deps.db, input, admin.changeBy(ctx))),
  update: adminProcedure
    .input(withId(updateGroupInput))
    .output(adminGroupSchema)
    .mutation(({ ctx, input }) => admin.updateGroup(ctx.deps.db, input.id, input.data, admin.changeBy(ctx))),
  delete: adminProcedure
    .input(byId)
    .output(deleted)
    .mutation(async ({ ctx, input }) => {
      await admin.deleteGroup(ctx.deps.db, input.id, admin.changeBy(ctx));
      return DELETED;
    }),
  members: adminProcedure
    .input(z.strictObject({ id: z.uuid(), page: pageQuerySchema.shape.page, limit: pageQuerySchema.shape.limit }))
    .output(pageSchema(adminGroupMemberSchema))
    .query(async ({ ctx, input }) => {
      const { items, total } = await admin.listGroupMembers(ctx.deps.db, input.id, input);
      return pageEnvelope(items, total, input);
    }),
  addMembers: adminProcedure
    .input(withId(addGroupMembersInput))
    .output(groupMembersAddedSchema)
    .mutation(({ ctx, input }) => admin.addGroupMembers(ctx.deps.db, input.id, input.data, admin.changeBy(ctx))),
  removeMember: adminProcedure
    .input(z.strictObject({ id: z.uuid(), user_id: z.uuid() }))
    .output(deleted)
    .mutation(async ({ ctx, input }) => {
      await admin.removeGroupMember(ctx.deps.db, input.id, input.user_id, admin.changeBy(ctx));
      return DELETED;
    }),
});

export const adminSettingsRouter = router({
  list: adminProcedure
    .output(platformSettingsSchema)
    .query(async ({ ctx }) => ({ items: await admin.listPlatformSettings(ctx.deps.db) })),
  update: adminProcedure
    .input(platformSettingUpdateInput)
    .output(platformSettingSchema)
    .mutation(({ ctx, input }) =>
      admin.updatePlatformSetting(ctx.deps.db, input.key, input.value, admin.changeBy(ctx)),
    ),
  reset: adminProcedure
    .input(platformSettingKeyInput)
    .output(platformSettingSchema)
    .mutation(({ ctx, input }) => admin.resetPlatformSetting(ctx.deps.db, input.key, admin.changeBy(ctx))),
});
