/**
 * The "generate-audio" job: reads the lesson's sections aloud (the `tts` provider), one file per
 * section, each added to the row's manifest as soon as it is stored so a phone can start on the
 * first while the rest are made. Safe to run twice: a section already listed for this version is
 * kept. When every section is written the row is `ready` and the files of older versions go.
 * A missing tool (espeak-ng, opusenc, lame) fails the job at once with the package to install.
 */
import { createHash } from "node:crypto";
import { AUDIO_EXTENSIONS, lessonSpeechSections, SpeechToolMissingError } from "@sira/ai";
import { type AudioFormat, clipText, type Language, type LessonContent } from "@sira/contracts";
import { PermanentJobError } from "../../jobs/failures.ts";
import { type AudioDeps, audioPrefix, type StoredSection, storedSections } from "./shared.ts";

export type AudioOutcome =
  | { status: "ready"; audioId: string; sections: number; durationMs: number; bytes: number }
  | { status: "gone" | "already-ready" | "superseded"; audioId: string };

/** `jobVersion`: the lesson version the job was queued for; a job of another version does nothing. */
export async function generateLessonAudio(
  deps: AudioDeps,
  audioId: string,
  signal?: AbortSignal,
  jobVersion?: number,
): Promise<AudioOutcome> {
  const row = await deps.db.generatedAudio.findUnique({
    where: { id: audioId },
    include: { content: { select: { version: true, content: true, language: true } } },
  });
  if (!row) return { status: "gone", audioId };
  const version = row.content.version;
  // A job queued for an older version leaves the row to the current version's own job.
  if (jobVersion !== undefined && jobVersion !== version) return { status: "superseded", audioId };
  if (row.status === "ready" && row.contentVersion === version) return { status: "already-ready", audioId };
  const format = row.format as AudioFormat;
  const language = row.content.language as Language;
  try {
    await deps.ai.tts.check(format);
  } catch (error) {
    if (error instanceof SpeechToolMissingError) throw new PermanentJobError(error.message);
    throw error;
  }
  const markdown = (row.content.content as Partial<LessonContent>).markdown ?? "";
  const sections = lessonSpeechSections(markdown);
  if (sections.length === 0) throw new PermanentJobError("the lesson has no text to read aloud");

  const sameVersion = row.contentVersion === version && row.status !== "retired";
  const claimed = await deps.db.generatedAudio.updateMany({
    where: { id: audioId, contentVersion: row.contentVersion, status: row.status },
    data: {
      status: "generating",
      contentVersion: version,
      provider: deps.ai.tts.provider,
      error: null,
      ...(sameVersion ? {} : { sections: [], durationMs: null, byteSize: null, storageKey: null }),
    },
  });
  if (claimed.count === 0) return { status: "superseded", audioId };
  const prefix = audioPrefix(row.contentId, row.voice, format, version);
  const done = new Map((sameVersion ? storedSections(row.sections) : []).map((s) => [s.index, s]));

  for (const section of sections) {
    if (done.has(section.index)) continue;
    signal?.throwIfAborted();
    const spoken = await deps.ai.tts.synthesize(section.text, { language, format, ...(signal ? { signal } : {}) });
    const sha256 = createHash("sha256").update(spoken.audio).digest("hex");
    const key = `${prefix}/${section.index}-${sha256.slice(0, 16)}.${AUDIO_EXTENSIONS[format]}`;
    await deps.storage.put(key, spoken.audio);
    const stored: StoredSection = {
      index: section.index,
      heading: section.heading,
      key,
      duration_ms: spoken.durationMs,
      bytes: spoken.audio.length,
      sha256,
    };
    // Listed at once (the manifest shows it), only while this run still owns the row at this version.
    const appended = await deps.db.$executeRaw`
      UPDATE generated_audio SET sections = sections || ${JSON.stringify([stored])}::jsonb, updated_at = now()
      WHERE id = ${audioId}::uuid AND content_version = ${version} AND status = 'generating'
        AND NOT sections @> ${JSON.stringify([{ index: section.index }])}::jsonb`;
    if (appended === 0) return superseded(deps, audioId, version, prefix);
    done.set(section.index, stored);
  }

  const all = [...done.values()].sort((a, b) => a.index - b.index);
  const durationMs = all.reduce((n, s) => n + s.duration_ms, 0);
  const bytes = all.reduce((n, s) => n + s.bytes, 0);
  const finished = await deps.db.generatedAudio.updateMany({
    where: { id: audioId, contentVersion: version, status: "generating" },
    data: { status: "ready", storageKey: prefix, durationMs, byteSize: bytes, error: null },
  });
  if (finished.count === 0) return superseded(deps, audioId, version, prefix);
  // The new files are in place: those of every older version of this row can go.
  for (let old = 1; old < version; old++) {
    await deps.storage.deletePrefix(audioPrefix(row.contentId, row.voice, format, old));
  }
  deps.logger.info(
    {
      audio_id: audioId,
      content_id: row.contentId,
      version,
      format,
      sections: all.length,
      duration_ms: durationMs,
      bytes,
    },
    "lesson audio ready",
  );
  return { status: "ready", audioId, sections: all.length, durationMs, bytes };
}

/** The row moved on (the lesson was regenerated): unless it is back at this version, drop what this run wrote. */
async function superseded(deps: AudioDeps, audioId: string, version: number, prefix: string): Promise<AudioOutcome> {
  const now = await deps.db.generatedAudio.findUnique({ where: { id: audioId }, select: { contentVersion: true } });
  if (!now || now.contentVersion !== version) await deps.storage.deletePrefix(prefix);
  return { status: "superseded", audioId };
}

/**
 * A failure that ends the job (permanent, or the last attempt) marks the row failed with its
 * reason, unless the row has moved to another version than the job's.
 */
export async function recordAudioFailure(
  deps: Pick<AudioDeps, "db">,
  audioId: string,
  error: unknown,
  version?: number,
): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  await deps.db.generatedAudio.updateMany({
    where: {
      id: audioId,
      status: { in: ["pending", "generating"] },
      ...(version !== undefined ? { contentVersion: version } : {}),
    },
    data: { status: "failed", error: clipText(message, 1000) },
  });
}
