/**
 * The AI tutor: a question answered over SSE (meta, delta, citation, done, error), conversations
 * and their history, the learner memory the tutor keeps per course, and the daily message count.
 */
import { z } from "zod";
import { languageSchema, pageQuerySchema } from "./common.ts";
import { SourceRefSchema } from "./content.ts";

const iso = z.iso.datetime();

/** A question longer than this is refused (400): it would crowd out the sources in the prompt. */
export const TUTOR_MESSAGE_MAX_CHARS = 2_000;

export const tutorAskInput = z.strictObject({
  /** Continue this conversation; a new one is started without it. */
  conversation_id: z.uuid().optional(),
  course_id: z.uuid(),
  /** What the learner is studying: retrieval favours it. */
  module_id: z.uuid().optional(),
  unit_id: z.uuid().optional(),
  message: z.string().trim().min(1).max(TUTOR_MESSAGE_MAX_CHARS),
});
export type TutorAskInput = z.infer<typeof tutorAskInput>;

export const TUTOR_MESSAGE_STATUSES = ["streaming", "complete", "incomplete", "failed"] as const;

/** A cited source, with the marker number [n] the answer uses for it. */
export const tutorCitationSchema = SourceRefSchema.extend({ n: z.number().int().min(1) });
export type TutorCitation = z.infer<typeof tutorCitationSchema>;

export const tutorMessageSchema = z.object({
  id: z.uuid(),
  conversation_id: z.uuid(),
  role: z.enum(["user", "assistant"]),
  content: z.string(),
  /** streaming while being answered; incomplete when the learner left before the end. */
  status: z.enum(TUTOR_MESSAGE_STATUSES),
  sources_cited: z.array(tutorCitationSchema),
  /** The learner message an answer replies to. */
  reply_to: z.uuid().nullable(),
  model: z.string().nullable(),
  created_at: iso,
  updated_at: iso,
});
export type TutorMessage = z.infer<typeof tutorMessageSchema>;
export const TUTOR_MESSAGE_FIELDS = Object.keys(tutorMessageSchema.shape);

export const tutorConversationSchema = z.object({
  id: z.uuid(),
  course_id: z.uuid(),
  module_id: z.uuid().nullable(),
  unit_id: z.uuid().nullable(),
  title: z.string().nullable(),
  language: languageSchema,
  message_count: z.number().int(),
  last_message_at: iso.nullable(),
  created_at: iso,
  updated_at: iso,
});
export type TutorConversation = z.infer<typeof tutorConversationSchema>;
export const TUTOR_CONVERSATION_FIELDS = Object.keys(tutorConversationSchema.shape);

export const tutorConversationParams = z.object({ id: z.uuid() });
export const tutorAnswerParams = z.object({ answer_id: z.uuid() });
export const tutorConversationsQuery = pageQuerySchema.extend({ course_id: z.uuid().optional() });
export const tutorCourseParams = z.object({ course_id: z.uuid() });

/** Today's tutor messages: `resets_at` is the next midnight in the learner's time zone. */
export const tutorRemainingSchema = z.object({
  limit: z.number().int(),
  used: z.number().int(),
  remaining: z.number().int(),
  resets_at: iso,
});
export type TutorRemaining = z.infer<typeof tutorRemainingSchema>;

/** A question accepted: follow `stream_url` for the answer (tRPC; REST answers the stream itself). */
export const tutorTurnSchema = z.object({
  conversation_id: z.uuid(),
  message_id: z.uuid(),
  answer_id: z.uuid(),
  stream_url: z.string(),
  messages_left: z.number().int(),
  /** This request repeated an earlier one (same Idempotency-Key): nothing was asked or counted again. */
  replayed: z.boolean(),
});
export type TutorTurn = z.infer<typeof tutorTurnSchema>;

/** What the tutor remembers about the learner in one course; the learner sees and may clear it. */
export const learnerMemorySchema = z.object({
  course_id: z.uuid(),
  level: z.number().int().min(1).max(4).nullable(),
  goals: z.array(z.string()),
  misconceptions: z.array(z.string()),
  strengths: z.array(z.string()),
  preferences: z.array(z.string()),
  summary: z.string().nullable(),
  updated_at: iso.nullable(),
});
export type LearnerMemory = z.infer<typeof learnerMemorySchema>;
