/**
 * Case studies for learners (decision 0051): the scenario, its data and guided questions are read
 * first; the annotated correction is served only once the learner has submitted answers.
 */
import { z } from "zod";
import { languageSchema } from "./common.ts";
import { CaseStudyContentSchema, SourceRefSchema } from "./content.ts";
import { unitActionSchema } from "./progress.ts";

/** Longest answer to one guided question, in characters. */
export const CASE_ANSWER_MAX_CHARS = 5000;
export const CASE_MAX_QUESTIONS = 10;

export const caseStudyParams = z.object({ module_id: z.uuid(), unit_id: z.uuid() });

export const caseStudyCorrectionSchema = CaseStudyContentSchema.shape.correction;

/** The learner's stored answers (a resubmission replaces them). */
export const caseStudySubmissionSchema = z.object({
  id: z.uuid(),
  unit_id: z.uuid(),
  content_id: z.uuid().nullable(),
  content_version: z.number().int().nullable(),
  language: languageSchema,
  answers: z.array(z.string()),
  submitted_at: z.iso.datetime(),
});
export type CaseStudySubmission = z.infer<typeof caseStudySubmissionSchema>;

/** A case-study unit as a learner reads it: `correction` is null until they have submitted. */
export const caseStudySchema = z.object({
  id: z.uuid(),
  module_id: z.uuid(),
  unit_id: z.uuid(),
  language: languageSchema,
  level: z.number().int().min(1).max(4),
  country_context: z.string(),
  version: z.number().int().min(1),
  validated: z.boolean(),
  offline: z.boolean(),
  generated_at: z.iso.datetime(),
  content: CaseStudyContentSchema.omit({ correction: true }),
  sources_cited: z.array(SourceRefSchema),
  submission: caseStudySubmissionSchema.nullable(),
  correction: caseStudyCorrectionSchema.nullable(),
});
export type CaseStudy = z.infer<typeof caseStudySchema>;

/**
 * Answers to the case study read (its id and version), one per guided question in order. A
 * resubmission replaces the stored answers; the same answers again change nothing.
 */
export const caseStudySubmitInput = z.strictObject({
  content_id: z.uuid(),
  version: z.number().int().min(1),
  answers: z.array(z.string().trim().min(1).max(CASE_ANSWER_MAX_CHARS)).min(1).max(CASE_MAX_QUESTIONS),
});
export type CaseStudySubmitInput = z.infer<typeof caseStudySubmitInput>;

/** The case study with its correction, and the unit's completion with what it unlocked. */
export const caseStudySubmitResultSchema = unitActionSchema.extend({ case_study: caseStudySchema });
export type CaseStudySubmitResult = z.infer<typeof caseStudySubmitResultSchema>;
