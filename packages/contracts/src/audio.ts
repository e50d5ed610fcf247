/**
 * Lesson audio: the lesson read aloud, one file per section so a phone on 2G can start the first
 * section while the rest downloads. The manifest lists the sections made so far, in lesson order.
 */
import { z } from "zod";
import { LANGUAGES } from "./errors.ts";

/** Ogg/Opus (the default: about 2.5 KB per second of speech) or MP3 for players without Opus. */
export const AUDIO_FORMATS = ["opus", "mp3"] as const;
export type AudioFormat = (typeof AUDIO_FORMATS)[number];

export const lessonAudioParams = z.object({ id: z.uuid().describe("The lesson's generated_content id") });
export const lessonAudioQuery = z.object({ format: z.enum(AUDIO_FORMATS).default("opus") });
export const lessonAudioSectionParams = lessonAudioParams.extend({
  index: z.coerce.number().int().min(0).max(99).describe("The section's position in the lesson, from 0"),
});
export const lessonAudioSectionQuery = lessonAudioQuery.extend({
  v: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe("The lesson version the manifest named; a section of another version is 404 (fetch the manifest again)"),
});

export const audioSectionSchema = z.object({
  index: z.number().int(),
  heading: z.string(),
  duration_ms: z.number().int(),
  bytes: z.number().int(),
  /** Where its bytes are (Range requests welcome; cache it: the URL changes with the lesson). */
  url: z.string(),
});
export type AudioSection = z.infer<typeof audioSectionSchema>;

export const lessonAudioSchema = z.object({
  /** `ready`: every section is listed; `generating`: the sections made so far are. */
  status: z.enum(["generating", "ready"]),
  content_id: z.uuid(),
  version: z.number().int(),
  language: z.enum(LANGUAGES),
  voice: z.string(),
  format: z.enum(AUDIO_FORMATS),
  mime_type: z.string(),
  /** Of the sections listed. */
  duration_ms: z.number().int(),
  bytes: z.number().int(),
  /** How many sections the lesson has in all. */
  sections_total: z.number().int(),
  sections: z.array(audioSectionSchema),
  /** While generating: seconds to wait before asking again. */
  retry_after: z.number().int().optional(),
});
export type LessonAudio = z.infer<typeof lessonAudioSchema>;
