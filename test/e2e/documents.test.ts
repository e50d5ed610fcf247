/**
 * End to end, real course documents through the running API and a BullMQ worker process: the
 * corpus's two-column paper becomes a course whose modules and units are titled by its real
 * headings and whose first lesson has no figure-label run; a scanned French/English PDF and a
 * phone photo of a handout are read by OCR page by page; and one admin action re-indexes every
 * document of the course, one job each.
 */
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeTestDeps, type SignedIn, signIn, testDeps } from "../../apps/api/test/helpers.ts";
import { displayTitle } from "../../packages/ai/src/generation/offline/structure.ts";
import {
  PAPER_CODE,
  PAPER_FIGURE_LABELS,
  PAPER_HEADINGS,
  PAPER_TITLE,
  paperPdf,
} from "../../packages/domain/test/resources/corpus/paper.ts";
import { handoutPhoto, SCAN_PROSE, scannedPdf } from "../../packages/domain/test/resources/corpus/scans.ts";
import { courseAdmin } from "./courses.ts";
import { callJson, poll as pollUntil } from "./http.ts";
import { type Service, type Stack, startStack } from "./processes.ts";
import { deltaText, readEvents } from "./sse.ts";

const db = createDb({ url: process.env.DATABASE_URL as string });
let stack: Stack;
let worker: Service;
let base: string;
let admin: SignedIn;
let learner: SignedIn;

const poll = <T>(read: () => Promise<T>, done: (value: T) => boolean, what: string) =>
  pollUntil(read, done, what, { ms: 150_000, context: () => worker.output().slice(-4000) });
const admin_ = () => courseAdmin(base, admin, poll);

// The corpus is built before any request: building it takes seconds, and a connection left idle
// that long can be closed by the server just as the next upload starts writing on it.
const corpus: Record<"paper" | "scan" | "photo", Uint8Array> = {
  paper: new Uint8Array(),
  scan: new Uint8Array(),
  photo: new Uint8Array(),
};

beforeAll(async () => {
  corpus.paper = await paperPdf();
  corpus.scan = await scannedPdf([SCAN_PROSE.fr, SCAN_PROSE.en]);
  corpus.photo = new Uint8Array(await handoutPhoto(SCAN_PROSE.en));
  await truncateAll(process.env.DATABASE_URL as string);
  const deps = testDeps();
  admin = await signIn(deps, { role: "admin" });
  learner = await signIn(deps, { role: "learner", preferredLanguage: "en", country: "SN" });
  stack = await startStack();
  ({ base, worker } = stack);
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  await db.$disconnect();
  await closeTestDeps();
});

let courseId: string;

describe("real course documents, end to end", () => {
  it("turns the two-column paper into a course titled by its real headings, with a clean first lesson", async () => {
    const { api: call, createCourse, upload, proposeStructure } = admin_();
    courseId = await createCourse("Trace compilation", "Dynamic languages on small devices.");
    const paper = await upload(courseId, corpus.paper, "trace-compilation.pdf");
    expect(paper.index_status).toBe("done");
    expect(paper.toc_json.map(({ title, level }) => ({ title, level }))).toEqual(PAPER_HEADINGS);
    expect(paper.summary_text).not.toContain(PAPER_TITLE);
    expect(paper.summary_text).not.toContain("Awa Diallo");

    const proposal = await proposeStructure(courseId);
    expect(proposal.status).toBe("ready");
    const modules = proposal.proposal?.modules ?? [];
    expect(modules.length).toBeGreaterThanOrEqual(3);
    const headings = new Set(PAPER_HEADINGS.map((h) => displayTitle(h.title)));
    for (const module of modules) {
      expect(headings).toContain(module.title_en);
      for (const unit of module.units) {
        const title = unit.unit_type === "quiz" ? unit.title_en.replace(/^Quiz: /, "") : unit.title_en;
        expect(headings).toContain(title);
      }
    }

    const accepted = await call(`/api/v1/admin/courses/${courseId}/structure-proposals/${proposal.id}/accept`, {
      method: "POST",
      body: JSON.stringify({}),
    });
    expect(accepted.status).toBe(200);
    expect((await call(`/api/v1/admin/courses/${courseId}/publish`, { method: "POST" })).status).toBe(200);
    const enrolled = await callJson(base, `/api/v1/courses/${courseId}/enroll`, { method: "POST", as: learner });
    expect(enrolled.status).toBeLessThan(300);
    const first = await db.module.findFirstOrThrow({
      where: { courseId, moduleNumber: 1 },
      include: { units: { orderBy: { unitNumber: "asc" } } },
    });
    const unit = first.units.find((u) => u.unitType === "lesson");
    if (!unit) throw new Error("module 1 has no lesson");
    const res = await fetch(`${base}/api/v1/modules/${first.id}/lessons/${unit.id}/stream`, {
      headers: { ...learner.headers, accept: "text/event-stream", "accept-language": "en" },
    });
    expect(res.status).toBe(200);
    const { events } = await readEvents(res);
    expect(events.some((e) => e.event === "error")).toBe(false);
    const lesson = deltaText(events);
    const sections = lesson.split(/\n(?=## )/);
    const firstSection = sections.find((s) => s.startsWith("## ")) ?? lesson;
    expect(firstSection.length).toBeGreaterThan(100);
    // No run of two figure labels, and no code line as a heading anywhere in the lesson.
    for (let i = 1; i < PAPER_FIGURE_LABELS.length; i += 1) {
      expect(firstSection).not.toContain(`${PAPER_FIGURE_LABELS[i - 1]} ${PAPER_FIGURE_LABELS[i]}`);
    }
    const lessonHeadings = lesson.split("\n").filter((line) => /^#{1,6} /.test(line));
    for (const code of PAPER_CODE) {
      expect(lessonHeadings.some((h) => h.includes(code.trim()))).toBe(false);
    }
  }, 240_000);

  it("reads a scanned PDF (French and English pages) and a photo of a handout by OCR, page by page", async () => {
    const { upload } = admin_();
    const scan = await upload(courseId, corpus.scan, "polycopie-scanne.pdf");
    expect(scan.index_status).toBe("done");
    expect(scan.chunk_count).toBeGreaterThan(0);
    const pages = await db.resourcePage.findMany({ where: { resourceId: scan.id }, orderBy: { page: "asc" } });
    expect(pages.map((p) => [p.page, p.source, p.language])).toEqual([
      [1, "ocr", "fr"],
      [2, "ocr", "en"],
    ]);
    for (const page of pages) {
      expect(page.ocrConfidence).toBeGreaterThan(0.8);
      expect(page.lowConfidence).toBe(false);
    }
    const listed = await admin_().api<{ items: { page: number; source: string; language: string }[]; total: number }>(
      `/api/v1/admin/courses/${courseId}/resources/${scan.id}/pages?low_confidence=false`,
    );
    expect(listed.status).toBe(200);
    expect(listed.body.total).toBe(2);
    expect(listed.body.items.map((p) => [p.page, p.source, p.language])).toEqual([
      [1, "ocr", "fr"],
      [2, "ocr", "en"],
    ]);
    const chunks = await db.documentChunk.findMany({ where: { resourceId: scan.id }, select: { content: true } });
    expect(chunks.map((c) => c.content).join(" ")).toContain("saison des pluies");

    const photo = await upload(courseId, corpus.photo, "handout.jpg", "image/jpeg");
    expect(photo.index_status).toBe("done");
    expect(photo.kind).toBe("image");
    const photoPage = await db.resourcePage.findFirstOrThrow({ where: { resourceId: photo.id } });
    expect(photoPage).toMatchObject({ page: 1, source: "ocr", language: "en" });
  }, 240_000);

  it("re-indexes every document of the course with one action, one job each", async () => {
    const { api: call, resource } = admin_();
    const before = await db.courseResource.findMany({ where: { courseId }, select: { id: true, chunkCount: true } });
    const res = await call<{ queued: number; already_queued: number }>(
      `/api/v1/admin/courses/${courseId}/resources/reindex`,
      { method: "POST" },
    );
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ course_id: courseId, queued: before.length, already_queued: 0 });
    for (const { id, chunkCount } of before) {
      const done = await resource(courseId, id);
      expect(done.index_status).toBe("done");
      expect(done.chunk_count).toBe(chunkCount);
    }
  }, 240_000);
});
