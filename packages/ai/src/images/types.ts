/** The image seam: an illustration of a lesson or module, from a model or drawn offline. */
import type { Language } from "@sira/contracts";

/** What an illustration shows: the lesson's (or module's) title and its key concepts. */
export interface IllustrationRequest {
  /** The lesson's or module's title, in `language`. */
  title: string;
  language: Language;
  /** The key concepts, in reading order (lesson concept headings, or a module's unit titles). */
  concepts: { title: string; detail?: string }[];
  /** Key terms of the lesson, for the prompt (may be empty). */
  keyTerms?: string[];
  /** The course's subject in a few words, for the prompt. */
  topic?: string;
}

export interface Illustration {
  bytes: Uint8Array;
  /** `image/png` (a model) or `image/svg+xml` (the offline diagram); rasterised to WebP by the caller. */
  mimeType: string;
  /** The text prompt sent to a model, or a description of the diagram drawn offline. */
  prompt: string;
  provider: string;
  model: string | null;
}

export interface ImageGenerator {
  readonly provider: string;
  readonly model: string | null;
  readonly offline: boolean;
  illustrate(request: IllustrationRequest, options?: { signal?: AbortSignal }): Promise<Illustration>;
}
