/**
 * Layout analysis of a PDF (decision 0042): positioned runs → lines in reading order → roles
 * (furniture, figure text, captions, code, headings, title, body) → blocks → one text per page,
 * written as light Markdown ("## 2.1 Heading", fenced code, "- item"), and the outline of the
 * headings found. Pure: the runs come from pdf.ts.
 */
import type { PageText } from "@sira/ai";
import type { TocEntry } from "@sira/contracts";
import { toBlocks } from "./blocks.ts";
import { markFigures, markLabelsAboveCaptions } from "./figures.ts";
import { markFurniture } from "./furniture.ts";
import { markHeadings } from "./headings.ts";
import { pageLines } from "./lines.ts";
import type { Block, RawPage } from "./model.ts";

export type { Block, Box, RawPage, Run } from "./model.ts";

export interface LaidOutDocument {
  pages: PageText[];
  /** Headings found in the text, level 1 = top. */
  outline: TocEntry[];
  title: string | null;
  blocks: Block[];
}

function render(block: Block): string {
  switch (block.kind) {
    case "heading":
      return `${"#".repeat(block.level)} ${block.text}`;
    case "code":
      return `\`\`\`\n${block.text}\n\`\`\``;
    case "list-item":
      return `${/^\d/.test(block.marker) ? block.marker : "-"} ${block.text}`;
    default:
      return block.text;
  }
}

export function layOut(raw: RawPage[]): LaidOutDocument {
  const perPage = raw.map((page) => ({ page, lines: pageLines(page) }));
  markFurniture(perPage.map(({ page, lines }) => ({ height: page.height, lines })));
  for (const { page, lines } of perPage) markFigures(page, lines);
  const all = perPage.flatMap(({ lines }) => lines);
  const levels = markHeadings(all);
  for (const { page, lines } of perPage) markLabelsAboveCaptions(page, lines);
  const blocks = toBlocks(all, levels);
  const texts = new Map<number, string[]>();
  for (const block of blocks) {
    const list = texts.get(block.page) ?? [];
    list.push(render(block));
    texts.set(block.page, list);
  }
  return {
    pages: raw.map((p) => ({ page: p.page, text: (texts.get(p.page) ?? []).join("\n\n") })),
    outline: blocks.flatMap((b) => (b.kind === "heading" ? [{ title: b.text, level: b.level, page: b.page }] : [])),
    title: blocks.find((b) => b.kind === "title")?.text ?? null,
    blocks,
  };
}
