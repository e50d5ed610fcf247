/** Item calibration's review list: quiz items whose last calibration flagged them (decision 0051). */
import { z } from "zod";
import { languageSchema, pageQuerySchema } from "./common.ts";

export const flaggedQuizItemsQuery = pageQuerySchema.extend({
  course_id: z.uuid().optional(),
  module_id: z.uuid().optional(),
  language: languageSchema.optional(),
});
export type FlaggedQuizItemsQuery = z.infer<typeof flaggedQuizItemsQuery>;

export const flaggedQuizItemSchema = z.object({
  id: z.uuid(),
  module_id: z.uuid(),
  course_id: z.uuid(),
  language: languageSchema,
  stem: z.string(),
  options: z.array(z.string()),
  correct_option: z.number().int(),
  /** The written level 1-5 and its logit (the prior). */
  difficulty: z.number().int(),
  written_b: z.number(),
  /** The difficulty re-estimated from responses (logits), the responses it used, and when. */
  calibrated_b: z.number().nullable(),
  calibration_n: z.number().int(),
  calibrated_at: z.iso.datetime().nullable(),
  /** Outfit mean-square (1 expected) and point-biserial with the rest-ability. */
  outfit: z.number().nullable(),
  point_biserial: z.number().nullable(),
  /** The outfit bound above which an item is flagged. */
  outfit_flag_above: z.number(),
  flagged_at: z.iso.datetime(),
  flag_reason: z.string(),
  is_active: z.boolean(),
});
export type FlaggedQuizItem = z.infer<typeof flaggedQuizItemSchema>;
