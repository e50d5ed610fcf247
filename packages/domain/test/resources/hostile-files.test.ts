/**
 * Hostile documents end as clear 422 refusals or bounded extractions, quickly, and never take the
 * process down: backtracking headings, CSV headers repeated on every row, zip bombs, deeply nested
 * PDFs, and documents that exhaust the extraction thread's time or memory.
 */
import type { AppError } from "@sira/contracts";
import { describe, expect, it } from "vitest";
import { assertSafeZip } from "../../src/resources/docx-zip.ts";
import { extractDocument, toStoredExtraction } from "../../src/resources/extract.ts";
import { EXTRACTION_THREADS, extractInThread, pdfImagesInThread } from "../../src/resources/extract-thread.ts";
import { CSV_MAX_LABEL_CHARS, capLineLength, MAX_LINE_CHARS } from "../../src/resources/extraction-limits.ts";
import { captionOf } from "../../src/resources/images.ts";
import { buildTestPdf } from "../fixtures/pdf.ts";
import { buildTestDocx } from "./docx-fixture.ts";
import { bilingualPdf } from "./helpers.ts";
import {
  backtrackingMarkdown,
  deeplyNestedArrayPdf,
  deeplyNestedOutlinePdf,
  hugeImagePdf,
  longHeaderCsv,
  lyingSizeDocx,
  zipBombDocx,
} from "./hostile-files.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);
const LIMITS = { EXTRACTION_TIMEOUT_MS: 60_000, EXTRACTION_MAX_HEAP_MB: 512 };

async function refusal(work: Promise<unknown>): Promise<AppError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ name: "AppError" });
  return error as AppError;
}

async function within<T>(ms: number, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await work();
  expect(performance.now() - start).toBeLessThan(ms);
  return result;
}

describe("Markdown headings", () => {
  it("reads lines built to backtrack for minutes in milliseconds, keeping the real outline", async () => {
    const doc = await within(5_000, () => extractDocument("md", utf8(backtrackingMarkdown(40))));
    expect(doc.outline[0]).toEqual({ title: "Cours de santé publique", level: 1, page: null });
    expect(doc.outline.length).toBeGreaterThan(20);
    const lines = (doc.pages[0]?.text ?? "").split("\n");
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(MAX_LINE_CHARS);
  });
});

describe("CSV headers repeated on each row", () => {
  it("stay short, so the text grows with the file instead of with the header", async () => {
    const csv = longHeaderCsv(60, 2_000, 400);
    const doc = await within(10_000, () => extractDocument("csv", utf8(csv)));
    const chars = doc.pages.reduce((sum, p) => sum + p.text.length, 0);
    // Each row used to carry the whole 120 kB header: about 48 MB of text from a 150 kB file.
    expect(chars).toBeLessThan(10 * csv.length);
    const firstLabel = (doc.pages[0]?.text ?? "").split("\n")[0]?.split(": ")[0] ?? "";
    expect(firstLabel.length).toBeLessThanOrEqual(CSV_MAX_LABEL_CHARS);
    expect(firstLabel).toMatch(/^colonne 0 x+…$/);
  });

  it("past ten million characters of text are refused with FILE_TEXT_TOO_LONG, without building it all", async () => {
    const error = await within(20_000, () => refusal(extractDocument("csv", utf8(longHeaderCsv(100, 2_000, 2_500)))));
    expect(error.code).toBe("FILE_TEXT_TOO_LONG");
    expect(error.status).toBe(422);
    expect(error.detail("fr")).toContain("Découpez-le");
  });
});

describe("DOCX zip checks", () => {
  it("refuse a part deflated about 1,000 to 1, and a part that inflates past its declared size", async () => {
    const bomb = await refusal(within(5_000, () => extractDocument("docx", zipBombDocx())));
    expect(bomb.code).toBe("FILE_DECOMPRESSION_BOMB");
    expect(bomb.status).toBe(422);
    const lying = await refusal(within(5_000, () => extractDocument("docx", lyingSizeDocx())));
    expect(lying.code).toBe("FILE_DECOMPRESSION_BOMB");
    expect(lying.fieldErrors?.[0]?.message).toContain("declared size");
  });

  it("accept a real DOCX, stored or deflated", async () => {
    expect(() => assertSafeZip(buildTestDocx([{ text: "Bonjour" }]))).not.toThrow();
    const doc = await extractDocument("docx", buildTestDocx([{ text: "La moustiquaire protège", heading: 1 }]));
    expect(doc.outline).toEqual([{ title: "La moustiquaire protège", level: 1, page: null }]);
  });
});

describe("deeply nested PDFs", { timeout: 90_000 }, () => {
  it("100,000 nested arrays are FILE_CORRUPT, quickly", async () => {
    const error = await within(20_000, () => refusal(extractInThread("pdf", deeplyNestedArrayPdf(), LIMITS)));
    expect(error.code).toBe("FILE_CORRUPT");
  });

  it("a 50,000-level outline crashes only the extraction thread: FILE_TOO_COMPLEX", async () => {
    const error = await within(60_000, () => refusal(extractInThread("pdf", deeplyNestedOutlinePdf(), LIMITS)));
    expect(error.code).toBe("FILE_TOO_COMPLEX");
    // The process is still here and reads the next document normally.
    const doc = await extractInThread("pdf", await bilingualPdf(), LIMITS);
    expect(doc.pageCount).toBe(3);
  });
});

describe("the extraction thread", { timeout: 90_000 }, () => {
  it("returns what extractDocument returns, and the same refusals", async () => {
    const pdf = await bilingualPdf();
    expect(await extractInThread("pdf", pdf, LIMITS)).toEqual(await extractDocument("pdf", pdf));
    expect((await refusal(extractInThread("txt", utf8("  \n "), LIMITS))).code).toBe("FILE_EMPTY");
    expect((await refusal(extractInThread("docx", zipBombDocx(), LIMITS))).code).toBe("FILE_DECOMPRESSION_BOMB");
  });

  it("is stopped at its deadline and at its heap cap: FILE_TOO_COMPLEX", async () => {
    const late = await refusal(extractInThread("pdf", await bilingualPdf(), { ...LIMITS, EXTRACTION_TIMEOUT_MS: 1 }));
    expect(late.code).toBe("FILE_TOO_COMPLEX");
    // Half a million rows become half a million arrays: far more than a 32 MiB heap.
    const rows = utf8(`a,b\n${"1,2\n".repeat(500_000)}`);
    const heavy = await within(60_000, () =>
      refusal(extractInThread("csv", rows, { ...LIMITS, EXTRACTION_MAX_HEAP_MB: 32 })),
    );
    expect(heavy.code).toBe("FILE_TOO_COMPLEX");
    expect(heavy.fieldErrors?.[0]?.message).toContain("32 MiB");
  });
});

describe("PDF images in the extraction thread", { timeout: 90_000 }, () => {
  async function collect(bytes: Uint8Array, limits = LIMITS) {
    const found: { page: number; width: number; height: number; bytes: number }[] = [];
    for await (const image of pdfImagesInThread(bytes, limits)) {
      found.push({ page: image.page, width: image.width, height: image.height, bytes: image.data.byteLength });
    }
    return found;
  }

  it("come back one by one with their pixels; a 256-megapixel picture is left undecoded", async () => {
    const pdf = await buildTestPdf({
      pages: [
        { text: ["Page un"], image: { width: 64, height: 48, seed: 3 } },
        { text: ["Page deux"], image: true },
      ],
    });
    const found = await collect(pdf);
    expect(found.map((f) => f.page)).toEqual([1, 2]);
    expect(found[0]).toMatchObject({ width: 64, height: 48 });
    expect(found[0]?.bytes).toBeGreaterThanOrEqual(64 * 48 * 3);
    expect(await within(60_000, () => collect(hugeImagePdf()))).toEqual([]);
  });

  it("stop at the deadline with FILE_TOO_COMPLEX, and a walk left early frees its thread", async () => {
    const pdf = await buildTestPdf({
      pages: [
        { text: ["Texte"], image: true },
        { text: ["Suite"], image: true },
      ],
    });
    const late = await refusal(collect(pdf, { ...LIMITS, EXTRACTION_TIMEOUT_MS: 1 }));
    expect(late.code).toBe("FILE_TOO_COMPLEX");
    for (let i = 0; i < EXTRACTION_THREADS + 1; i += 1) {
      for await (const _ of pdfImagesInThread(pdf, LIMITS)) break;
    }
    expect(await collect(pdf)).toHaveLength(2);
  });
});

describe("image captions", () => {
  it("are found on a page of half a million blank lines in well under a second", () => {
    const start = performance.now();
    expect(captionOf(`${"\n \n".repeat(250_000)}  Figure 3 : carte des districts\nSuite`)).toBe(
      "Figure 3 : carte des districts",
    );
    expect(captionOf("\n \n".repeat(250_000))).toBeNull();
    // The pattern that ran across blank lines took minutes here.
    expect(performance.now() - start).toBeLessThan(1_000);
  });
});

describe("capLineLength", () => {
  it("cuts long lines at a space, or hard when there is none, keeping every character", () => {
    const words = "mot ".repeat(5_000).trim();
    const run = "x".repeat(25_000);
    const capped = capLineLength(`${words}\n${run}\ncourt`);
    const lines = capped.split("\n");
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(MAX_LINE_CHARS);
    expect(capped.replace(/\s+/g, "")).toBe(`${words}${run}court`.replace(/\s+/g, ""));
    expect(lines.at(-1)).toBe("court");
  });
});

describe("the summary of a document made of headings", () => {
  it("splits sections by looking titles up, not by comparing every line with every title", async () => {
    const headings = Array.from({ length: 2_000 }, (_, i) => `# Partie ${i} du cours`);
    const sentence = "La moustiquaire imprégnée protège toute la famille pendant la nuit.";
    // 700,000 short lines × 2,000 titles: over a billion comparisons the old way (minutes).
    const lines = Array.from({ length: 700_000 }, (_, i) => (i % 1_000 === 0 ? sentence : `Note ${i % 97}.`));
    const doc = await within(30_000, () => extractDocument("md", utf8([...headings, ...lines].join("\n"))));
    expect(doc.outline).toHaveLength(2_000);
    expect(toStoredExtraction(doc).summaryText).toContain("moustiquaire");
  });
});
