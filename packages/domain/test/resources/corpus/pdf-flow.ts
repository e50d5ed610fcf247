/**
 * Lays a document out into a real PDF with pdf-lib, the way a word processor would: one or two
 * columns, wrapped and hyphenated paragraphs, numbered headings set larger and bold, numbered
 * lists at body size, code listings in Courier, vector diagrams with text labels and captions,
 * and running headers and page-number footers. The layout it produces is the test's input; the
 * elements it was given are the expected structure.
 */
import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from "pdf-lib";

export type Element =
  | { kind: "title"; text: string }
  | { kind: "authors"; text: string }
  | { kind: "heading"; level: 1 | 2; text: string }
  | { kind: "paragraph"; text: string }
  | { kind: "list"; items: string[] }
  | { kind: "code"; lines: string[] }
  | { kind: "figure"; labels: string[]; caption: string };

export interface FlowOptions {
  columns: 1 | 2;
  /** Page size in points (US Letter by default; A5 is 420 × 595). */
  size?: { width: number; height: number };
  header?: string;
  /** Words broken with a hyphen at the end of a line whenever they land there. */
  hyphenate?: boolean;
}

const LETTER = { width: 612, height: 792 };
const MARGIN = 54;
const GUTTER = 24;
const BODY = 10;
const LEADING = 12;

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  mono: PDFFont;
}

class Flow {
  page!: PDFPage;
  column = 0;
  y = 0;
  pages = 0;
  readonly doc: PDFDocument;
  readonly fonts: Fonts;
  readonly options: FlowOptions;
  constructor(doc: PDFDocument, fonts: Fonts, options: FlowOptions) {
    this.doc = doc;
    this.fonts = fonts;
    this.options = options;
    this.newPage();
    this.top = this.y;
  }

  get width() {
    return this.options.size?.width ?? LETTER.width;
  }

  get height() {
    return this.options.size?.height ?? LETTER.height;
  }

  get columnWidth() {
    const inner = this.width - 2 * MARGIN;
    return this.options.columns === 2 ? (inner - GUTTER) / 2 : inner;
  }

  get x() {
    return MARGIN + this.column * (this.columnWidth + GUTTER);
  }

  newPage() {
    this.page = this.doc.addPage([this.width, this.height]);
    this.pages += 1;
    this.column = 0;
    this.y = this.height - MARGIN - 20;
    const { header } = this.options;
    if (header) {
      this.page.drawText(header, { x: MARGIN, y: this.height - 36, size: 8, font: this.fonts.regular });
    }
    const number = String(this.pages);
    this.page.drawText(number, { x: this.width / 2 - 3, y: 30, size: 9, font: this.fonts.regular });
  }

  /** Room for `height` points in this column, else the next column or page. */
  need(height: number) {
    if (this.y - height >= MARGIN) return;
    if (this.options.columns === 2 && this.column === 0) {
      this.column = 1;
      this.y = this.top;
    } else {
      this.newPage();
      this.top = this.y;
    }
  }

  top = 0;

  /** Full-width text above both columns (title, authors), on the first page only. */
  spanning(text: string, size: number, font: PDFFont) {
    const width = font.widthOfTextAtSize(text, size);
    this.page.drawText(text, { x: (this.width - width) / 2, y: this.y, size, font });
    this.y -= size * 1.6;
    this.top = this.y;
  }

  lines(text: string, font: PDFFont, size: number, width: number): string[] {
    const out: string[] = [];
    let line = "";
    for (const word of text.split(" ")) {
      const candidate = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(candidate, size) <= width) {
        line = candidate;
        continue;
      }
      // Break a long word with a hyphen when half of it still fits.
      const half = Math.ceil(word.length / 2);
      const head = `${word.slice(0, half)}-`;
      if (
        this.options.hyphenate &&
        word.length >= 8 &&
        /^\p{L}+$/u.test(word) &&
        font.widthOfTextAtSize(`${line} ${head}`, size) <= width
      ) {
        out.push(`${line} ${head}`);
        line = word.slice(half);
        continue;
      }
      out.push(line);
      line = word;
    }
    if (line) out.push(line);
    return out;
  }

  write(text: string, font: PDFFont, size: number, indent = 0, firstIndent = 0) {
    const wrapped = this.lines(text, font, size, this.columnWidth - indent - firstIndent);
    wrapped.forEach((line, i) => {
      this.need(LEADING);
      this.page.drawText(line, { x: this.x + indent + (i === 0 ? firstIndent : 0), y: this.y, size, font });
      this.y -= size === BODY ? LEADING : size * 1.25;
    });
  }

  figure(labels: string[], caption: string) {
    const height = 30 + Math.ceil(labels.length / 2) * 34;
    this.need(height + 40);
    const boxWidth = (this.columnWidth - 20) / 2;
    labels.forEach((label, i) => {
      const bx = this.x + (i % 2) * (boxWidth + 20);
      const by = this.y - 28 - Math.floor(i / 2) * 34;
      this.page.drawRectangle({
        x: bx,
        y: by,
        width: boxWidth,
        height: 24,
        borderColor: rgb(0, 0, 0),
        borderWidth: 0.8,
      });
      this.page.drawText(label, { x: bx + 4, y: by + 8, size: 7, font: this.fonts.regular });
      if (i % 2 === 0) {
        this.page.drawLine({
          start: { x: bx + boxWidth, y: by + 12 },
          end: { x: bx + boxWidth + 20, y: by + 12 },
          thickness: 0.8,
        });
      }
    });
    this.y -= height;
    this.write(caption, this.fonts.regular, 9);
    this.y -= 6;
  }
}

/** The PDF bytes of `elements` laid out with `options`. */
export async function buildPdf(elements: Element[], options: FlowOptions): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const fonts = {
    regular: await doc.embedFont(StandardFonts.TimesRoman),
    bold: await doc.embedFont(StandardFonts.TimesRomanBold),
    mono: await doc.embedFont(StandardFonts.Courier),
  };
  const flow = new Flow(doc, fonts, options);
  for (const element of elements) {
    switch (element.kind) {
      case "title":
        flow.spanning(element.text, 17, fonts.bold);
        break;
      case "authors":
        flow.spanning(element.text, 11, fonts.regular);
        flow.y -= 6;
        flow.top = flow.y;
        break;
      case "heading": {
        const size = element.level === 1 ? 12 : BODY;
        flow.y -= element.level === 1 ? 8 : 4;
        flow.need(size * 3 + LEADING * 2);
        flow.write(element.text, fonts.bold, size);
        flow.y -= 3;
        break;
      }
      case "paragraph":
        flow.write(element.text, fonts.regular, BODY, 0, 10);
        flow.y -= 3;
        break;
      case "list":
        element.items.forEach((item, i) => {
          flow.need(LEADING);
          flow.page.drawText(`${i + 1}.`, { x: flow.x + 4, y: flow.y, size: BODY, font: fonts.regular });
          flow.write(item, fonts.regular, BODY, 18);
        });
        flow.y -= 3;
        break;
      case "code":
        flow.need(Math.min(element.lines.length, 8) * 10);
        element.lines.forEach((line, i) => {
          flow.need(10);
          const indent = line.length - line.trimStart().length;
          flow.page.drawText(String(i + 1), { x: flow.x, y: flow.y, size: 8, font: fonts.mono });
          flow.page.drawText(line.trimStart(), { x: flow.x + 16 + indent * 4.8, y: flow.y, size: 8, font: fonts.mono });
          flow.y -= 10;
        });
        flow.y -= 6;
        break;
      case "figure":
        flow.figure(element.labels, element.caption);
        break;
    }
  }
  return doc.save();
}
