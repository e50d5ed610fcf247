/**
 * Catalog search: accent- and case-insensitive over FR and EN titles and descriptions, ranked by
 * PostgreSQL full text (titles weigh more than descriptions) plus trigram word similarity on the
 * titles, which catches prefixes and typos. The expressions repeat the indexed ones exactly
 * (`courses_search_tsv_idx`, `courses_title_trgm_idx`, decision 0003), or the indexes go unused.
 */
import { Prisma, type Tx } from "@sira/infra/db";

/** The most matches a search ranks; a query this broad should be narrowed, not paged through. */
export const SEARCH_MATCH_CAP = 500;

export interface RankedCourse {
  id: string;
  rank: number;
}

/**
 * Published courses whose texts match `search`, best first, among those `where` keeps (a condition
 * on `courses AS c`: the caller's visibility and filters). The cap applies after it, so courses the
 * caller cannot see or did not ask for never push a match out.
 */
export async function searchPublishedCourseIds(
  db: Tx,
  search: string,
  where: Prisma.Sql = Prisma.sql`TRUE`,
): Promise<RankedCourse[]> {
  return db.$queryRaw<RankedCourse[]>`
    SELECT c.id::text AS id,
           (ts_rank(sira_course_search_tsv(c.title_fr, c.title_en, c.description_fr, c.description_en),
                    websearch_to_tsquery('simple', sira_unaccent(${search})))
            + word_similarity(sira_search_normalize(${search}),
                              sira_search_normalize(c.title_fr || ' ' || c.title_en)))::float8 AS rank
      FROM courses c
     WHERE c.status = 'published' AND ${where}
       AND (sira_course_search_tsv(c.title_fr, c.title_en, c.description_fr, c.description_en)
              @@ websearch_to_tsquery('simple', sira_unaccent(${search}))
            OR sira_search_normalize(${search}) <% sira_search_normalize(c.title_fr || ' ' || c.title_en))
     ORDER BY rank DESC, c.id
     LIMIT ${SEARCH_MATCH_CAP}`;
}
