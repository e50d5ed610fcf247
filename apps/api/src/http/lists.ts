/**
 * The list and sync helpers every REST route uses: the pagination envelope, `?fields=` selection
 * and `?since=` parsing. Domain functions receive plain values; nothing here touches the database.
 */
import { AppError, type Page, type PageQuery, type Tombstone } from "@sira/contracts";
import { parseIsoInstant } from "./iso-instant.ts";

/** The `{items, page, limit, total, has_more}` envelope. */
export function pageEnvelope<T>(items: T[], total: number, query: PageQuery): Page<T> {
  return { items, page: query.page, limit: query.limit, total, has_more: query.page * query.limit < total };
}

/**
 * The fields asked for by `?fields=a,b`, checked against what the resource has. `id` is always
 * kept so clients can merge partial objects. Unknown names are a 400 naming each one.
 */
export function parseFields(param: string | undefined | null, allowed: readonly string[]): string[] | null {
  if (param === undefined || param === null || param.trim() === "") return null;
  const wanted = [
    ...new Set(
      param
        .split(",")
        .map((f) => f.trim())
        .filter(Boolean),
    ),
  ];
  const unknown = wanted.filter((f) => !allowed.includes(f));
  if (unknown.length > 0) {
    throw new AppError("UNKNOWN_FIELDS", {
      fieldErrors: unknown.map((f) => ({ field: "fields", code: "unknown_field", message: f })),
      details: {
        en: `Unknown fields: ${unknown.join(", ")}. Allowed: ${allowed.join(", ")}.`,
        fr: `Champs inconnus : ${unknown.join(", ")}. Champs possibles : ${allowed.join(", ")}.`,
      },
    });
  }
  if (allowed.includes("id") && !wanted.includes("id")) wanted.unshift("id");
  return wanted;
}

/** The object trimmed to `fields` (all of it when `fields` is null). */
export function pickFields<T extends object>(item: T, fields: string[] | null): Partial<T> {
  if (!fields) return item;
  const out: Partial<T> = {};
  for (const f of fields) if (f in item) out[f as keyof T] = item[f as keyof T];
  return out;
}

/** `?since=` as a Date; a malformed or future value is a 400. */
export function parseSince(param: string | undefined | null, now = new Date()): Date | null {
  if (param === undefined || param === null || param === "") return null;
  const date = parseIsoInstant(param);
  if (!date || date.getTime() > now.getTime() + 5 * 60_000) throw new AppError("INVALID_SINCE");
  return date;
}

export interface Delta<T> {
  items: T[];
  deleted: Tombstone[];
  server_time: string;
  has_more: boolean;
  reset: boolean;
}

/**
 * The delta-sync envelope. `server_time` is the cursor for the next `?since=`: the domain's
 * (`deltaPage`: just after the last change sent, held back before changes still being written),
 * else the request's start. Delta queries take `updated_at >= since`; clients merge by id, so a
 * row sent twice is harmless.
 */
export function deltaEnvelope<T>(
  items: T[],
  deleted: Tombstone[],
  options: { startedAt: Date; hasMore: boolean; reset: boolean; cursor?: Date | undefined },
): Delta<T> {
  const cursor = options.cursor ?? options.startedAt;
  return { items, deleted, server_time: cursor.toISOString(), has_more: options.hasMore, reset: options.reset };
}
