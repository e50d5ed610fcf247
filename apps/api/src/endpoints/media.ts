/**
 * Illustrations and module media. Back office (admins: every course; experts: the courses they
 * manage, others 404): ask for a lesson's or module's illustration (drawn on the worker, 202), see
 * or redraw one; attach links and image references to a module, edit their texts, reorder them in
 * one call, delete them. Readers of the course (learners enrolled, its managers, admins) list a
 * module's illustrations and media. The bytes and the multipart upload are rest/media.ts.
 */
import {
  createMediaReferenceInput,
  generatedImageSchema,
  imageIdParams,
  lessonImageParams,
  mediaIdParams,
  moduleImageInput,
  moduleMediaListQuery,
  moduleMediaOrderSchema,
  moduleMediaParams,
  moduleMediaSchema,
  pageQuerySchema,
  reorderMediaInput,
  updateMediaInput,
} from "@sira/contracts";
import {
  createMediaReference,
  deleteModuleMedia,
  getGeneratedImage,
  listModuleImages,
  listModuleMedia,
  regenerateImage,
  reorderModuleMedia,
  requestLessonImage,
  requestModuleImage,
  updateModuleMedia,
} from "@sira/domain";
import { z } from "zod";
import { endpoint } from "../definition/endpoint.ts";
import { COURSE_ACCESS } from "./access-errors.ts";

const ADMIN = "/api/v1/admin";

export const adminImageEndpoints = {
  illustrateLesson: endpoint({
    method: "post",
    path: `${ADMIN}/generated-content/{content_id}/image`,
    auth: "expert",
    summary: "Draw an illustration of a lesson with FR/EN alt text (or a new one); 202, drawn on the worker",
    params: lessonImageParams,
    output: generatedImageSchema,
    status: 202,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input }) => requestLessonImage(ctx.deps, ctx.viewer, input.content_id, ctx.meta, ctx.lang),
  }),
  illustrateModule: endpoint({
    method: "post",
    path: `${ADMIN}/modules/{module_id}/image`,
    auth: "expert",
    summary: "Draw an illustration of a module (its lessons as a concept map offline); 202, drawn on the worker",
    params: moduleMediaParams,
    body: moduleImageInput,
    output: generatedImageSchema,
    status: 202,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input: { module_id, language } }) =>
      requestModuleImage(ctx.deps, ctx.viewer, module_id, language, ctx.meta, ctx.lang),
  }),
  get: endpoint({
    method: "get",
    path: `${ADMIN}/images/{image_id}`,
    auth: "expert",
    summary: "One illustration with its status (pending, generating, ready, failed) and alt texts",
    params: imageIdParams,
    output: generatedImageSchema,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input }) => getGeneratedImage(ctx.deps, ctx.viewer, input.image_id, ctx.lang),
  }),
  regenerate: endpoint({
    method: "post",
    path: `${ADMIN}/images/{image_id}/regenerate`,
    auth: "expert",
    summary: "Draw the illustration again; the new files replace the old ones when ready (202)",
    params: imageIdParams,
    output: generatedImageSchema,
    status: 202,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input }) => regenerateImage(ctx.deps, ctx.viewer, input.image_id, ctx.meta, ctx.lang),
  }),
};

export const adminMediaEndpoints = {
  create: endpoint({
    method: "post",
    path: `${ADMIN}/modules/{module_id}/media`,
    auth: "expert",
    summary: "Attach a video or web link (https only) or an image of the course to the module, at the end",
    params: moduleMediaParams,
    body: createMediaReferenceInput,
    output: moduleMediaSchema,
    status: 201,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input: { module_id, ...media } }) =>
      createMediaReference(ctx.deps, ctx.viewer, module_id, media, ctx.meta, ctx.lang),
  }),
  update: endpoint({
    method: "patch",
    path: `${ADMIN}/media/{media_id}`,
    auth: "expert",
    summary: "Change a media's titles, descriptions, language or duration; new texts get a new summary",
    params: mediaIdParams,
    body: updateMediaInput,
    output: moduleMediaSchema,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input: { media_id, ...changes } }) =>
      updateModuleMedia(ctx.deps, ctx.viewer, media_id, changes, ctx.meta, ctx.lang),
  }),
  reorder: endpoint({
    method: "put",
    path: `${ADMIN}/modules/{module_id}/media/order`,
    auth: "expert",
    summary: "Put the module's media in this order, in one step: every media id of the module, each once",
    params: moduleMediaParams,
    body: reorderMediaInput,
    output: moduleMediaOrderSchema,
    errors: ["NOT_FOUND", "MEDIA_ORDER_MISMATCH"],
    handle: ({ ctx, input }) =>
      reorderModuleMedia(ctx.deps, ctx.viewer, input.module_id, input.ids, ctx.meta, ctx.lang),
  }),
  delete: endpoint({
    method: "delete",
    path: `${ADMIN}/media/{media_id}`,
    auth: "expert",
    summary: "Remove a media from its module, with its stored file",
    params: mediaIdParams,
    output: z.object({ id: z.uuid(), deleted: z.literal(true) }),
    status: 204,
    errors: ["NOT_FOUND"],
    handle: async ({ ctx, input }) => {
      await deleteModuleMedia(ctx.deps, ctx.viewer, input.media_id, ctx.meta);
      return { id: input.media_id, deleted: true as const };
    },
  }),
};

export const moduleMediaEndpoints = {
  images: endpoint({
    method: "get",
    path: "/api/v1/modules/{module_id}/images",
    auth: "learner",
    summary:
      "The module's illustrations that have a picture (its own first, then its lessons'), for readers of the " +
      "course; one being redrawn keeps its picture until the new one is ready",
    params: moduleMediaParams,
    query: pageQuerySchema,
    output: generatedImageSchema,
    shape: "page",
    errors: COURSE_ACCESS,
    handle: ({ ctx, input: { module_id, ...query } }) =>
      listModuleImages(ctx.deps, ctx.viewer, module_id, query, ctx.lang),
  }),
  list: endpoint({
    method: "get",
    path: "/api/v1/modules/{module_id}/media",
    auth: "learner",
    summary: "The module's media in their order (images, audio, PDFs, videos, links), for readers of the course",
    params: moduleMediaParams,
    query: moduleMediaListQuery,
    output: moduleMediaSchema,
    shape: "page",
    errors: COURSE_ACCESS,
    handle: ({ ctx, input: { module_id, ...query } }) =>
      listModuleMedia(ctx.deps, ctx.viewer, module_id, query, ctx.lang),
  }),
};
