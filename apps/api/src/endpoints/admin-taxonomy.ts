/** Back office: taxonomy categories (domain, level, audience), active or not (admins only). */
import {
  adminDeletedSchema,
  adminTaxonomyCategorySchema,
  adminTaxonomyQuerySchema,
  createTaxonomyCategoryInput,
  updateTaxonomyCategoryInput,
} from "@sira/contracts";
import {
  changeBy,
  createTaxonomyCategory,
  deleteTaxonomyCategory,
  listTaxonomyForAdmin,
  updateTaxonomyCategory,
} from "@sira/domain";
import { z } from "zod";
import { endpoint } from "../definition/endpoint.ts";

const TAXONOMY = "/api/v1/admin/taxonomy";
const byId = z.object({ id: z.uuid() });

export const adminTaxonomyEndpoints = {
  list: endpoint({
    method: "get",
    path: TAXONOMY,
    auth: "admin",
    summary: "Every taxonomy category, active or not; ?type=",
    query: adminTaxonomyQuerySchema,
    output: adminTaxonomyCategorySchema,
    shape: "page",
    handle: ({ ctx, input }) => listTaxonomyForAdmin(ctx.deps.db, input, ctx.lang),
  }),
  create: endpoint({
    method: "post",
    path: TAXONOMY,
    auth: "admin",
    summary: "Create a category (slug derived from label_fr when missing)",
    body: createTaxonomyCategoryInput,
    output: adminTaxonomyCategorySchema,
    status: 201,
    errors: ["SLUG_TAKEN"],
    handle: ({ ctx, input }) => createTaxonomyCategory(ctx.deps.db, input, changeBy(ctx), ctx.lang),
  }),
  update: endpoint({
    method: "patch",
    path: `${TAXONOMY}/{id}`,
    auth: "admin",
    summary: "Edit labels, sort order, activity (type and slug only while unused)",
    params: byId,
    body: updateTaxonomyCategoryInput,
    output: adminTaxonomyCategorySchema,
    errors: ["NOT_FOUND", "IN_USE", "SLUG_TAKEN"],
    handle: ({ ctx, input: { id, ...changes } }) =>
      updateTaxonomyCategory(ctx.deps.db, id, changes, changeBy(ctx), ctx.lang),
  }),
  delete: endpoint({
    method: "delete",
    path: `${TAXONOMY}/{id}`,
    auth: "admin",
    summary: "Delete a category no course uses (else 409)",
    params: byId,
    output: adminDeletedSchema,
    errors: ["NOT_FOUND", "IN_USE"],
    handle: async ({ ctx, input }) => {
      await deleteTaxonomyCategory(ctx.deps.db, input.id, changeBy(ctx));
      return { deleted: true as const };
    },
  }),
};
