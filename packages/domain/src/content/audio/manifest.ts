/**
 * GET a lesson's audio: the manifest when every section is made; else the sections made so far
 * after starting (once) the job that makes them. The first request creates the generated_audio
 * row (unique on content, voice and format) and its job (id from the row id and the lesson
 * version), so concurrent first requests share one row and one job. A lesson regenerated since
 * (another version, or a retired row) starts over at its new version.
 */
import { lessonSpeechSections } from "@sira/ai";
import { AppError, type AudioFormat, type LessonAudio } from "@sira/contracts";
import { jobIdFor } from "@sira/infra";
import type { Viewer } from "../../access/actor.ts";
import { enqueue } from "../../jobs/enqueue.ts";
import { type AudioDeps, type AudioLesson, openAudioLesson, storedSections } from "./shared.ts";

/** How long a client waits before asking again while sections are made. */
export const AUDIO_RETRY_AFTER_SECONDS = 3;
/** A failed generation is tried again by the first request after this long. */
export const AUDIO_FAILURE_COOLDOWN_MS = 10 * 60_000;

export const AUDIO_MIME: Record<AudioFormat, string> = { opus: "audio/ogg", mp3: "audio/mpeg" };

export const audioJobId = (audioId: string, version: number): string => jobIdFor("audio", audioId, `v${version}`);

export const audioSectionPath = (contentId: string, index: number, format: AudioFormat, version: number): string =>
  `/api/v1/lessons/${contentId}/audio/sections/${index}?format=${format}&v=${version}`;

type AudioRow = NonNullable<Awaited<ReturnType<AudioDeps["db"]["generatedAudio"]["findUnique"]>>>;

async function findOrCreateRow(deps: AudioDeps, lesson: AudioLesson, format: AudioFormat): Promise<AudioRow> {
  const voice = deps.ai.tts.voice(lesson.language);
  await deps.db.$executeRaw`
    INSERT INTO generated_audio (content_id, content_version, language, voice, format, provider)
    VALUES (${lesson.id}::uuid, ${lesson.version}, ${lesson.language}, ${voice}, ${format}, ${deps.ai.tts.provider})
    ON CONFLICT (content_id, voice, format) DO NOTHING`;
  const where = { contentId_voice_format: { contentId: lesson.id, voice, format } };
  const row = await deps.db.generatedAudio.findUniqueOrThrow({ where });
  const stale = row.contentVersion !== lesson.version || row.status === "retired";
  const cooled = row.status === "failed" && Date.now() - row.updatedAt.getTime() >= AUDIO_FAILURE_COOLDOWN_MS;
  if (!stale && !cooled) return row;
  // Start over at the lesson's version; only one of concurrent requests applies it (same row state).
  await deps.db.generatedAudio.updateMany({
    where: { id: row.id, contentVersion: row.contentVersion, status: row.status },
    data: {
      contentVersion: lesson.version,
      status: "pending",
      error: null,
      provider: deps.ai.tts.provider,
      ...(stale ? { sections: [], durationMs: null, byteSize: null, storageKey: null } : {}),
    },
  });
  return deps.db.generatedAudio.findUniqueOrThrow({ where });
}

function manifestOf(lesson: AudioLesson, row: AudioRow, format: AudioFormat, total: number): LessonAudio {
  const sections = storedSections(row.sections).map((s) => ({
    index: s.index,
    heading: s.heading,
    duration_ms: s.duration_ms,
    bytes: s.bytes,
    url: audioSectionPath(lesson.id, s.index, format, row.contentVersion),
  }));
  const ready = row.status === "ready";
  return {
    status: ready ? "ready" : "generating",
    content_id: lesson.id,
    version: row.contentVersion,
    language: lesson.language,
    voice: row.voice,
    format,
    mime_type: AUDIO_MIME[format],
    duration_ms: sections.reduce((n, s) => n + s.duration_ms, 0),
    bytes: sections.reduce((n, s) => n + s.bytes, 0),
    sections_total: ready ? sections.length : Math.max(total, sections.length),
    sections,
    ...(ready ? {} : { retry_after: AUDIO_RETRY_AFTER_SECONDS }),
  };
}

/**
 * The lesson's audio in `format` for the viewer (lesson access rules): `ready` with every section,
 * or `generating` with those made so far (the job started once). 503 AUDIO_UNAVAILABLE while a
 * failed generation cools down.
 */
export async function getLessonAudio(
  deps: AudioDeps,
  viewer: Viewer,
  contentId: string,
  format: AudioFormat,
): Promise<LessonAudio> {
  const lesson = await openAudioLesson(deps.db, viewer, contentId);
  const row = await findOrCreateRow(deps, lesson, format);
  if (row.status === "failed") {
    const waited = Date.now() - row.updatedAt.getTime();
    throw new AppError("AUDIO_UNAVAILABLE", {
      retryAfterSeconds: Math.max(1, Math.ceil((AUDIO_FAILURE_COOLDOWN_MS - waited) / 1000)),
    });
  }
  if (row.status !== "ready") {
    const payload = { audioId: row.id, version: row.contentVersion };
    await enqueue(deps, "generate-audio", payload, audioJobId(row.id, row.contentVersion));
  }
  return manifestOf(lesson, row, format, lessonSpeechSections(lesson.markdown).length);
}
