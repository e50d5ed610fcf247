/**
 * A course's documents and their indexing status, for admins and the course's experts (others:
 * NOT_FOUND). The streamed multipart upload is hand-written in rest/admin-resources.ts.
 */
import {
  courseResourceListQuery,
  courseResourceParams,
  courseResourceSchema,
  resourceChunkParams,
  resourceChunkSchema,
  resourcePageListQuery,
  resourcePageSchema,
} from "@sira/contracts";
import {
  deleteCourseResource,
  getCourseResource,
  getResourceChunk,
  listCourseResources,
  listResourcePages,
  reindexCourseResource,
  reindexCourseResources,
} from "@sira/domain";
import { z } from "zod";
import { endpoint } from "../definition/endpoint.ts";

export const RESOURCES = "/api/v1/admin/courses/{course_id}/resources";

export const adminResourceEndpoints = {
  list: endpoint({
    method: "get",
    path: RESOURCES,
    auth: "expert",
    summary: "The course's documents with their indexing status, newest first",
    params: z.object({ course_id: z.uuid() }),
    query: courseResourceListQuery,
    output: courseResourceSchema,
    shape: "page",
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input: { course_id, ...query } }) => listCourseResources(ctx.deps, ctx.viewer, course_id, query),
  }),
  get: endpoint({
    method: "get",
    path: `${RESOURCES}/{resource_id}`,
    auth: "expert",
    summary: "One document: indexing status, progress, error, chunks, pages, outline and summary",
    params: courseResourceParams,
    output: courseResourceSchema,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input }) => getCourseResource(ctx.deps, ctx.viewer, input.course_id, input.resource_id),
  }),
  pages: endpoint({
    method: "get",
    path: `${RESOURCES}/{resource_id}/pages`,
    auth: "expert",
    summary: "How each page was read: text layer or OCR, language, OCR confidence and low-confidence flag",
    params: courseResourceParams,
    query: resourcePageListQuery,
    output: resourcePageSchema,
    shape: "page",
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input: { course_id, resource_id, ...query } }) =>
      listResourcePages(ctx.deps, ctx.viewer, course_id, resource_id, query),
  }),
  chunk: endpoint({
    method: "get",
    path: `${RESOURCES}/{resource_id}/chunks/{chunk_id}`,
    auth: "expert",
    summary: "One cited passage of a document: its text, page and chapter (what a citation points to)",
    params: resourceChunkParams,
    output: resourceChunkSchema,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input }) =>
      getResourceChunk(ctx.deps, ctx.viewer, input.course_id, input.resource_id, input.chunk_id),
  }),
  delete: endpoint({
    method: "delete",
    path: `${RESOURCES}/{resource_id}`,
    auth: "expert",
    summary: "Delete a document with its chunks, images and stored file",
    params: courseResourceParams,
    output: z.object({ id: z.uuid(), deleted: z.literal(true) }),
    status: 204,
    errors: ["NOT_FOUND"],
    handle: async ({ ctx, input }) => {
      await deleteCourseResource(ctx.deps, ctx.viewer, input.course_id, input.resource_id, ctx.meta);
      return { id: input.resource_id, deleted: true as const };
    },
  }),
  reindex: endpoint({
    method: "post",
    path: `${RESOURCES}/{resource_id}/reindex`,
    auth: "expert",
    summary: "Index the document again (its chunks are replaced in one step when the job finishes)",
    params: courseResourceParams,
    output: courseResourceSchema,
    status: 202,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input }) =>
      reindexCourseResource(ctx.deps, ctx.viewer, input.course_id, input.resource_id, ctx.meta),
  }),
  reindexAll: endpoint({
    method: "post",
    path: `${RESOURCES}/reindex`,
    auth: "expert",
    summary:
      "Index every document of the course again, one job each; documents read by an older extractor are read again from their files (OCR included)",
    params: z.object({ course_id: z.uuid() }),
    output: z.object({
      course_id: z.uuid(),
      /** Documents queued by this request. */
      queued: z.number().int(),
      /** Documents left to the job they already had. */
      already_queued: z.number().int(),
    }),
    status: 202,
    errors: ["NOT_FOUND"],
    handle: ({ ctx, input }) => reindexCourseResources(ctx.deps, ctx.viewer, input.course_id, ctx.meta),
  }),
};
