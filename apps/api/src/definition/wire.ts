/**
 * What an endpoint definition looks like on the wire: its REST query and tRPC input, its answer
 * schema per transport, and the shaping of a handler's value into that answer. List options
 * (paging, `?fields=`, `?since=`) are written here once for every endpoint.
 */
import { deltaSchema, pageQuerySchema, pageSchema } from "@sira/contracts";
import { syncHorizon } from "@sira/domain";
import type { Db } from "@sira/infra/db";
import { z } from "zod";
import { deltaEnvelope, pageEnvelope, pickFields } from "../http/lists.ts";
import type { AnyEndpoint, DeltaResult, PageResult } from "./endpoint.ts";

export type Transport = "rest" | "trpc";

const fieldsParam = z
  .string()
  .max(1000)
  .optional()
  .describe("Comma-separated fields to return; `id` is always included");
const sinceParam = z
  .string()
  .max(64)
  .optional()
  .describe("ISO-8601 instant: only what changed since then (delta sync)");
const idempotencyKeyParam = z.string().min(8).max(128).optional();

const isList = (spec: AnyEndpoint) => spec.shape === "page" || spec.shape === "sync";
export const hasSince = (spec: AnyEndpoint) => spec.shape === "sync" || spec.shape === "delta";

/** The query parameters: the spec's, with the list options it declares. */
export function queryOf(spec: AnyEndpoint, transport: Transport): z.ZodObject | undefined {
  const own: z.ZodObject | undefined = spec.query;
  const restFields = Boolean(spec.fields) && transport === "rest";
  if (!isList(spec) && !hasSince(spec) && !restFields && !own?.shape.fields) return own;
  const shape: Record<string, z.ZodType> = {
    ...(isList(spec) ? pageQuerySchema.shape : {}),
    ...own?.shape,
    ...(hasSince(spec) ? { since: sinceParam } : {}),
    ...(restFields ? { fields: fieldsParam } : {}),
  };
  if (transport === "trpc") delete shape.fields;
  return withChecksOf(z.object(shape), own ? [own] : []);
}

/**
 * `merged` with the refinements of the objects it was built from ("at least one field", "`from`
 * not after `to`"), which merging their shapes drops: each is checked again on its own keys.
 */
function withChecksOf(merged: z.ZodObject, parts: z.ZodObject[]): z.ZodObject {
  const refined = parts.filter((part) => (part._zod.def.checks?.length ?? 0) > 0);
  if (refined.length === 0) return merged;
  return merged.superRefine((value, ctx) => {
    for (const part of refined) {
      const own = Object.fromEntries(Object.keys(part.shape).map((key) => [key, value[key]]));
      const parsed = part.safeParse(own);
      if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ ...issue });
    }
  });
}

/**
 * tRPC's one input object: path params, query and body merged (no input when there are none). An
 * optional body with nothing else beside it leaves the whole input optional.
 */
export function trpcInputOf(spec: AnyEndpoint): z.ZodObject | z.ZodOptional<z.ZodObject> | undefined {
  const parts = [spec.params, queryOf(spec, "trpc"), spec.body].filter(Boolean) as z.ZodType[];
  if (spec.keyed) parts.push(z.object({ idempotency_key: idempotencyKeyParam }));
  if (parts.length === 0) return undefined;
  const objects = parts.map((part) => {
    const object = part instanceof z.ZodOptional ? part.unwrap() : part;
    if (!(object instanceof z.ZodObject))
      throw new Error(`${spec.path ?? spec.summary}: tRPC input parts must be objects`);
    return object;
  });
  // Strict: a typed client's misspelt key is a clear 400, never silently dropped.
  const input = withChecksOf(z.strictObject(Object.assign({}, ...objects.map((o) => o.shape))), objects);
  return parts.length === 1 && parts[0] instanceof z.ZodOptional ? input.optional() : input;
}

function partialWithId(schema: z.ZodType): z.ZodType {
  if (!(schema instanceof z.ZodObject) || !schema.shape.id)
    throw new Error("?fields= needs an object output with an id");
  return schema.partial().required({ id: true });
}

/** The success answer's schema. REST items are partial where `?fields=` may trim them. */
export function outputOf(spec: AnyEndpoint, transport: Transport): z.ZodType {
  const trimmed = spec.fields && transport === "rest" && spec.fieldsIn !== "items";
  const item = trimmed ? partialWithId(spec.output) : spec.output;
  if (spec.shape === "page") return pageSchema(item);
  if (spec.shape === "delta") return deltaSchema(item);
  if (spec.shape === "sync") {
    return z.union([pageSchema(item).extend({ server_time: z.iso.datetime() }), deltaSchema(item)]);
  }
  return item;
}

interface ShapeOptions {
  input: Record<string, unknown>;
  fields: string[] | null;
  now: Date;
  /** A syncable list's full page: its `server_time` (`pageHorizon`). */
  horizon?: Date | null;
}

/**
 * Asked before a syncable list's full page is read: the `server_time` it hands out, from which
 * the client's first `?since=` must not pass rows still being written (`syncHorizon`).
 */
export async function pageHorizon(spec: AnyEndpoint, since: Date | null, db: Db): Promise<Date | null> {
  return spec.shape === "sync" && !since ? syncHorizon(db) : null;
}

/** The handler's value as the answer: enveloped for lists, trimmed to `?fields=`. */
export function shapeAnswer(spec: AnyEndpoint, value: unknown, { input, fields, now, horizon }: ShapeOptions): unknown {
  const pick = (item: { id: unknown }) => (fields ? { ...pickFields(item, fields), id: item.id } : item);
  if (spec.shape === "delta" || (spec.shape === "sync" && "deleted" in (value as object))) {
    const delta = value as DeltaResult<{ id: unknown }>;
    return deltaEnvelope(delta.items.map(pick), delta.deleted, {
      startedAt: now,
      hasMore: delta.hasMore,
      reset: delta.reset ?? false,
      ...(delta.cursor ? { cursor: delta.cursor } : {}),
    });
  }
  if (!isList(spec)) {
    if (spec.fieldsIn !== "items") return pick(value as { id: unknown });
    const whole = value as { items: { id: unknown }[] };
    return { ...whole, items: whole.items.map(pick) };
  }
  const paging = { page: input.page as number, limit: input.limit as number };
  const page = value as PageResult<{ id: unknown }>;
  const envelope = pageEnvelope(page.items.map(pick), page.total, paging);
  return spec.shape === "sync" ? { ...envelope, server_time: (horizon ?? now).toISOString() } : envelope;
}
