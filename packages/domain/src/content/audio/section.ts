/**
 * One section's bytes: found by lesson, format and index under the lesson's access rules, with its
 * content hash as a strong ETag; a read from range start 0 of section 0 is one play (usage).
 */

import type { Readable } from "node:stream";
import { lessonSpeechSections } from "@sira/ai";
import { AppError, type AudioFormat } from "@sira/contracts";
import type { ByteRange } from "@sira/infra";
import type { Viewer } from "../../access/actor.ts";
import { AUDIO_MIME } from "./manifest.ts";
import { type AudioRequestDeps, openAudioLesson, storedSections } from "./shared.ts";

export interface AudioSectionFile {
  size: number;
  etag: string;
  mimeType: string;
  filename: string;
  /** The section's key in storage (presigned media). */
  storageKey: string;
  open(range?: ByteRange): Promise<Readable>;
  /** Records one play of the lesson's audio (call when section 0 is read from its start). */
  recordPlay(): void;
}

/**
 * 404 when the lesson has no such section in `format`, or `version` names another version (the
 * client's manifest is old); 409 AUDIO_NOT_READY while the section is still being made.
 */
export async function lessonAudioSection(
  deps: AudioRequestDeps,
  viewer: Viewer,
  contentId: string,
  index: number,
  format: AudioFormat,
  version?: number,
): Promise<AudioSectionFile> {
  const lesson = await openAudioLesson(deps.db, viewer, contentId);
  if (version !== undefined && version !== lesson.version) throw new AppError("NOT_FOUND");
  const voice = deps.ai.tts.voice(lesson.language);
  const row = await deps.db.generatedAudio.findUnique({
    where: { contentId_voice_format: { contentId, voice, format } },
  });
  const current = row && row.contentVersion === lesson.version && row.status !== "retired" ? row : null;
  const section = current ? storedSections(current.sections).find((s) => s.index === index) : undefined;
  if (!current || !section) {
    const coming = current && (current.status === "pending" || current.status === "generating");
    if (coming && index < lessonSpeechSections(lesson.markdown).length) throw new AppError("AUDIO_NOT_READY");
    throw new AppError("NOT_FOUND");
  }
  const totalMs = current.status === "ready" && current.durationMs !== null ? current.durationMs : section.duration_ms;
  return {
    size: section.bytes,
    etag: `"${section.sha256.slice(0, 32)}"`,
    mimeType: AUDIO_MIME[format],
    filename: `lesson-${lesson.version}-${index}.${format}`,
    storageKey: section.key,
    open: async (range) => {
      const body = await deps.storage.get(section.key, range);
      if (!body) throw new AppError("NOT_FOUND");
      return body;
    },
    recordPlay: () =>
      deps.usage.record({
        kind: "audio_play",
        userId: viewer.userId,
        courseId: lesson.courseId,
        quantity: Math.round(totalMs / 1000),
        metadata: { content_id: lesson.id, format },
      }),
  };
}
