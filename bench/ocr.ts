/**
 * `pnpm bench:ocr`: OCR time on this machine for the corpus's scanned pages (A4, 300 dpi, French
 * and English alternating, BENCH_PAGES of them, default 6) and phone photos of a handout. Prints,
 * per page: rendering (pdftoppm), preparation (levelling, scaling, evening out the paper) and
 * reading (Tesseract, one thread), each measured alone, then the whole of `ocrPdfPages`, which
 * renders the next page while Tesseract reads the current one; and per photo, `ocrImage`.
 * Character accuracy is printed beside the times. Figures only, no assertions.
 */
import { execFileSync } from "node:child_process";
import { cpus } from "node:os";
import { performance } from "node:perf_hooks";
import { ocrImage, ocrPdfPages, prepareImage, rasterizePdfPages } from "../packages/domain/src/resources/ocr/index.ts";
import { grayPng } from "../packages/domain/src/resources/ocr/prepare-image.ts";
import { recognize } from "../packages/domain/src/resources/ocr/tesseract.ts";
import { characterAccuracy } from "../packages/domain/test/resources/corpus/accuracy.ts";
import {
  expectedText,
  handoutPhoto,
  SCAN_PROSE,
  type ScanProse,
  scannedPdf,
} from "../packages/domain/test/resources/corpus/scans.ts";

const pageCount = Number.parseInt(process.env.BENCH_PAGES ?? "", 10) || 6;
const proses: ScanProse[] = Array.from({ length: pageCount }, (_, i) => (i % 2 ? SCAN_PROSE.en : SCAN_PROSE.fr));
const pages = proses.map((_, i) => i + 1);
const bytes = await scannedPdf(proses);

const seconds = (ms: number) => (ms / 1000).toFixed(2);
const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);
const tesseract = execFileSync("tesseract", ["--version"], { encoding: "utf8" }).split("\n")[0];

console.log(`${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores; ${tesseract}`);
console.log(`${pageCount} scanned A4 pages (one paragraph of about 90 words each, French and English)\n`);

// Each stage alone, one page at a time.
const stage = { render: [] as number[], prepare: [] as number[], read: [] as number[] };
let start = performance.now();
for await (const raster of rasterizePdfPages(bytes, pages)) {
  stage.render.push(performance.now() - start);
  const t0 = performance.now();
  const prepared = await prepareImage(raster.png);
  const png = await grayPng(prepared);
  stage.prepare.push(performance.now() - t0);
  const t1 = performance.now();
  await recognize(png, { dpi: raster.dpi * prepared.scale });
  stage.read.push(performance.now() - t1);
  start = performance.now();
}
console.log(`rendering (pdftoppm, 300 dpi): ${seconds(mean(stage.render))} s/page`);
console.log(`preparation (sharp + JS):      ${seconds(mean(stage.prepare))} s/page`);
console.log(`reading (tesseract fra+eng):   ${seconds(mean(stage.read))} s/page`);

// The whole, as the indexing job runs it.
const t2 = performance.now();
const read = await ocrPdfPages(bytes, pages);
const total = performance.now() - t2;
const accuracy = mean(read.map((page, i) => characterAccuracy(expectedText(proses[i] as ScanProse), page.text)));
console.log(
  `ocrPdfPages, pipelined:        ${seconds(total / pageCount)} s/page (${seconds(total)} s for ${pageCount} pages), accuracy ${accuracy.toFixed(3)}\n`,
);

for (const [label, prose, options] of [
  ["photo 1600×2080, tilted 1.5°", SCAN_PROSE.fr, { width: 1600, rotation: 1.5 }],
  ["photo 1000×1300, tilted -2° (enlarged)", SCAN_PROSE.en, { width: 1000, rotation: -2, blurSigma: 1.2 }],
  ["photo 4000×5200, tilted 2.5° (reduced)", SCAN_PROSE.fr, { width: 4000, rotation: 2.5, blurSigma: 2.5 }],
] as const) {
  const photo = await handoutPhoto(prose, options);
  const t3 = performance.now();
  const result = await ocrImage(photo);
  const elapsed = performance.now() - t3;
  console.log(
    `ocrImage, ${label}: ${seconds(elapsed)} s, accuracy ${characterAccuracy(expectedText(prose), result.text).toFixed(3)}`,
  );
}
