/**
 * `pnpm bench:extraction`: layout-aware PDF reading against the bare baseline doing the same
 * reading, in one run: pdf.js's plain text of every page (getTextContent) versus our extraction
 * (text runs, fonts and painted shapes per page, then the layout analysis). The document is the
 * corpus's two-column paper repeated BENCH_COPIES times (default 20, about 30 pages). Prints pages
 * per second for both and the ratio. Figures only, no assertions.
 */
import { performance } from "node:perf_hooks";
import { TextBudget } from "../packages/domain/src/resources/extraction-limits.ts";
import { openPdf, readPdf } from "../packages/domain/src/resources/pdf.ts";
import { PAPER_ELEMENTS, PAPER_HEADER } from "../packages/domain/test/resources/corpus/paper.ts";
import { buildPdf } from "../packages/domain/test/resources/corpus/pdf-flow.ts";

const copies = Number.parseInt(process.env.BENCH_COPIES ?? "", 10) || 20;
const rounds = Number.parseInt(process.env.BENCH_ROUNDS ?? "", 10) || 3;
const bytes = await buildPdf(
  Array.from({ length: copies }, () => PAPER_ELEMENTS.filter((e) => e.kind !== "title" && e.kind !== "authors")).flat(),
  { columns: 2, header: PAPER_HEADER, hyphenate: true },
);

async function baseline(): Promise<number> {
  const pdf = await openPdf(bytes);
  let chars = 0;
  for (let n = 1; n <= pdf.numPages; n += 1) {
    const content = await (await pdf.getPage(n)).getTextContent();
    for (const item of content.items) if ("str" in item) chars += item.str.length;
  }
  const pages = pdf.numPages;
  await pdf.loadingTask.destroy();
  return chars > 0 ? pages : 0;
}

async function ours(): Promise<number> {
  const doc = await readPdf(bytes, new TextBudget());
  return doc.pageCount;
}

async function time(run: () => Promise<number>): Promise<{ ms: number; pages: number }> {
  const started = performance.now();
  const pages = await run();
  return { ms: performance.now() - started, pages };
}

// Interleaved rounds, best of each, so both sides see the same machine.
await baseline();
await ours();
let bestBase = Number.POSITIVE_INFINITY;
let bestOurs = Number.POSITIVE_INFINITY;
let pages = 0;
for (let r = 0; r < rounds; r += 1) {
  const b = await time(baseline);
  const o = await time(ours);
  bestBase = Math.min(bestBase, b.ms);
  bestOurs = Math.min(bestOurs, o.ms);
  pages = o.pages;
}
const perSecond = (ms: number) => ((pages * 1000) / ms).toFixed(1);
process.stdout.write(
  [
    `PDF of ${pages} pages (${(bytes.byteLength / 1024).toFixed(0)} KiB), best of ${rounds}`,
    `  bare pdf.js text:      ${bestBase.toFixed(0)} ms, ${perSecond(bestBase)} pages/s`,
    `  layout-aware reading:  ${bestOurs.toFixed(0)} ms, ${perSecond(bestOurs)} pages/s`,
    `  ratio (ours / bare):   ${(bestOurs / bestBase).toFixed(2)}×`,
    "",
  ].join("\n"),
);
