/**
 * Hostile documents, built by code: each one attacks one step of reading an upload (a heading
 * pattern, CSV headers, zip inflation, PDF nesting, image pixels). Shared by the domain and API tests.
 */
import { deflateRawSync } from "node:zlib";
import { docxParts, handMadeZip, type ZipPart } from "./docx-fixture.ts";

/** Markdown lines that made /^(#{1,6})\s+(.+?)\s*#*\s*$/ backtrack for minutes each. */
export function backtrackingMarkdown(lines = 20): string {
  const attacks = [
    `# a${" ".repeat(10_000)}b`,
    `## a${" #".repeat(5_000)}b`,
    `### ${"#".repeat(10_000)}x`,
    `# a${"\t".repeat(10_000)}#${" ".repeat(10_000)}b`,
  ];
  const body = Array.from({ length: lines }, (_, i) => attacks[i % attacks.length]).join("\n\n");
  return `# Cours de santé publique\n\nLe paludisme se prévient par la moustiquaire imprégnée.\n\n${body}\n`;
}

/**
 * A CSV whose header has `columns` names of `nameLength` characters and `rows` short rows: each
 * row used to repeat the whole header, about nameLength / 2 times the row's own size.
 */
export function longHeaderCsv(columns: number, nameLength: number, rows: number): string {
  const header = Array.from({ length: columns }, (_, i) => `colonne ${i} ${"x".repeat(nameLength)}`).join(",");
  const row = Array.from({ length: columns }, (_, i) => String(i % 10)).join(",");
  return `${header}\n${Array.from({ length: rows }, () => row).join("\n")}\n`;
}

const DOCX_TEXT = [{ text: "Le paludisme se prévient par la moustiquaire imprégnée d'insecticide." }];

/** A real DOCX plus one part of `megabytes` MiB of zeros, deflated about 1,000 to 1. */
export function zipBombDocx(megabytes = 16): Buffer {
  return handMadeZip([
    ...docxParts(DOCX_TEXT).map((p) => ({ ...p, deflate: true })),
    { name: "word/media/filler.bin", data: Buffer.alloc(megabytes * 1024 * 1024), deflate: true },
  ]);
}

/** A DOCX whose document part declares 2 KiB but inflates to `megabytes` MiB (a lying header). */
export function lyingSizeDocx(megabytes = 16): Buffer {
  const parts = docxParts(DOCX_TEXT).map((p) => ({ ...p, deflate: true }) as ZipPart);
  const padding = `<!--${" ".repeat(megabytes * 1024 * 1024)}-->`;
  return handMadeZip(
    parts.map((p) => (p.name === "word/document.xml" ? { ...p, data: `${p.data}${padding}`, declaredSize: 2048 } : p)),
  );
}

/** A PDF written by hand from the bodies of objects 1..n (1 is the catalog). */
export function handMadePdf(objects: string[]): Uint8Array {
  let out = "%PDF-1.7\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, "latin1"));
}

const PAGE_TEXT = "BT /F1 12 Tf 72 720 Td (Le paludisme se previent par la moustiquaire impregnee.) Tj ET";
const FONT = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";
const stream = (dict: string, body: string | Buffer) =>
  `<< ${dict} /Length ${Buffer.byteLength(body, "latin1")} >>\nstream\n${body.toString("latin1")}\nendstream`;

/**
 * A one-page PDF whose outline nests `depth` levels deep: pdf.js's structured clone of the
 * outline overflows the stack, an exception that used to take the whole process down.
 */
export function deeplyNestedOutlinePdf(depth = 50_000): Uint8Array {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R /Outlines 5 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 6 0 R >>",
    FONT,
    "<< /Type /Outlines /First 7 0 R /Last 7 0 R /Count 1 >>",
    stream("", PAGE_TEXT),
  ];
  for (let i = 0; i < depth; i += 1) {
    const me = 7 + i;
    const child = i === depth - 1 ? "" : ` /First ${me + 1} 0 R /Last ${me + 1} 0 R /Count 1`;
    objects.push(`<< /Title (Niveau ${i}) /Parent ${i ? me - 1 : 5} 0 R /Dest [3 0 R /Fit]${child} >>`);
  }
  return handMadePdf(objects);
}

/** A one-page PDF whose page dictionary holds arrays nested `depth` deep. */
export function deeplyNestedArrayPdf(depth = 100_000): Uint8Array {
  return handMadePdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R /Deep ${"[".repeat(depth)}${"]".repeat(depth)} >>`,
    FONT,
    stream("", PAGE_TEXT),
  ]);
}

/**
 * A PDF with text and one grey image declared `side` × `side` pixels whose short Flate stream
 * decodes (pdf.js pads it) to side² bytes: 16,000² is 256 million pixels from a few bytes.
 */
export function hugeImagePdf(side = 16_000): Uint8Array {
  const pixels = deflateRawSync(Buffer.alloc(64 * 1024));
  const zlibWrapped = Buffer.concat([Buffer.from([0x78, 0x9c]), pixels, Buffer.alloc(4)]);
  return handMadePdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> /XObject << /Im1 6 0 R >> >> /Contents 5 0 R >>",
    FONT,
    stream("", `${PAGE_TEXT} q 200 0 0 200 72 400 cm /Im1 Do Q`),
    stream(
      `/Type /XObject /Subtype /Image /Width ${side} /Height ${side} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode`,
      zlibWrapped,
    ),
  ]);
}
