/**
 * One image read by the Tesseract CLI (Debian's tesseract-ocr with its fra and eng models, so
 * nothing is downloaded): French and English together, automatic page segmentation, TSV output
 * rebuilt into lines and paragraphs, with a confidence per line and per page.
 */
import { detectLanguage } from "@sira/ai";
import type { Language } from "@sira/contracts";
import { AppError } from "@sira/contracts/errors";
import { runTool, ToolFailedError } from "./run-tool.ts";

/**
 * Below this page confidence the text is marked low-confidence. On the generated corpus, clean
 * scans read at 0.96 and photos at 0.78-0.96 (character accuracy 0.96-1.0); the only pages
 * under 0.75, low-resolution photos with heavy grain, read at 0.60-0.68 with a character
 * accuracy of 0.77-0.80: about one word in three wrong, too many to trust the wording.
 */
export const LOW_CONFIDENCE_PAGE = 0.75;
/** A line below this reads as a guess (a smudge, a stamp, handwriting): kept, and counted. */
export const LOW_CONFIDENCE_LINE = 0.6;
const RECOGNIZE_TIMEOUT_MS = 120_000;

export interface RecognizeOptions {
  /** The image's resolution when known (a rendered PDF page); Tesseract estimates it otherwise. */
  dpi?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface OcrLine {
  text: string;
  /** 0..1, the line's word confidences weighted by word length. */
  confidence: number;
}

export interface OcrResult {
  /** Lines joined by a newline, paragraphs by a blank line; empty when nothing legible was found. */
  text: string;
  /** 0..1, the page's word confidences weighted by word length; 0 when there are no words. */
  confidence: number;
  /** Detected from the recognised text (French when there is none). */
  language: Language;
  /** The page has text and its confidence is below LOW_CONFIDENCE_PAGE. */
  lowConfidence: boolean;
  lines: OcrLine[];
  /** Lines below LOW_CONFIDENCE_LINE (kept in `text` and `lines`). */
  lowConfidenceLines: number;
}

interface Word {
  paragraph: string;
  line: string;
  text: string;
  confidence: number;
}

const WORD_LEVEL = "5";
const LEGIBLE = /[\p{L}\p{N}]/u;

/** Word rows of Tesseract's TSV (level 5), with their paragraph and line keys. */
function wordsOfTsv(tsv: string): Word[] {
  const words: Word[] = [];
  for (const row of tsv.split("\n")) {
    const cells = row.split("\t");
    if (cells[0] !== WORD_LEVEL || cells.length < 12) continue;
    const text = (cells[11] ?? "").trim();
    const confidence = Number(cells[10]);
    if (!text || !(confidence >= 0)) continue;
    const [, pageNum, block, par, line] = cells;
    words.push({
      paragraph: `${pageNum}/${block}/${par}`,
      line: `${pageNum}/${block}/${par}/${line}`,
      text,
      confidence: Math.min(confidence, 100) / 100,
    });
  }
  return words;
}

function weightedConfidence(words: Word[]): number {
  let sum = 0;
  let weight = 0;
  for (const word of words) {
    sum += word.confidence * word.text.length;
    weight += word.text.length;
  }
  return weight === 0 ? 0 : sum / weight;
}

/** Lines and paragraphs rebuilt from TSV words, in Tesseract's reading order. */
export function resultOfTsv(tsv: string): OcrResult {
  const lineWords = new Map<string, { paragraph: string; words: Word[] }>();
  for (const word of wordsOfTsv(tsv)) {
    const entry = lineWords.get(word.line) ?? { paragraph: word.paragraph, words: [] };
    entry.words.push(word);
    lineWords.set(word.line, entry);
  }
  const lines: OcrLine[] = [];
  const kept: Word[] = [];
  const paragraphs: string[][] = [];
  let lastParagraph: string | null = null;
  for (const { paragraph, words } of lineWords.values()) {
    const text = words.map((word) => word.text).join(" ");
    // Specks and rules come out as lone punctuation ("|", "—", "~"): not text.
    if (!LEGIBLE.test(text)) continue;
    lines.push({ text, confidence: weightedConfidence(words) });
    kept.push(...words);
    if (paragraph !== lastParagraph) paragraphs.push([]);
    paragraphs.at(-1)?.push(text);
    lastParagraph = paragraph;
  }
  const text = paragraphs.map((paragraph) => paragraph.join("\n")).join("\n\n");
  const confidence = weightedConfidence(kept);
  return {
    text,
    confidence,
    language: detectLanguage(text),
    lowConfidence: lines.length > 0 && confidence < LOW_CONFIDENCE_PAGE,
    lines,
    lowConfidenceLines: lines.filter((line) => line.confidence < LOW_CONFIDENCE_LINE).length,
  };
}

/**
 * Reads the text of one image (PNG, JPEG or anything Tesseract's Leptonica decodes).
 * FILE_CORRUPT when Tesseract cannot decode it, FILE_TOO_COMPLEX past the deadline.
 */
export async function recognize(image: Buffer, options: RecognizeOptions = {}): Promise<OcrResult> {
  const args = ["stdin", "stdout", "-l", "fra+eng", "--psm", "3"];
  if (options.dpi) args.push("--dpi", String(Math.round(options.dpi)));
  args.push("tsv");
  let tsv: Buffer;
  try {
    tsv = await runTool("tesseract", args, {
      input: image,
      // One thread per page: the worker's parallelism comes from its jobs, and OpenMP's spinning
      // threads cost more CPU than they save on small images.
      env: {
        OMP_THREAD_LIMIT: "1",
        ...(process.env.TESSDATA_PREFIX ? { TESSDATA_PREFIX: process.env.TESSDATA_PREFIX } : {}),
      },
      timeoutMs: options.timeoutMs ?? RECOGNIZE_TIMEOUT_MS,
      signal: options.signal,
    });
  } catch (error) {
    if (!(error instanceof ToolFailedError)) throw error;
    throw new AppError("FILE_CORRUPT", {
      cause: error,
      fieldErrors: [{ field: "file", code: "corrupt", message: "the image cannot be decoded for OCR" }],
    });
  }
  return resultOfTsv(tsv.toString("utf8"));
}
