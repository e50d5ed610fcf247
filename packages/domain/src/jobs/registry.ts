/**
 * The one job registry: every BullMQ job by name, with the queue it runs on, the zod schema of its
 * payload and how long a finished one is kept. Producers enqueue through `enqueue` (payload typed
 * and validated), the worker parses each job's data through `parseJobPayload`; no one else names
 * a queue for a job or reads job data untyped.
 */
import { CONTENT_TYPES, LANGUAGES } from "@sira/contracts";
import type { QueueName } from "@sira/infra";
import { z } from "zod";

const cacheKeyPayload = z.object({
  moduleId: z.uuid(),
  /** Null for module-level content (the module's quiz and flashcards). */
  unitId: z.uuid().nullable(),
  contentType: z.enum(CONTENT_TYPES),
  language: z.enum(LANGUAGES),
  level: z.number().int(),
  country: z.string(),
});

const resourcePayload = z.object({ resourceId: z.uuid() });
/** Scheduled jobs carry no payload (BullMQ gives them `{}` or nothing). */
const noPayload = z.object({}).optional();

interface JobSpec {
  queue: QueueName;
  payload: z.ZodType;
  /** Keep the finished job (its state answers "done"); otherwise it is removed once completed. */
  keepCompleted: boolean;
}

export const JOBS = {
  /** Chunk and embed a course document. */
  "index-resource": { queue: "rag-indexing", payload: resourcePayload, keepCompleted: true },
  /** Extract and store the images of a PDF document. */
  "extract-images": { queue: "image-indexing", payload: resourcePayload, keepCompleted: true },
  /** Generate one piece of content (or regenerate a stored row at a version). */
  generate: {
    queue: "content-generation",
    payload: z.object({
      key: cacheKeyPayload,
      /** An admin's regeneration of a stored row at this version. */
      regenerate: z.object({ contentId: z.uuid(), expectedVersion: z.number().int() }).optional(),
      /** Queue the other language when done (learner requests and pre-generation do). */
      alsoOtherLanguage: z.boolean().optional(),
    }),
    keepCompleted: false,
  },
  /** Add new questions to a module's quiz bank (a stored quiz content at a version): decision 0067. */
  "top-up-quiz-bank": {
    queue: "content-generation",
    /** `size`: the items of that version when it was asked for; a bank grown since is left alone. */
    payload: z.object({ contentId: z.uuid(), version: z.number().int(), size: z.number().int() }),
    keepCompleted: false,
  },
  /** Generate every missing piece of a module's content. */
  pregenerate: {
    queue: "content-generation",
    payload: z.object({
      moduleId: z.uuid(),
      contentTypes: z.array(z.enum(CONTENT_TYPES)),
      languages: z.array(z.enum(LANGUAGES)),
      level: z.number().int(),
      country: z.string(),
    }),
    keepCompleted: false,
  },
  /** Propose a course structure from its indexed documents. */
  "generate-structure": {
    queue: "syllabus-generation",
    payload: z.object({ proposalId: z.uuid() }),
    keepCompleted: true,
  },
  /** Build a course pre-assessment's item bank. */
  "generate-preassessment": {
    queue: "preassessment-generation",
    payload: z.object({
      courseId: z.uuid(),
      /** The country the generated questions are set in (the requester's). */
      country: z.string(),
    }),
    keepCompleted: false,
  },
  /** Read a lesson aloud, one file per section (the generated_audio row's id). */
  "generate-audio": {
    queue: "audio-generation",
    // version: the lesson version the job was queued for (absent in jobs queued before it existed).
    payload: z.object({ audioId: z.uuid(), version: z.number().int().min(1).optional() }),
    keepCompleted: false,
  },
  /** Draw a lesson's or module's illustration (job id = image id). */
  "generate-image": {
    queue: "media",
    payload: z.object({ imageId: z.uuid(), language: z.enum(LANGUAGES).optional() }),
    keepCompleted: false,
  },
  /** Write a module media's FR/EN summary (job id per media version). */
  "summarize-media": { queue: "media", payload: z.object({ mediaId: z.uuid() }), keepCompleted: false },
  /** Answer a tutor question (streamed to the learner through Redis, stored when done). */
  "tutor-answer": { queue: "tutor", payload: z.object({ answerId: z.uuid() }), keepCompleted: false },
  /** After a tutor turn: update the learner memory and fold old turns into the rolling summary. */
  "tutor-memory": { queue: "tutor", payload: z.object({ answerId: z.uuid() }), keepCompleted: false },
  /** Re-queue or fail (message given back) tutor answers left waiting with no job behind them. */
  "settle-lost-tutor-answers": { queue: "maintenance", payload: noPayload, keepCompleted: true },
  /** End subscriptions at their end date, send 3-day reminders, close expired payment intents. */
  "subscription-schedule": { queue: "subscriptions", payload: noPayload, keepCompleted: true },
  /** Check the ledger: every balance the sum of its rows, every posting summing to zero. */
  "reconcile-ledger": { queue: "maintenance", payload: noPayload, keepCompleted: true },
  /** Superseded by `cleanup-rows` (which runs it); kept for a schedule an earlier release registered. */
  "purge-expired": { queue: "maintenance", payload: noPayload, keepCompleted: true },
  /** Remove temporary uploads and stored objects no row names (decision 0047). */
  "cleanup-storage": { queue: "maintenance", payload: noPayload, keepCompleted: true },
  /** Remove expired rows: purge-expired's, spent proposals and sign-in secrets, old usage events. */
  "cleanup-rows": { queue: "maintenance", payload: noPayload, keepCompleted: true },
  /** Remove finished or abandoned generation and tutor streams from Redis. */
  "cleanup-streams": { queue: "maintenance", payload: noPayload, keepCompleted: true },
  /** Rebuild the daily usage roll-ups (the last days, and any day not rolled yet). */
  "usage-rollup": { queue: "maintenance", payload: noPayload, keepCompleted: true },
  "requeue-stalled-indexing": { queue: "maintenance", payload: noPayload, keepCompleted: true },
  /** Close summative tests left a day without an answer, feeding their answers to the cards (decision 0066). */
  "close-idle-quiz-attempts": { queue: "maintenance", payload: noPayload, keepCompleted: true },
  /** Re-estimate quiz items' difficulties from real responses and flag misfits (decision 0051). */
  "calibrate-items": { queue: "maintenance", payload: noPayload, keepCompleted: true },
  /** Fit FSRS weights per learner and per course cohort, kept when they beat the defaults (decision 0052). */
  "fit-fsrs-parameters": { queue: "maintenance", payload: noPayload, keepCompleted: true },
} as const satisfies Record<string, JobSpec>;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]["payload"]>;

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOBS, name);
}

/** The job's payload, validated (a ZodError, a permanent failure, when it does not match). */
export function parseJobPayload<N extends JobName>(name: N, data: unknown): JobPayload<N> {
  return JOBS[name].payload.parse(data) as JobPayload<N>;
}

/** Every queue some registered job runs on. */
export function registeredQueues(): QueueName[] {
  return [...new Set(Object.values(JOBS).map((job) => job.queue))];
}
