/** Schemas shared by every list and sync endpoint. */
import { z } from "zod";
import { LANGUAGES } from "./errors.ts";

export const languageSchema = z.enum(LANGUAGES);

/**
 * The years a date in a request may name. ISO-8601 has a year 0000 that PostgreSQL refuses, and
 * nothing here is older than the Unix epoch that clients send as "from the start".
 */
export const REQUEST_YEAR_MIN = 1970;
export const REQUEST_YEAR_MAX = 2100;
const inRequestYears = (value: string) => {
  const year = Number(value.slice(0, 4));
  return year >= REQUEST_YEAR_MIN && year <= REQUEST_YEAR_MAX;
};
const requestYears = { message: `The year must be between ${REQUEST_YEAR_MIN} and ${REQUEST_YEAR_MAX}` };

/** A day (YYYY-MM-DD) a request names, within the request years. */
export const requestDaySchema = z.iso.date().refine(inRequestYears, requestYears);
/** An instant a request names (`Z`, or any offset when `offset`), within the request years. */
export function requestInstantSchema(options: { offset?: boolean } = {}) {
  return z.iso.datetime(options).refine(inRequestYears, requestYears);
}

/** Control characters, and the bidi overrides and isolates that make a name display as something else. */
const CONTROL_OR_BIDI = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;
/** Format characters (zero-width and direction marks) and spaces: a name of only these shows nothing. */
const INVISIBLE = /[\p{Cf}\p{Z}]/gu;

/**
 * A line of text people write about themselves (a name, a role), shown to others in the console
 * and in emails: trimmed, with something visible, without control or text-direction overrides.
 * Direction marks (U+200E, U+200F) stay allowed: right-to-left names need them.
 */
export function personTextSchema(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((v) => !CONTROL_OR_BIDI.test(v), {
      message: "Control and text-direction override characters are not allowed",
      params: { fr: "Les caractères de contrôle et d'inversion du sens du texte ne sont pas acceptés." },
    })
    .refine((v) => v === "" || v.replace(INVISIBLE, "").length > 0, {
      message: "Must contain a visible character",
      params: { fr: "Doit contenir au moins un caractère visible." },
    });
}

export const personNameSchema = personTextSchema(120);
export const professionalRoleSchema = personTextSchema(80);

/**
 * A patch (a create input made `.partial()`) without the input's defaults: zod's partial keeps
 * them, so a one-field PATCH would reset every defaulted field it does not name.
 */
export function withoutDefaults<T extends z.ZodObject>(patch: T): T {
  const fields = Object.entries(patch.shape as Record<string, z.ZodType>).map(([key, field]) => {
    const inner = field instanceof z.ZodOptional ? field.unwrap() : field;
    return [key, inner instanceof z.ZodDefault ? z.optional(inner.unwrap()) : field];
  });
  return z.strictObject(Object.fromEntries(fields)) as unknown as T;
}

export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;

export const pageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;

/** The list envelope: `{items, page, limit, total, has_more}`. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    page: z.number().int(),
    limit: z.number().int(),
    total: z.number().int(),
    has_more: z.boolean(),
  });
}
export interface Page<T> {
  items: T[];
  page: number;
  limit: number;
  total: number;
  has_more: boolean;
}

export const sinceQuerySchema = z.object({
  since: requestInstantSchema({ offset: true }).optional(),
});

export const tombstoneSchema = z.object({ id: z.uuid(), entity: z.string(), deleted_at: z.iso.datetime() });
export type Tombstone = z.infer<typeof tombstoneSchema>;

/** Deletions are remembered this long; a client whose `since` is older must resync in full. */
export const TOMBSTONE_RETENTION_DAYS = 90;

/**
 * A delta-sync answer: what changed since `?since=`, what was deleted, and the time to send next.
 * `has_more`: ask again with `since=server_time` for the rest. `reset`: `since` is older than the
 * tombstones kept, so drop the local copy and sync from scratch.
 */
export function deltaSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    deleted: z.array(tombstoneSchema),
    server_time: z.iso.datetime(),
    has_more: z.boolean(),
    reset: z.boolean(),
  });
}

export const fieldsQuerySchema = z.object({ fields: z.string().optional() });

export const healthSchema = z.object({ status: z.literal("healthy"), service: z.literal("sira-api") });
export const readinessSchema = z.object({
  status: z.enum(["ready", "unavailable"]),
  checks: z.object({
    postgres: z.enum(["up", "down"]),
    redis: z.enum(["up", "down"]),
    /** The TOTP keys open the stored secrets (down when PostgreSQL is). */
    totp_keys: z.enum(["up", "down"]),
  }),
});
export type Readiness = z.infer<typeof readinessSchema>;
