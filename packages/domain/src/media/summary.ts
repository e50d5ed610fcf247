/**
 * The media summary (the `summarize-media` job): FR/EN summaries of a module media, written after
 * it is created or its texts change. The text summarised is an uploaded PDF's own text (read by
 * the document extraction, in a worker thread within its limits), else the admin's descriptions.
 * Claude, when configured, writes each language's summary; offline, the extractive summary keeps
 * the text's own sentences, in its own language only (the reader's `summary` falls back to the
 * other language). A summary is written only if the texts it was made from are still the media's
 * (a reorder or an edit of the language or duration does not stop it).
 */
import { detectLanguage, SUMMARY_MAX_CHARS } from "@sira/ai";
import { AppError, clipText, LANGUAGES, type Language } from "@sira/contracts";
import { toStoredExtraction } from "../resources/extract.ts";
import { extractInThread } from "../resources/extract-thread.ts";
import { readStored } from "../resources/stored.ts";
import type { MediaDeps } from "./deps.ts";

export interface MediaSummaryOutcome {
  mediaId: string;
  /** False when the media was deleted or its texts changed meanwhile (their own job follows). */
  written: boolean;
  languages: Language[];
}

const clip = (text: string) =>
  text.length <= SUMMARY_MAX_CHARS ? text : `${clipText(text, SUMMARY_MAX_CHARS - 1).trimEnd()}…`;

async function documentText(deps: MediaDeps, key: string): Promise<string | null> {
  const bytes = await readStored(deps.storage, key);
  const extracted = await extractInThread("pdf", bytes, deps.config);
  const text = toStoredExtraction(extracted).rawText.trim();
  return text || null;
}

/** One summary of `text` in `language`; a text too short for the extractive summary is its own summary. */
async function summaryOf(
  deps: MediaDeps,
  title: string,
  text: string,
  language: Language,
  signal?: AbortSignal,
): Promise<string> {
  const flat = text.replace(/\s+/g, " ").trim();
  if (deps.ai.generator.offline && flat.length <= SUMMARY_MAX_CHARS / 2) return flat;
  try {
    const result = await deps.ai.generator.summarize({ title, text, language }, { signal });
    return clip(result.content.trim());
  } catch (error) {
    // Too little text for TextRank: the description stands for itself.
    if (deps.ai.generator.offline && error instanceof AppError && error.status < 500) return clip(flat);
    throw error;
  }
}

export async function summarizeModuleMedia(
  deps: MediaDeps,
  mediaId: string,
  options: { signal?: AbortSignal } = {},
): Promise<MediaSummaryOutcome> {
  const row = await deps.db.moduleMedia.findUnique({
    where: { id: mediaId },
    select: {
      id: true,
      titleFr: true,
      titleEn: true,
      descriptionFr: true,
      descriptionEn: true,
      storageKey: true,
      mimeType: true,
    },
  });
  if (!row) return { mediaId, written: false, languages: [] };
  const docText =
    row.storageKey && row.mimeType === "application/pdf" ? await documentText(deps, row.storageKey) : null;
  const summaries: Record<Language, string | null> = { fr: null, en: null };
  const titles = { fr: row.titleFr, en: row.titleEn };
  const descriptions = { fr: row.descriptionFr, en: row.descriptionEn };
  if (deps.ai.generator.offline) {
    if (docText) {
      const language = detectLanguage(docText);
      summaries[language] = await summaryOf(deps, titles[language], docText, language, options.signal);
    } else {
      for (const language of LANGUAGES) {
        const text = descriptions[language];
        if (text?.trim()) summaries[language] = await summaryOf(deps, titles[language], text, language, options.signal);
      }
    }
  } else {
    for (const language of LANGUAGES) {
      const other = descriptions[language === "fr" ? "en" : "fr"];
      const text = docText ?? descriptions[language] ?? other;
      if (text?.trim()) summaries[language] = await summaryOf(deps, titles[language], text, language, options.signal);
    }
  }
  const { count } = await deps.db.moduleMedia.updateMany({
    where: {
      id: mediaId,
      titleFr: row.titleFr,
      titleEn: row.titleEn,
      descriptionFr: row.descriptionFr,
      descriptionEn: row.descriptionEn,
      storageKey: row.storageKey,
    },
    data: { summaryFr: summaries.fr, summaryEn: summaries.en, status: "ready" },
  });
  return {
    mediaId,
    written: count === 1,
    languages: LANGUAGES.filter((l) => summaries[l] !== null),
  };
}

/** Marks a media whose summary could not be written (after the last attempt): it stays usable. */
export async function recordMediaSummaryFailure(deps: Pick<MediaDeps, "db">, mediaId: string): Promise<void> {
  await deps.db.moduleMedia
    .updateMany({ where: { id: mediaId, status: "processing" }, data: { status: "failed" } })
    .catch(() => undefined);
}
