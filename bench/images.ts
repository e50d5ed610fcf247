/**
 * `pnpm bench:images`: the offline illustrations of real lessons, and what they weigh. Each section
 * of the demo courses' documents becomes a lesson through the offline generator (as the worker
 * makes one), its concept map is drawn and encoded as the served WebP files, and the bytes at 640
 * and 320 px are printed per lesson, then min / median / max per width against the budget, with
 * the time to draw and encode one. Figures only, no assertions.
 */
import { readFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { IMAGE_BYTE_BUDGET, IMAGE_WIDTHS } from "@sira/contracts";
import {
  createDiagramGenerator,
  createOfflineGenerator,
  detectLanguage,
  type RetrievedChunk,
} from "../packages/ai/src/index.ts";
import { toServedWebp } from "../packages/domain/src/media/raster.ts";

const DOCUMENTS = ["epidemiologie.md", "cooperatives.md"];
const generator = createOfflineGenerator();
const images = createDiagramGenerator();

interface Section {
  source: string;
  title: string;
  paragraphs: string[];
}

function sections(source: string, markdown: string): Section[] {
  const out: Section[] = [];
  let current: Section | null = null;
  for (const block of markdown.split(/\n\s*\n/)) {
    const text = block.trim();
    if (text.startsWith("## ")) {
      current = { source, title: text.slice(3).trim(), paragraphs: [] };
      out.push(current);
    } else if (current && text && !text.startsWith("#")) current.paragraphs.push(text);
  }
  return out.filter((s) => s.paragraphs.length >= 2);
}

const chunk = (section: Section, text: string, index: number): RetrievedChunk => ({
  id: crypto.randomUUID(),
  courseId: "00000000-0000-4000-8000-000000000001",
  resourceId: "00000000-0000-4000-8000-000000000002",
  chunkIndex: index,
  text,
  source: section.source,
  chapter: section.title,
  page: null,
  language: detectLanguage(text),
  score: 1 - index / 100,
});

const rows: { title: string; concepts: number; bytes: Record<number, number>; ms: number }[] = [];
for (const file of DOCUMENTS) {
  const markdown = await readFile(new URL(`../packages/demo/src/documents/${file}`, import.meta.url), "utf8");
  for (const section of sections(file, markdown)) {
    const language = detectLanguage(section.paragraphs.join(" "));
    const chunks = section.paragraphs.map((p, i) => chunk(section, p, i));
    const { content } = await generator.lesson(
      {
        courseTitle: file,
        topic: section.title,
        language,
        country: "SN",
        level: 2,
        bloomLevel: "understand",
        moduleTitle: section.title,
        unitTitle: section.title,
        objectives: [],
      },
      chunks,
    );
    const started = performance.now();
    const drawn = await images.illustrate({
      title: content.title,
      language,
      concepts: content.concepts.map((c) => ({ title: c.title, detail: c.explanation })),
      keyTerms: content.key_points,
    });
    const variants = await toServedWebp(drawn.bytes, drawn.mimeType);
    const ms = performance.now() - started;
    rows.push({
      title: content.title,
      concepts: content.concepts.length,
      bytes: Object.fromEntries(variants.map((v) => [v.width, v.bytes.byteLength])),
      ms,
    });
  }
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
process.stdout.write(`Offline illustrations of ${rows.length} lessons (demo documents, offline generator)\n\n`);
for (const row of rows) {
  const sizes = IMAGE_WIDTHS.map((w) => `${w}px ${kb(row.bytes[w] ?? 0).padStart(8)}`).join("  ");
  process.stdout.write(
    `${row.title.slice(0, 48).padEnd(48)}  ${row.concepts} concepts  ${sizes}  ${row.ms.toFixed(0)} ms\n`,
  );
}
process.stdout.write("\nwidth   min       median    max       budget    within\n");
for (const width of IMAGE_WIDTHS) {
  const sizes = rows.map((r) => r.bytes[width] ?? 0).sort((a, b) => a - b);
  const median = sizes[Math.floor(sizes.length / 2)] ?? 0;
  const within = sizes.filter((s) => s <= IMAGE_BYTE_BUDGET[width]).length;
  process.stdout.write(
    `${String(width).padEnd(6)}  ${kb(sizes[0] ?? 0).padEnd(8)}  ${kb(median).padEnd(8)}  ${kb(sizes.at(-1) ?? 0).padEnd(8)}  ${kb(IMAGE_BYTE_BUDGET[width]).padEnd(8)}  ${within}/${sizes.length}\n`,
  );
}
const times = rows.map((r) => r.ms).sort((a, b) => a - b);
process.stdout.write(
  `\ndraw + encode both widths: median ${times[Math.floor(times.length / 2)]?.toFixed(0)} ms, max ${times.at(-1)?.toFixed(0)} ms\n`,
);
