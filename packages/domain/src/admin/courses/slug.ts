/** Course slugs: derived from a title (accent-folded, lowercase, hyphens) and unique across courses. */
import { COURSE_SLUG_PATTERN, isUuidShaped, RESERVED_COURSE_SLUGS } from "@sira/contracts";
import type { Tx } from "@sira/infra/db";

/** Room is left for a `-<n>` suffix under COURSE_SLUG_MAX_LENGTH. */
const BASE_MAX_LENGTH = 100;
const FALLBACK_SLUG = "cours";
const LIGATURES: Record<string, string> = { œ: "oe", Œ: "oe", æ: "ae", Æ: "ae", ß: "ss", ø: "o", Ø: "o" };

/** "Santé publique : l'essentiel" → "sante-publique-l-essentiel"; "cours" when nothing usable is left. */
export function slugify(text: string): string {
  const slug = text
    .replace(/[œŒæÆßøØ]/g, (c) => LIGATURES[c] ?? c)
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, BASE_MAX_LENGTH)
    .replace(/^-+|-+$/g, "");
  if (!COURSE_SLUG_PATTERN.test(slug)) return FALLBACK_SLUG;
  return RESERVED_COURSE_SLUGS.includes(slug) || isUuidShaped(slug) ? `${slug}-cours` : slug;
}

/** `base`, or `base-2`, `base-3`… : the first one no course holds yet. */
export async function uniqueCourseSlug(tx: Tx, base: string): Promise<string> {
  const taken = await tx.course.findMany({
    where: { OR: [{ slug: base }, { slug: { startsWith: `${base}-` } }] },
    select: { slug: true },
  });
  const used = new Set(taken.map((c) => c.slug));
  if (!used.has(base)) return base;
  let n = 2;
  while (used.has(`${base}-${n}`)) n += 1;
  return `${base}-${n}`;
}
