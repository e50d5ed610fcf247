/**
 * Generated content as the API shows it: learner lessons and reading progress, the back office's
 * review and regeneration, bulk pre-generation, and AI course-structure proposals.
 */
import { z } from "zod";
import { languageSchema, MAX_PAGE_LIMIT, pageQuerySchema } from "./common.ts";
import { CONTENT_TYPES, CourseStructureSchema, LessonContentSchema, SourceRefSchema } from "./content.ts";

const countrySchema = z
  .string()
  .regex(/^[A-Za-z]{2}$/, { message: "An ISO 3166-1 alpha-2 country code" })
  .transform((c) => c.toUpperCase());
const booleanQuery = z.enum(["true", "false"]).transform((v) => v === "true");

/** Where a learner-facing lesson came from, and how it is cached. */
const generatedMeta = {
  id: z.uuid(),
  module_id: z.uuid(),
  unit_id: z.uuid().nullable(),
  content_type: z.enum(CONTENT_TYPES),
  language: languageSchema,
  level: z.number().int().min(1).max(4),
  country_context: z.string(),
  version: z.number().int().min(1),
  validated: z.boolean(),
  model: z.string().nullable(),
  offline: z.boolean(),
  generated_at: z.iso.datetime(),
};

/** GET /modules/{id}/lessons/{unit_id}: the cached lesson. */
export const lessonSchema = z.object({
  ...generatedMeta,
  content: LessonContentSchema,
  sources_cited: z.array(SourceRefSchema),
});
export type Lesson = z.infer<typeof lessonSchema>;
export const LESSON_FIELDS = Object.keys(lessonSchema.shape);

/** 202 while the lesson is being generated: follow `stream_url` (SSE) or ask again. */
export const lessonGeneratingSchema = z.object({
  status: z.literal("generating"),
  stream_url: z.string(),
  job_id: z.string(),
});
export type LessonGenerating = z.infer<typeof lessonGeneratingSchema>;

export const lessonParams = z.object({ module_id: z.uuid(), unit_id: z.uuid() });

/*
 * The lesson's event stream (decision 0056): `meta` at once, `delta` {text} frames, `citation`,
 * `done`; `meta {reset: true}` when the text so far is void and a new text follows from its start.
 * Identifiers the client already has (the module and unit, in the URL) are not repeated, and
 * sources travel as short references: full details are the lesson's `sources_cited`, in the
 * same order (GET the lesson with `?fields=sources_cited,version`).
 */

/** The stream's first event. */
export const lessonStreamMetaSchema = z.object({
  language: languageSchema,
  level: z.number().int(),
  title: z.string(),
  /** The section headings the lesson is written under, in order. */
  outline: z.array(z.string()),
  /** Replayed from the cache (true) or followed while it is generated (false). */
  cached: z.boolean(),
  /** The cached lesson's version, model and whether it was written offline: absent while it is generated. */
  version: z.number().int().optional(),
  model: z.string().optional(),
  offline: z.boolean().optional(),
});
export type LessonStreamMeta = z.infer<typeof lessonStreamMetaSchema>;

/** `meta {reset: true}`: drop the text received so far; ids count from 0 again. */
export const lessonStreamResetSchema = z.object({ reset: z.literal(true) });

/**
 * `citation`: the documents cited, named once, and one short reference per source. `refs[i]` is
 * `sources_cited[i]` of the lesson at `done.version`.
 */
export const lessonCitationSchema = z.object({
  docs: z.array(z.string()),
  refs: z.array(
    z.object({
      /** The marker `[n]` that cites this source in the text. */
      n: z.number().int().min(1),
      /** Its document: an index into `docs`. */
      doc: z.number().int().min(0),
      /** The page, when the document has pages. */
      page: z.number().int().min(1).optional(),
    }),
  ),
});
export type LessonCitation = z.infer<typeof lessonCitationSchema>;

/** `done`: the stored lesson the text is (its id names its images and audio). */
export const lessonStreamDoneSchema = z.object({ content_id: z.uuid(), version: z.number().int() });

/** The lesson or, while it is generated, where to follow it. */
export const lessonOrGeneratingSchema = z.union([
  z.object({ status: z.literal("ready"), lesson: lessonSchema }),
  lessonGeneratingSchema,
]);

const MAX_POSITION_CHARS = 4096;
const MAX_POSITION_DEPTH = 10;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A client's own JSON kept as jsonb: small (about 4 KB, 10 levels), and without the NUL characters
 * and lone surrogates PostgreSQL refuses. Walked without recursion, so no nesting can overflow.
 */
function isSmallStorableJson(value: unknown): boolean {
  let budget = MAX_POSITION_CHARS;
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, depth] = next;
    if (depth > MAX_POSITION_DEPTH) return false;
    const texts = typeof item === "string" ? [item] : item && typeof item === "object" ? Object.keys(item) : [];
    for (const text of texts) {
      budget -= text.length + 3;
      if (text.includes("\0") || LONE_SURROGATE.test(text)) return false;
    }
    if (item && typeof item === "object") for (const child of Object.values(item)) pending.push([child, depth + 1]);
    budget -= 2;
    if (budget < 0) return false;
  }
  return true;
}

const readingPositionSchema = z.record(z.string(), z.unknown()).refine(isSmallStorableJson, {
  message: `At most ${MAX_POSITION_CHARS} characters and ${MAX_POSITION_DEPTH} levels, without NUL characters or lone surrogates`,
});

/**
 * Reading progress. `time_spent_seconds` is the learner's running total on this unit (not a
 * delta): the server keeps the largest value seen, so a retried or replayed report counts once.
 * `read_pct` never decreases; `completed_at` is set once (by `completed` or read_pct 100).
 */
export const lessonReadingInput = z.strictObject({
  read_pct: z.number().min(0).max(100),
  time_spent_seconds: z.number().int().min(0).max(1_000_000).optional(),
  last_position: readingPositionSchema.nullable().optional(),
  completed: z.boolean().optional(),
});
export type LessonReadingInput = z.infer<typeof lessonReadingInput>;

export const lessonReadingSchema = z.object({
  id: z.uuid(),
  unit_id: z.uuid(),
  module_id: z.uuid(),
  content_id: z.uuid().nullable(),
  read_pct: z.number(),
  time_spent_seconds: z.number().int(),
  last_position: z.record(z.string(), z.unknown()).nullable(),
  completed_at: z.iso.datetime().nullable(),
  updated_at: z.iso.datetime(),
});
export type LessonReading = z.infer<typeof lessonReadingSchema>;
export const lessonReadingsQuery = z.object({
  since: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(MAX_PAGE_LIMIT),
});

// ── Back office: review and regeneration ──────────────────────────────────────

export const generatedContentListQuery = pageQuerySchema.extend({
  course_id: z.uuid().optional(),
  module_id: z.uuid().optional(),
  unit_id: z.uuid().optional(),
  content_type: z.enum(CONTENT_TYPES).optional(),
  language: languageSchema.optional(),
  validated: booleanQuery.optional(),
});
export type GeneratedContentListQuery = z.infer<typeof generatedContentListQuery>;

export const generatedContentSummarySchema = z.object({
  ...generatedMeta,
  course_id: z.uuid(),
  validated_by: z.uuid().nullable(),
  validated_at: z.iso.datetime().nullable(),
  sources_count: z.number().int(),
  updated_at: z.iso.datetime(),
});
export type GeneratedContentSummary = z.infer<typeof generatedContentSummarySchema>;

export const generatedContentDetailSchema = generatedContentSummarySchema.extend({
  content: z.unknown(),
  sources_cited: z.array(SourceRefSchema),
  metadata: z.record(z.string(), z.unknown()),
});
export type GeneratedContentDetail = z.infer<typeof generatedContentDetailSchema>;

export const contentIdParams = z.object({ id: z.uuid() });

export const reviewGeneratedContentInput = z.strictObject({
  validated: z.boolean(),
  note: z.string().trim().max(2000).optional(),
});
export type ReviewGeneratedContentInput = z.infer<typeof reviewGeneratedContentInput>;

/** 202: the new version replaces the stored one when it is ready (the version then goes up by one). */
export const regenerationSchema = z.object({
  id: z.uuid(),
  status: z.literal("queued"),
  job_id: z.string(),
  current_version: z.number().int(),
});
export type Regeneration = z.infer<typeof regenerationSchema>;

// ── Bulk pre-generation ───────────────────────────────────────────────────────

export const PREGENERATION_TYPES = ["lesson", "quiz", "flashcard", "case"] as const;

export const pregenerateInput = z.strictObject({
  content_types: z.array(z.enum(PREGENERATION_TYPES)).min(1).max(4).optional(),
  languages: z.array(languageSchema).min(1).max(2).optional(),
  level: z.number().int().min(1).max(4).optional(),
  country: countrySchema.optional(),
});
export type PregenerateInput = z.infer<typeof pregenerateInput>;

/** A list as a query parameter (`a,b`) or, from typed clients, as an array. */
function listParam<T extends z.ZodType<string, string>>(item: T) {
  const list = z.array(item).min(1);
  return z
    .union([
      list,
      z
        .string()
        .transform((v) => v.split(",").map((s) => s.trim()))
        .pipe(list),
    ])
    .optional();
}

/** The same options as query parameters, for the progress read. */
export const pregenerationQuery = z.object({
  content_types: listParam(z.enum(PREGENERATION_TYPES)),
  languages: listParam(languageSchema),
  level: z.coerce.number().int().min(1).max(4).optional(),
  country: countrySchema.optional(),
});

export const pregenerationItemSchema = z.object({
  content_type: z.enum(CONTENT_TYPES),
  unit_id: z.uuid().nullable(),
  language: languageSchema,
  status: z.enum(["ready", "pending"]),
  content_id: z.uuid().nullable(),
});

export const pregenerationSchema = z.object({
  module_id: z.uuid(),
  job_id: z.string(),
  state: z.string(),
  level: z.number().int(),
  country: z.string(),
  total: z.number().int(),
  ready: z.number().int(),
  items: z.array(pregenerationItemSchema),
});
export type Pregeneration = z.infer<typeof pregenerationSchema>;

// ── AI course structure ───────────────────────────────────────────────────────

export const STRUCTURE_PROPOSAL_STATUSES = ["queued", "running", "ready", "accepted", "rejected", "failed"] as const;

export const structureProposalSchema = z.object({
  id: z.uuid(),
  course_id: z.uuid(),
  status: z.enum(STRUCTURE_PROPOSAL_STATUSES),
  proposal: CourseStructureSchema.nullable(),
  error: z.string().nullable(),
  requested_by: z.uuid().nullable(),
  decided_by: z.uuid().nullable(),
  created_at: z.iso.datetime(),
  completed_at: z.iso.datetime().nullable(),
  decided_at: z.iso.datetime().nullable(),
});
export type StructureProposal = z.infer<typeof structureProposalSchema>;

export const proposalParams = z.object({ course_id: z.uuid(), proposal_id: z.uuid() });

/** Accept as generated, or with the admin's edits (validated like a generated proposal). */
export const acceptStructureInput = z.strictObject({ proposal: CourseStructureSchema.optional() });
export type AcceptStructureInput = z.infer<typeof acceptStructureInput>;

export const acceptedStructureSchema = z.object({
  proposal: structureProposalSchema,
  module_ids: z.array(z.uuid()),
});
export type AcceptedStructure = z.infer<typeof acceptedStructureSchema>;
