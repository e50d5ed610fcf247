/**
 * What an upload is, and what comes out of it: type by content for each accepted format, the
 * refusals (wrong type, encrypted, corrupt, empty), per-page text and outlines (the summary: summary.test.ts).
 */
import { AppError } from "@sira/contracts";
import { describe, expect, it } from "vitest";
import { parseCsv } from "../../src/resources/csv.ts";
import { extractDocument, pagesFromRawText, toStoredExtraction } from "../../src/resources/extract.ts";
import { detectDocumentType, refuseEarly } from "../../src/resources/file-types.ts";
import { buildTestPdf, testPng, testWebp } from "../fixtures/pdf.ts";
import { buildTestDocx, encryptedOfficeFile } from "./docx-fixture.ts";
import { bilingualPdf } from "./helpers.ts";

const text = (s: string) => new TextEncoder().encode(s);

async function refusal(work: Promise<unknown>): Promise<AppError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("detectDocumentType", () => {
  it("recognises PDF and DOCX by their bytes, whatever the name says", async () => {
    expect((await detectDocumentType(await bilingualPdf(), "notes.txt")).kind).toBe("pdf");
    expect((await detectDocumentType(buildTestDocx([{ text: "Bonjour" }]), "scan.pdf")).kind).toBe("docx");
  });

  it("accepts UTF-8 text only under a text extension", async () => {
    expect((await detectDocumentType(text("a,b\n1,2\n"), "data.CSV")).kind).toBe("csv");
    expect((await detectDocumentType(text("# Titre\n\nTexte"), "cours.markdown")).kind).toBe("md");
    expect((await detectDocumentType(text("# Titre"), "cours.md")).mime).toBe("text/markdown");
    expect((await detectDocumentType(text("Texte simple é"), "notes.txt")).kind).toBe("txt");
    expect((await refusal(detectDocumentType(text("Texte"), "notes.html"))).code).toBe("FILE_TYPE_NOT_ALLOWED");
    expect((await refusal(detectDocumentType(text("Texte"), "notes"))).code).toBe("FILE_TYPE_NOT_ALLOWED");
  });

  it("refuses binary data dressed as text, and other formats by their magic bytes", async () => {
    const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]); // "café" in Latin-1: not UTF-8
    expect((await refusal(detectDocumentType(latin1, "notes.txt"))).code).toBe("FILE_TYPE_NOT_ALLOWED");
    const nul = new Uint8Array([0x61, 0x00, 0x62]);
    expect((await refusal(detectDocumentType(nul, "notes.csv"))).code).toBe("FILE_TYPE_NOT_ALLOWED");
    const webp = await refusal(detectDocumentType(await testWebp(), "photo.pdf"));
    expect(webp.code).toBe("FILE_TYPE_NOT_ALLOWED");
    expect(webp.status).toBe(415);
    expect(webp.detail("fr")).toContain("image/webp");
    // Photos of handouts are accepted, JPEG or PNG, whatever the name says.
    expect(await detectDocumentType(await testPng(), "photo.pdf")).toEqual({
      kind: "image",
      mime: "image/png",
      ext: "png",
    });
  });

  it("calls a password-protected Office file encrypted", async () => {
    const error = await refusal(detectDocumentType(encryptedOfficeFile(), "cours.docx"));
    expect(error.code).toBe("FILE_ENCRYPTED");
    expect(error.status).toBe(422);
  });

  it("refuses early from the first bytes when the file is clearly something else", async () => {
    await expect(refuseEarly(await testWebp(), "photo.webp")).rejects.toMatchObject({ code: "FILE_TYPE_NOT_ALLOWED" });
    await expect(refuseEarly(await testPng(), "photo.png")).resolves.toBeUndefined();
    await expect(refuseEarly(text("plain"), "notes.exe")).rejects.toMatchObject({ code: "FILE_TYPE_NOT_ALLOWED" });
    // A head cut in the middle of a UTF-8 character is still text.
    await expect(refuseEarly(text("Épidémie é").subarray(0, 11), "notes.txt")).resolves.toBeUndefined();
    await expect(refuseEarly((await bilingualPdf()).subarray(0, 4100), "guide.pdf")).resolves.toBeUndefined();
  });
});

describe("extractDocument", () => {
  it("reads a PDF page by page, with its outline resolved to pages", async () => {
    const doc = await extractDocument("pdf", await bilingualPdf());
    expect(doc.pageCount).toBe(3);
    expect(doc.pages.map((p) => p.page)).toEqual([1, 2, 3]);
    expect(doc.pages[0]?.text).toContain("Le paludisme est une maladie parasitaire");
    expect(doc.pages[2]?.text).toContain("Oral rehydration therapy");
    expect(doc.outline).toEqual([
      { title: "Chapitre 1 : Le paludisme", level: 1, page: 1 },
      { title: "1.1 Prévention", level: 2, page: 2 },
      { title: "Chapter 2: Diarrhoea", level: 1, page: 3 },
    ]);
  });

  it("stores raw text with form feeds between pages, and gets the same pages back", async () => {
    const doc = await extractDocument("pdf", await bilingualPdf());
    const stored = toStoredExtraction(doc);
    expect(stored.rawText.split("\f")).toHaveLength(3);
    expect(stored.charCount).toBe(doc.pages.reduce((n, p) => n + p.text.length, 0));
    expect(stored.tocJson).toEqual(doc.outline);
    expect(pagesFromRawText(stored.rawText, "pdf")).toEqual(doc.pages);
    expect(pagesFromRawText("a\fb", "csv")).toEqual([
      { page: null, text: "a" },
      { page: null, text: "b" },
    ]);
  });

  it("reads a DOCX with its headings as the outline (no pages)", async () => {
    const docx = buildTestDocx([
      { text: "Chapitre 1 : Hygiène", heading: 1 },
      { text: "Le lavage des mains réduit les infections & les risques." },
      { text: "1.1 Savon", heading: 2 },
      { text: "Utiliser du savon pendant vingt secondes." },
      { text: "Détail", heading: 3 },
    ]);
    const doc = await extractDocument("docx", docx);
    expect(doc.pageCount).toBeNull();
    expect(doc.pages).toHaveLength(1);
    expect(doc.pages[0]?.page).toBeNull();
    expect(doc.pages[0]?.text).toContain("réduit les infections & les risques.");
    expect(doc.outline).toEqual([
      { title: "Chapitre 1 : Hygiène", level: 1, page: null },
      { title: "1.1 Savon", level: 2, page: null },
      { title: "Détail", level: 3, page: null },
    ]);
  });

  it("turns CSV rows into 'header: value' lines, 50 rows to a pseudo-page", async () => {
    const rows = Array.from({ length: 120 }, (_, i) => `Maladie ${i};"Symptôme ; fièvre ${i}";`);
    const doc = await extractDocument("csv", text(`nom;description;note\n${rows.join("\n")}\n`));
    expect(doc.pages).toHaveLength(3);
    expect(doc.pages.every((p) => p.page === null)).toBe(true);
    expect(doc.pages[0]?.text.startsWith("nom: Maladie 0\ndescription: Symptôme ; fièvre 0\n\nnom: Maladie 1")).toBe(
      true,
    );
    expect(doc.pages[0]?.text).not.toContain("note:"); // empty values are left out
    expect(doc.pages[2]?.text).toContain("nom: Maladie 119");
  });

  it("parses quoted CSV fields with delimiters, doubled quotes and newlines", () => {
    expect(parseCsv('a,b\n"x, y","il dit ""oui""\nsur deux lignes"\n')).toEqual([
      ["a", "b"],
      ["x, y", 'il dit "oui"\nsur deux lignes'],
    ]);
    expect(parseCsv("a\tb\n1\t2")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
  });

  it("keeps Markdown as written, with # headings as the outline (not those in code)", async () => {
    const md =
      "\uFEFF# Cours\r\n\r\nIntro.\r\n\r\n## Partie A ##\r\n\r\n```\r\n# pas un titre\r\n```\r\n\r\n### Détail\r\n";
    const doc = await extractDocument("md", text(md));
    expect(doc.pages[0]?.text.startsWith("# Cours\n\nIntro.")).toBe(true);
    expect(doc.outline).toEqual([
      { title: "Cours", level: 1, page: null },
      { title: "Partie A", level: 2, page: null },
      { title: "Détail", level: 3, page: null },
    ]);
  });

  it("reads plain text as one page without an outline", async () => {
    const doc = await extractDocument("txt", text("Ligne un\r\nLigne deux"));
    expect(doc).toEqual({ pages: [{ page: null, text: "Ligne un\nLigne deux" }], outline: [], pageCount: null });
  });

  it("refuses an encrypted PDF, a corrupt PDF, a corrupt DOCX and documents without text", async () => {
    const encrypted = await buildTestPdf({ pages: [{ text: ["Confidentiel"] }], encrypt: true });
    expect((await refusal(extractDocument("pdf", encrypted))).code).toBe("FILE_ENCRYPTED");
    const truncated = (await bilingualPdf()).subarray(0, 600);
    expect((await refusal(extractDocument("pdf", truncated))).code).toBe("FILE_CORRUPT");
    expect((await refusal(extractDocument("docx", text("PK not really a zip")))).code).toBe("FILE_CORRUPT");
    // A scan is not refused: its pages are listed for OCR, which the indexing job runs.
    const imageOnly = await buildTestPdf({ pages: [{ text: ["x"] }, { text: [], image: true }] });
    expect((await extractDocument("pdf", imageOnly)).ocrPages).toEqual([2]);
    const blank = await buildTestPdf({ pages: [{ text: [] }] });
    const empty = await refusal(extractDocument("pdf", blank));
    expect(empty.code).toBe("FILE_EMPTY");
    expect(empty.detail("en")).toContain("neither text nor scanned pages");
    expect((await refusal(extractDocument("txt", text("  \n\t ")))).code).toBe("FILE_EMPTY");
    expect((await refusal(extractDocument("csv", text("a;b\n")))).code).toBe("FILE_EMPTY");
  });
});

describe("storable text", () => {
  it("removes NUL and control characters and mends lone surrogates, keeping tabs and line breaks", async () => {
    const doc = await extractDocument("txt", text("Le\u0000 paludisme\u0007\tse soigne\n\ud800 vite\u001b."));
    expect(doc.pages[0]?.text).toBe("Le paludisme\tse soigne\n\ufffd vite.");
    const md = await extractDocument("md", text("# Titre\u0000 un\n\nTexte."));
    expect(md.outline).toEqual([{ title: "Titre un", level: 1, page: null }]);
  });
});
