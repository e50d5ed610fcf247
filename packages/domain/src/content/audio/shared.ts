/**
 * Lesson audio's stored shape: where a section's bytes live, the manifest kept in
 * generated_audio.sections, and what the request and the job both read from the lesson.
 */
import type { AiProviders } from "@sira/ai";
import { AppError, type AudioFormat, type Language, type LessonContent } from "@sira/contracts";
import type { Config, FileStorage, Logger } from "@sira/infra";
import type { Db } from "@sira/infra/db";
import type { Viewer } from "../../access/actor.ts";
import { openLearnerModule } from "../../access/learner.ts";
import type { UsageSink } from "../../usage/recorder.ts";

export interface AudioDeps {
  config: Pick<Config, "QUEUE_PREFIX">;
  db: Db;
  storage: FileStorage;
  logger: Logger;
  ai: Pick<AiProviders, "tts">;
}

export type AudioRequestDeps = AudioDeps & { usage: UsageSink };

/** One section as generated_audio.sections keeps it. */
export interface StoredSection {
  index: number;
  heading: string;
  key: string;
  duration_ms: number;
  bytes: number;
  /** SHA-256 of the bytes (hex): the section's strong ETag. */
  sha256: string;
}

export type AudioStatus = "pending" | "generating" | "ready" | "failed" | "retired";

/**
 * Every file of one audio row at one lesson version sits under this prefix, so the files of a
 * retired version go with one deletePrefix once the new ones are written.
 */
export function audioPrefix(contentId: string, voice: string, format: AudioFormat, version: number): string {
  const safeVoice = voice.replace(/[^A-Za-z0-9._-]+/g, "_");
  return `audio/${contentId}/${safeVoice}/${format}/v${version}`;
}

export function storedSections(value: unknown): StoredSection[] {
  if (!Array.isArray(value)) return [];
  return (value as StoredSection[]).slice().sort((a, b) => a.index - b.index);
}

export interface AudioLesson {
  id: string;
  version: number;
  language: Language;
  markdown: string;
  courseId: string;
}

/**
 * The lesson behind a generated_content id, opened with the lesson's own access rule: 404 unless
 * it is a lesson the viewer can see, 403 NOT_ENROLLED, 423 MODULE_LOCKED (staff are never locked).
 */
export async function openAudioLesson(db: Db, viewer: Viewer, contentId: string): Promise<AudioLesson> {
  const content = await db.generatedContent.findUnique({
    where: { id: contentId },
    select: { id: true, moduleId: true, unitId: true, contentType: true, language: true, version: true, content: true },
  });
  if (content?.contentType !== "lesson" || !content.unitId) throw new AppError("NOT_FOUND");
  const module = await openLearnerModule(db, viewer, content.moduleId, {
    units: { some: { id: content.unitId, unitType: "lesson" } },
  });
  return {
    id: content.id,
    version: content.version,
    language: content.language as Language,
    markdown: (content.content as Partial<LessonContent>).markdown ?? "",
    courseId: module.courseId,
  };
}
