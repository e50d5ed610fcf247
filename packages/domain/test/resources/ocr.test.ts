/**
 * The OCR engine on documents the test builds (corpus/scans.ts): scanned PDF pages in French and
 * English, phone photos of handouts, a blank scan and a photo of noise, read by the real pdftoppm
 * and Tesseract. Character accuracy is 1 - Levenshtein distance / expected length, on text with
 * its whitespace collapsed; the figures are printed.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import { AppError } from "@sira/contracts/errors";
import { PDFDocument, rgb } from "pdf-lib";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assertReadablePhoto,
  MAX_PAGE_PIXELS,
  ocrImage,
  ocrPdfPages,
  preparePhoto,
  rasterizePdfPages,
  recognize,
  ToolMissingError,
} from "../../src/resources/ocr/index.ts";
import { resultOfTsv } from "../../src/resources/ocr/tesseract.ts";
import { characterAccuracy, levenshtein } from "./corpus/accuracy.ts";
import {
  blankScan,
  expectedText,
  handoutPhoto,
  noisePhoto,
  pdfOfImages,
  renderProsePage,
  SCAN_PROSE,
  scannedPdf,
} from "./corpus/scans.ts";

const SLOW = 120_000;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return error instanceof AppError ? error.code : String(error);
  }
  return "no error";
}

function report(what: string, accuracy: number, result: { confidence: number; language: string }): void {
  process.stdout.write(
    `OCR ${what}: accuracy ${accuracy.toFixed(3)}, confidence ${result.confidence.toFixed(3)}, ${result.language}\n`,
  );
}

describe("character accuracy", () => {
  it("counts insertions, deletions and substitutions, accents included", () => {
    expect(levenshtein("kitten", "sitting")).toBe(3);
    expect(levenshtein("récolte", "recolte")).toBe(1);
    expect(levenshtein("", "abc")).toBe(3);
    expect(characterAccuracy("Les  pluies\nde juin", "Les pluies de juin")).toBe(1);
    expect(characterAccuracy("abcd", "abxd")).toBe(0.75);
  });
});

describe("Tesseract's TSV", () => {
  const row = (block: number, par: number, line: number, word: number, conf: number, text: string) =>
    ["5", "1", block, par, line, word, 0, 0, 10, 10, conf, text].join("\t");
  const tsv = [
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
    "1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t",
    row(1, 1, 1, 1, 95, " "),
    row(1, 1, 1, 2, 90, "La"),
    row(1, 1, 1, 3, 80, "saison"),
    row(1, 1, 2, 1, 96, "des"),
    row(1, 1, 2, 2, 94, "pluies"),
    row(2, 1, 1, 1, 30, "|"),
    row(3, 1, 1, 1, 40, "Juin"),
    row(3, 1, 1, 2, 60, "1987"),
  ].join("\n");

  it("rebuilds lines and paragraphs, drops blank words and lines without a letter or digit", () => {
    const result = resultOfTsv(tsv);
    expect(result.text).toBe("La saison\ndes pluies\n\nJuin 1987");
    expect(result.lines.map((line) => line.text)).toEqual(["La saison", "des pluies", "Juin 1987"]);
  });

  it("weights word confidences by length, and counts low-confidence lines", () => {
    const result = resultOfTsv(tsv);
    expect(result.lines[0]?.confidence).toBeCloseTo((0.9 * 2 + 0.8 * 6) / 8, 6);
    const chars = 2 + 6 + 3 + 6 + 4 + 4;
    const sum = 0.9 * 2 + 0.8 * 6 + 0.96 * 3 + 0.94 * 6 + 0.4 * 4 + 0.6 * 4;
    expect(result.confidence).toBeCloseTo(sum / chars, 6);
    expect(result.confidence).toBeGreaterThan(0.75);
    expect(result.lowConfidenceLines).toBe(1);
    expect(result.lowConfidence).toBe(false);
  });

  it("gives an empty reading for a page without words", () => {
    const empty = resultOfTsv(tsv.split("\n").slice(0, 3).join("\n"));
    expect(empty).toMatchObject({ text: "", confidence: 0, lowConfidence: false, lines: [], lowConfidenceLines: 0 });
  });
});

describe("scanned PDF pages", () => {
  it(
    "reads a French and an English scan at 95% character accuracy or more, each in its language, confidently",
    async () => {
      const proses = [SCAN_PROSE.fr, SCAN_PROSE.en];
      const pages = await ocrPdfPages(await scannedPdf(proses), [1, 2]);
      expect(pages.map((page) => page.page)).toEqual([1, 2]);
      for (const [i, prose] of proses.entries()) {
        const page = pages[i];
        if (!page) throw new Error(`page ${i + 1} missing`);
        const accuracy = characterAccuracy(expectedText(prose), page.text);
        report(`scan ${prose.language}`, accuracy, page);
        expect(accuracy).toBeGreaterThanOrEqual(0.95);
        expect(page.language).toBe(prose.language);
        expect(page.confidence).toBeGreaterThan(0.9);
        expect(page.lowConfidence).toBe(false);
        // The title is its own paragraph, as on the page.
        expect(page.text.startsWith(`${prose.title}\n\n`)).toBe(true);
      }
    },
    SLOW,
  );

  it(
    "finds nothing on a blank page, and reports each page once, in order",
    async () => {
      const pdf = await pdfOfImages([
        await renderProsePage(SCAN_PROSE.en),
        await blankScan(),
        await renderProsePage(SCAN_PROSE.fr),
      ]);
      const progress: Array<{ page: number; chars: number }> = [];
      const pages = await ocrPdfPages(pdf, [1, 2, 3], {
        onPage: (page, result) => {
          progress.push({ page, chars: result.text.length });
        },
      });
      expect(progress.map((p) => p.page)).toEqual([1, 2, 3]);
      expect(progress.map((p) => p.chars)).toEqual(pages.map((p) => p.text.length));
      expect(pages[1]).toMatchObject({ page: 2, text: "", lines: [], confidence: 0, lowConfidence: false });
      expect(pages[0]?.language).toBe("en");
      expect(pages[2]?.language).toBe("fr");
    },
    SLOW,
  );
});

describe("a scanned PDF made of a phone photo", () => {
  it(
    "levels and evens out the page before reading it",
    async () => {
      // Read as pdftoppm renders it, this page loses lines (character accuracy 0.74).
      const photo = await handoutPhoto(SCAN_PROSE.fr, { width: 1600, rotation: 2, noise: 24, seed: 21 });
      const [page] = await ocrPdfPages(await pdfOfImages([photo]), [1]);
      const accuracy = characterAccuracy(expectedText(SCAN_PROSE.fr), page?.text ?? "");
      report("photo fr inside a PDF page", accuracy, page ?? { confidence: 0, language: "none" });
      expect(accuracy).toBeGreaterThanOrEqual(0.9);
      expect(page?.language).toBe("fr");
    },
    SLOW,
  );
});

describe("rendering PDF pages", () => {
  let tempRoot: string;
  beforeAll(async () => {
    tempRoot = await mkdtemp(join(tmpdir(), "ocr-test-"));
  });
  afterAll(() => rm(tempRoot, { recursive: true, force: true }));

  async function posterPdf(): Promise<Uint8Array> {
    const pdf = await PDFDocument.create();
    pdf.addPage([595, 842]);
    // 2,000 pt square: 69 million pixels at 300 dpi.
    const poster = pdf.addPage([2000, 2000]);
    poster.drawRectangle({ x: 100, y: 100, width: 1800, height: 60, color: rgb(0, 0, 0) });
    return pdf.save();
  }

  it("renders a poster-sized page at a lower resolution, within the pixel cap, and leaves no files", async () => {
    const pages = [];
    for await (const page of rasterizePdfPages(await posterPdf(), [2, 1], { tempRoot })) pages.push(page);
    expect(pages.map((p) => p.page)).toEqual([2, 1]);
    const [poster, a4] = pages;
    expect(poster && poster.width * poster.height).toBeLessThanOrEqual(MAX_PAGE_PIXELS);
    expect(poster?.dpi).toBeLessThan(160);
    expect(poster?.width).toBeGreaterThan(4000);
    expect(a4).toMatchObject({ dpi: 300, width: 2480 });
    const png = await sharp(a4?.png).metadata();
    expect(png).toMatchObject({ format: "png", channels: 1, width: a4?.width, height: a4?.height });
    expect(await readdir(tempRoot)).toEqual([]);
  });

  it("removes its files when the reader stops early", async () => {
    for await (const page of rasterizePdfPages(await posterPdf(), [1, 2], { tempRoot })) {
      expect(page.page).toBe(1);
      expect(await readdir(tempRoot)).toHaveLength(1);
      break;
    }
    expect(await readdir(tempRoot)).toEqual([]);
  });

  it("refuses what is not a PDF, or a page it does not have, as corrupt", async () => {
    const notPdf = rasterizePdfPages(Buffer.from("%PDF-1.7 but nothing else"), [1], { tempRoot });
    expect(await codeOf(notPdf.next())).toBe("FILE_CORRUPT");
    const missing = rasterizePdfPages(await scannedPdf([SCAN_PROSE.fr]), [3], { tempRoot });
    expect(await codeOf(missing.next())).toBe("FILE_CORRUPT");
    expect(await readdir(tempRoot)).toEqual([]);
  });
});

describe("photos of handouts", () => {
  it(
    "reads a French handout photographed tilted, a little blurred, on grainy grey paper (JPEG)",
    async () => {
      const photo = await handoutPhoto(SCAN_PROSE.fr, { width: 1600, rotation: 1.5 });
      const result = await ocrImage(photo);
      const accuracy = characterAccuracy(expectedText(SCAN_PROSE.fr), result.text);
      report("photo fr (1600 px, 1.5°)", accuracy, result);
      expect(accuracy).toBeGreaterThanOrEqual(0.9);
      expect(result.language).toBe("fr");
      expect(result.lowConfidence).toBe(false);
    },
    SLOW,
  );

  it(
    "reads a small English photo tilted the other way, its text enlarged first",
    async () => {
      const photo = await handoutPhoto(SCAN_PROSE.en, { width: 1000, rotation: -2, blurSigma: 1.2, seed: 3 });
      const prepared = await preparePhoto(photo);
      expect(prepared.skewDegrees).toBeCloseTo(-2, 0);
      // Lines 25 px apart (text 17 px high) are enlarged to about 50 px apart.
      expect(prepared.linePitch).toBeCloseTo(25, -1);
      expect(prepared.scale).toBeGreaterThan(1.6);
      const result = await ocrImage(photo);
      const accuracy = characterAccuracy(expectedText(SCAN_PROSE.en), result.text);
      report("photo en (1000 px, -2°)", accuracy, result);
      expect(accuracy).toBeGreaterThanOrEqual(0.9);
      expect(result.language).toBe("en");
    },
    SLOW,
  );

  it(
    "turns a photo upright from its EXIF orientation",
    async () => {
      const photo = await handoutPhoto(SCAN_PROSE.en, { width: 1300, rotation: 1 });
      // Stored on its side, with the EXIF tag that tells viewers to turn it a quarter clockwise.
      const sideways = await sharp(photo).rotate(-90).withMetadata({ orientation: 6 }).jpeg().toBuffer();
      expect(await assertReadablePhoto(sideways)).toMatchObject({ format: "jpeg", width: 1300, height: 1690 });
      const result = await ocrImage(sideways);
      const accuracy = characterAccuracy(expectedText(SCAN_PROSE.en), result.text);
      report("photo en on its side (EXIF 6)", accuracy, result);
      expect(accuracy).toBeGreaterThanOrEqual(0.9);
    },
    SLOW,
  );

  it("finds no text in a photo of noise", async () => {
    const result = await ocrImage(await noisePhoto());
    expect(result).toMatchObject({ text: "", lines: [], confidence: 0, lowConfidence: false });
  }, 60_000);
});

describe("refusals", () => {
  /** A PNG announcing width × height grey pixels, with the data of its first row only. */
  function pngHeader(width: number, height: number): Buffer {
    const chunk = (type: string, data: Buffer) => {
      const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
      const length = Buffer.alloc(4);
      length.writeUInt32BE(data.length);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(body));
      return Buffer.concat([length, body, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(width, 0);
    ihdr.writeUInt32BE(height, 4);
    ihdr.set([8, 0, 0, 0, 0], 8);
    const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const firstRow = deflateSync(Buffer.alloc(width + 1));
    return Buffer.concat([signature, chunk("IHDR", ihdr), chunk("IDAT", firstRow), chunk("IEND", Buffer.alloc(0))]);
  }

  it("refuses a photo that is not a whole JPEG or PNG as corrupt", async () => {
    const photo = await handoutPhoto(SCAN_PROSE.fr, { width: 600 });
    const gif = await sharp({ create: { width: 20, height: 20, channels: 3, background: "#fff" } })
      .gif()
      .toBuffer();
    expect(await codeOf(ocrImage(Buffer.from("not an image at all")))).toBe("FILE_CORRUPT");
    expect(await codeOf(ocrImage(photo.subarray(0, Math.floor(photo.length / 2))))).toBe("FILE_CORRUPT");
    expect(await codeOf(ocrImage(gif))).toBe("FILE_CORRUPT");
    expect(await codeOf(ocrImage(pngHeader(640, 480)))).toBe("FILE_CORRUPT");
  });

  it("refuses a photo of more than 50 million pixels before decoding it", async () => {
    const error = await ocrImage(pngHeader(10_000, 6_000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "FILE_TOO_COMPLEX" });
    expect((error as AppError).detail("fr")).toContain("50 millions de pixels");
  });

  it("gives up on a page past its deadline, as too complex", async () => {
    const page = await renderProsePage(SCAN_PROSE.fr);
    expect(await codeOf(recognize(page, { timeoutMs: 1 }))).toBe("FILE_TOO_COMPLEX");
  });

  it("says so when Tesseract is not installed", async () => {
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      await expect(recognize(await renderProsePage(SCAN_PROSE.fr, { width: 200, height: 200 }))).rejects.toThrow(
        ToolMissingError,
      );
    } finally {
      process.env.PATH = path;
    }
  });
});
