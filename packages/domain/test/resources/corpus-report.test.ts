/**
 * The corpus report: every document of the generated corpus (test/resources/corpus) read as an
 * upload is, with its expected structure beside it. Prints and bounds heading precision and recall
 * (≥ 0.9 each), the share of figure-label and page-furniture tokens in the chunks (≤ 2%), and the
 * OCR character accuracy of the scanned pages (≥ 95% on clean renders) and of the photo.
 */
import { chunkDocument, countTokens } from "@sira/ai";
import { beforeAll, describe, expect, it } from "vitest";
import { extractDocument } from "../../src/resources/extract.ts";
import { ocrImage, ocrPdfPages } from "../../src/resources/ocr/index.ts";
import { characterAccuracy } from "./corpus/accuracy.ts";
import { DOCX_HANDOUT, DOCX_HEADINGS } from "./corpus/docx.ts";
import { HANDOUT_FIGURE_LABELS, HANDOUT_HEADER, HANDOUT_HEADINGS, handoutPdf } from "./corpus/handout.ts";
import { PAPER_FIGURE_LABELS, PAPER_HEADER, PAPER_HEADINGS, paperPdf } from "./corpus/paper.ts";
import { expectedText, handoutPhoto, SCAN_PROSE, scannedPdf } from "./corpus/scans.ts";
import { buildTestDocx } from "./docx-fixture.ts";

interface LayoutCase {
  name: string;
  kind: "pdf" | "docx";
  bytes: () => Promise<Uint8Array>;
  headings: { title: string; level: number }[];
  /** Text that must not reach the chunks: figure labels and running headers. */
  junk: string[];
}

const CASES: LayoutCase[] = [
  {
    name: "two-column paper",
    kind: "pdf",
    bytes: paperPdf,
    headings: PAPER_HEADINGS,
    junk: [...PAPER_FIGURE_LABELS, PAPER_HEADER],
  },
  {
    name: "one-column handout (A5)",
    kind: "pdf",
    bytes: handoutPdf,
    headings: HANDOUT_HEADINGS,
    junk: [...HANDOUT_FIGURE_LABELS, HANDOUT_HEADER],
  },
  {
    name: "DOCX with styled headings",
    kind: "docx",
    bytes: async () => buildTestDocx(DOCX_HANDOUT),
    headings: DOCX_HEADINGS,
    junk: [],
  },
];

interface Figures {
  name: string;
  found: number;
  expected: number;
  correct: number;
  tokens: number;
  junkTokens: number;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Tokens of `junk` strings (whole words, case as printed) and of bare page-number lines in `text`. */
function junkTokens(text: string, junk: string[]): number {
  let tokens = 0;
  for (const item of junk) {
    const hits =
      text.match(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(item)}(?![\\p{L}\\p{N}])`, "gu"))?.length ?? 0;
    tokens += hits * countTokens(item);
  }
  const pageNumbers = text.match(/^\d{1,4}$/gm)?.length ?? 0;
  return tokens + pageNumbers;
}

const figures: Figures[] = [];

beforeAll(async () => {
  for (const c of CASES) {
    const doc = await extractDocument(c.kind, await c.bytes());
    const chunks = chunkDocument(doc.pages, { outline: doc.outline });
    const key = (h: { title: string; level: number }) => `${h.level}|${h.title}`;
    const expected = new Set(c.headings.map(key));
    const found = doc.outline.map(key);
    figures.push({
      name: c.name,
      found: found.length,
      expected: expected.size,
      correct: found.filter((k) => expected.has(k)).length,
      tokens: chunks.reduce((sum, ch) => sum + ch.tokenCount, 0),
      junkTokens: chunks.reduce((sum, ch) => sum + junkTokens(ch.text, c.junk), 0),
    });
  }
  const rows = figures.map(
    (f) =>
      `  ${f.name.padEnd(28)} headings ${f.correct}/${f.expected} expected, ${f.found} found; figure/furniture tokens ${f.junkTokens}/${f.tokens}`,
  );
  process.stdout.write(`corpus layout report\n${rows.join("\n")}\n`);
});

describe("the corpus report", () => {
  it("finds the headings with precision and recall of at least 0.9", () => {
    const correct = figures.reduce((s, f) => s + f.correct, 0);
    const precision = correct / figures.reduce((s, f) => s + f.found, 0);
    const recall = correct / figures.reduce((s, f) => s + f.expected, 0);
    process.stdout.write(`heading precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}\n`);
    expect(precision).toBeGreaterThanOrEqual(0.9);
    expect(recall).toBeGreaterThanOrEqual(0.9);
    for (const f of figures) expect(f.correct / f.expected).toBeGreaterThanOrEqual(0.9);
  });

  it("keeps figure labels and page furniture to at most 2% of the chunks' tokens", () => {
    const share = figures.reduce((s, f) => s + f.junkTokens, 0) / figures.reduce((s, f) => s + f.tokens, 0);
    process.stdout.write(`figure/furniture token share ${(share * 100).toFixed(2)}%\n`);
    expect(share).toBeLessThanOrEqual(0.02);
  });

  it("reads the clean scanned pages with at least 95% character accuracy, and the photo", async () => {
    const proses = [SCAN_PROSE.fr, SCAN_PROSE.en];
    const pages = await ocrPdfPages(await scannedPdf(proses), [1, 2]);
    const photo = await ocrImage(await handoutPhoto(SCAN_PROSE.en));
    const scores = pages.map((p, i) => characterAccuracy(expectedText(proses[i] as (typeof proses)[number]), p.text));
    const photoScore = characterAccuracy(expectedText(SCAN_PROSE.en), photo.text);
    process.stdout.write(
      `OCR character accuracy: scan fr ${(scores[0] ?? 0).toFixed(3)}, scan en ${(scores[1] ?? 0).toFixed(3)}, photo en ${photoScore.toFixed(3)}\n`,
    );
    for (const score of scores) expect(score).toBeGreaterThanOrEqual(0.95);
    expect(photoScore).toBeGreaterThanOrEqual(0.9);
    expect(pages.map((p) => p.language)).toEqual(["fr", "en"]);
  }, 120_000);
});
