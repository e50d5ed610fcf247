/**
 * Layout-aware PDF reading on the corpus's two-column paper (test/resources/corpus/paper.ts): the
 * headings come out as the outline with their levels, and the body text reads in order, without
 * figure labels, running headers, page numbers or broken words; code stays a code block.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { TextBudget } from "../../src/resources/extraction-limits.ts";
import { type PdfContent, readPdf } from "../../src/resources/pdf.ts";
import { joinWrapped } from "../../src/resources/pdf-layout/blocks.ts";
import { layOut } from "../../src/resources/pdf-layout/index.ts";
import { buildTestPdf } from "../fixtures/pdf.ts";
import {
  PAPER_CODE,
  PAPER_FIGURE_LABELS,
  PAPER_HEADER,
  PAPER_HEADINGS,
  PAPER_TITLE,
  paperPdf,
} from "./corpus/paper.ts";
import { buildPdf } from "./corpus/pdf-flow.ts";
import { SAMPLE_TEXT } from "./helpers.ts";

let paper: PdfContent;
let text: string;

beforeAll(async () => {
  paper = await readPdf(await paperPdf(), new TextBudget());
  text = paper.pages.map((p) => p.text).join("\n\n");
});

describe("the two-column paper", () => {
  it("has exactly its headings as the outline, with their levels, and its title apart", () => {
    expect(paper.outline.map(({ title, level }) => ({ title, level }))).toEqual(PAPER_HEADINGS);
    expect(paper.title).toBe(PAPER_TITLE);
    expect(paper.ocrPages).toEqual([]);
  });

  it("reads the left column before the right one", () => {
    const order = PAPER_HEADINGS.map((h) => text.indexOf(`# ${h.title}`));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("joins wrapped lines into paragraphs and mends line-end hyphens", () => {
    expect(text).toContain(
      "A trace compiler exploits this observation directly: instead of compiling whole methods, it watches the interpreter,",
    );
    expect(text).not.toMatch(/\p{L}- \p{Ll}/u);
    expect(text).not.toMatch(/\p{L}-\n/u);
  });

  it("drops the running header and the page numbers", () => {
    expect(text).not.toContain(PAPER_HEADER);
    expect(paper.pages.some((p) => /^\d+$/m.test(p.text))).toBe(false);
  });

  it("leaves the diagram's labels out and keeps its caption", () => {
    for (const label of PAPER_FIGURE_LABELS) expect(text).not.toContain(label);
    expect(text).toContain("Figure 1: The states of the virtual machine and the transitions between them.");
  });

  it("keeps the listing as a fenced code block with its indentation, out of the prose", () => {
    const fence = /```\n([\s\S]*?)\n```/.exec(text);
    expect(fence?.[1]?.split("\n")).toEqual(PAPER_CODE.map((line, i) => `${i + 1} ${line}`));
    const prose = text.replace(/```[\s\S]*?```/g, "");
    expect(prose).not.toContain("primes[");
  });

  it("keeps the numbered list as list items, not headings", () => {
    expect(text).toContain("1. A recording scheme that captures hot loops while the interpreter runs them.");
    expect(paper.outline.some((e) => e.title.startsWith("1. A recording"))).toBe(false);
  });
});

describe("headings need type, not numbers", () => {
  it("a numbered body line at body size is never a heading, a larger bold line is", async () => {
    const pdf = await buildPdf(
      [
        { kind: "heading", level: 1, text: "1 Les sols du Sahel" },
        {
          kind: "paragraph",
          text: "Les sols sableux retiennent peu d'eau et se dégradent vite lorsque le couvert végétal disparaît pendant la saison sèche.",
        },
        {
          kind: "list",
          items: ["Semer après la première pluie utile.", "Couvrir le sol avec les résidus de récolte."],
        },
        {
          kind: "paragraph",
          text: "35 cycles sont nécessaires avant que la parcelle ne retrouve sa fertilité initiale.",
        },
        { kind: "heading", level: 1, text: "2 Gestion de l'eau" },
        { kind: "paragraph", text: "Le zaï concentre l'eau de pluie et la matière organique au pied de chaque plant." },
      ],
      { columns: 1 },
    );
    const doc = await readPdf(pdf, new TextBudget());
    expect(doc.outline.map((e) => e.title)).toEqual(["1 Les sols du Sahel", "2 Gestion de l'eau"]);
  });
});

describe("joinWrapped", () => {
  it("mends hyphenated words and keeps compound names whole", () => {
    expect(joinWrapped("the activ-", "ity of")).toBe("the activity of");
    expect(joinWrapped("Trace-", "Monkey runs")).toBe("Trace-Monkey runs");
    expect(joinWrapped("a line", "and the next")).toBe("a line and the next");
    expect(joinWrapped("soft\u00ad", "hyphen")).toBe("softhyphen");
  });
});

describe("furniture needs to stand apart", () => {
  it("keeps body lines that repeat at the top of short pages, and a caption stays on its page", async () => {
    const pdf = await buildTestPdf({
      pages: [
        { text: [SAMPLE_TEXT.en, "Figure 1: Oral rehydration"], image: { width: 64, height: 48, seed: 3 } },
        { text: [SAMPLE_TEXT.en] },
      ],
    });
    const doc = await readPdf(pdf, new TextBudget());
    expect(doc.pages.map((p) => p.text)).toEqual([`${SAMPLE_TEXT.en}\n\nFigure 1: Oral rehydration`, SAMPLE_TEXT.en]);
  });
});

describe("hostile pages", () => {
  it("lay out pages of 80,000 runs and 20,000 shapes each, in the margins and the drawing, without failing", () => {
    const runs = Array.from({ length: 80_000 }, (_, i) => ({
      text: `w${i}`,
      x: (i % 400) * 1.5,
      y: i % 2 ? 780 - (i % 7) : 5 + (i % 7),
      width: 1.4,
      size: 4,
      bold: false,
      mono: false,
      rotated: false,
    }));
    const shapes = Array.from({ length: 20_000 }, (_, i) => ({
      x0: i % 600,
      y0: i % 790,
      x1: (i % 600) + 3,
      y1: (i % 790) + 3,
    }));
    const page = { page: 1, width: 612, height: 792, runs, shapes };
    const doc = layOut([page, { ...page, page: 2 }]);
    // Drawn over everywhere, the tiny runs read as figure text: nothing reaches the body.
    expect(doc.pages.map((p) => p.text)).toEqual(["", ""]);
  });
});
