/**
 * What the back-office catalog modules share: who is acting (for the audit trail), slugs derived
 * from titles, and Prisma's constraint errors turned into 409s.
 */
import { AppError, isUuidShaped } from "@sira/contracts";
import { Prisma, type Tx } from "@sira/infra/db";
import type { Viewer } from "../../access/actor.ts";
import type { AuditMeta, RequestMeta } from "../../request-meta.ts";

/** One page of a list and the total count; the API wraps it in the page envelope. */
export interface Listed<T> {
  items: T[];
  total: number;
}

/** The admin making a change, and the request it came from. */
export type CatalogAdminMeta = Pick<RequestMeta, "requestId" | "ip"> &
  Partial<Pick<RequestMeta, "now">> & { actorId: string };

/** The audit meta of a change the caller makes, from the API's caller context. */
export function changeBy(caller: { viewer: Viewer; meta: AuditMeta }): CatalogAdminMeta {
  return { ...caller.meta, actorId: caller.viewer.userId };
}

const LIGATURES: Record<string, string> = { œ: "oe", Œ: "oe", æ: "ae", Æ: "ae", ß: "ss" };
const MAX_SLUG = 80;

/** A URL slug from any text: accents folded (`Santé` → `sante`), lower case, single dashes. */
export function slugify(text: string): string {
  const folded = text
    .replace(/[œŒæÆß]/g, (c) => LIGATURES[c] ?? c)
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  const cut = folded.slice(0, MAX_SLUG);
  const dash = cut.lastIndexOf("-");
  const slug = folded.length <= MAX_SLUG ? folded : (dash > 20 ? cut.slice(0, dash) : cut).replace(/-+$/, "");
  // Checked last: a cut at a dash can leave exactly a UUID.
  return isUuidShaped(slug) ? `${slug}-1` : slug;
}

/**
 * The first free slug among `base`, `base-2`, `base-3`… given the slugs already taken that start
 * with `base` (one query by the caller, whatever the number of collisions).
 */
export function firstFreeSlug(base: string, taken: readonly string[]): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let n = 2; ; n += 1) {
    const suffix = `-${n}`;
    const candidate = `${base.slice(0, MAX_SLUG - suffix.length).replace(/-+$/, "")}${suffix}`;
    if (!used.has(candidate)) return candidate;
  }
}

/**
 * Serialises creations deriving their slug from one `base` in `scope` until the transaction ends,
 * so the second one reads the first one's slug as taken instead of failing on it with a 409.
 */
export async function lockDerivedSlug(tx: Tx, scope: string, base: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`slug:${scope}:${base}`}, 0))`;
}

/** The Prisma error code of a failed query (`P2002` unique, `P2003` foreign key), if any. */
export function prismaCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** A 409 with a message in both languages, under `code` (CONFLICT when nothing more precise fits). */
export function conflict(
  en: string,
  fr: string,
  field?: string,
  code: "CONFLICT" | "SLUG_TAKEN" | "NOT_DRAFT" | "NOT_PUBLISHABLE" | "IN_USE" | "INVALID_TRANSITION" = "CONFLICT",
): AppError {
  return new AppError(code, {
    details: { en, fr },
    ...(field ? { fieldErrors: [{ field, code: "conflict", message: en }] } : {}),
  });
}

/** A 400 naming one invalid field (domain checks the contract cannot make, e.g. unknown ids). */
export function invalidField(field: string, code: string, message: string): AppError {
  return new AppError("VALIDATION_FAILED", { fieldErrors: [{ field, code, message }] });
}

/** `text` for a LIKE or ILIKE (Prisma's `contains`, `startsWith`) that matches it literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * A search as SQL text to put in a LIKE pattern: folded like the searched column
 * (`sira_search_normalize`), then `%`, `_` and `\` escaped. Folding turns a full-width `％` into `%`,
 * so escaping before it would let one through as a wildcard.
 */
export function foldedLikeText(search: string): Prisma.Sql {
  return Prisma.sql`replace(replace(replace(sira_search_normalize(${search}), '\\', '\\\\'), '%', '\\%'), '_', '\\_')`;
}
