/**
 * Image extraction on the real database and storage: WebP images and thumbnails, tiny images
 * skipped, a repeated picture kept once, idempotent re-runs, captions, and who may read them.
 */
import { truncateAll } from "@sira/infra/testing";
import sharp from "sharp";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  deleteCourseResource,
  indexResourceImages,
  listSourceImages,
  sourceImageFile,
  uploadCourseResource,
} from "../../src/resources/index.ts";
import { buildTestPdf } from "../fixtures/pdf.ts";
import { makeUser } from "../fixtures/users.ts";
import { makeCourse, resourceTestDeps, SAMPLE_TEXT, streamOf } from "./helpers.ts";

const deps = resourceTestDeps();
const { db, storage } = deps;
const meta = { requestId: null, ip: null };

beforeEach(() => truncateAll(process.env.DATABASE_URL as string));
afterAll(() => deps.close());

async function bytesOf(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

async function illustratedPdf(): Promise<Uint8Array> {
  return buildTestPdf({
    pages: [
      { text: [SAMPLE_TEXT.fr, "Figure 1 : Cycle du paludisme"], image: { width: 640, height: 400, seed: 7 } },
      { text: [SAMPLE_TEXT.fr], image: { width: 16, height: 16, seed: 8 } },
      { text: [SAMPLE_TEXT.en], image: { width: 640, height: 400, seed: 7 } },
      { text: [SAMPLE_TEXT.en], image: { width: 120, height: 90, seed: 9 } },
    ],
  });
}

async function setUp() {
  const admin = { userId: await makeUser(db, "admin"), role: "admin" as const };
  const expertId = await makeUser(db, "expert");
  const courseId = await makeCourse(db, expertId);
  const res = await uploadCourseResource(
    deps,
    admin,
    { courseId, filename: "atlas.pdf", content: streamOf(await illustratedPdf()) },
    meta,
  );
  return { admin, expert: { userId: expertId, role: "expert" as const }, courseId, res };
}

describe("indexResourceImages", () => {
  it("stores each distinct picture once as WebP with a thumbnail, skipping tiny ones", async () => {
    const { admin, courseId, res } = await setUp();
    expect(await indexResourceImages(deps, res.id)).toEqual({ status: "done", added: 2, total: 2 });
    const rows = await db.sourceImage.findMany({ where: { resourceId: res.id }, orderBy: { page: "asc" } });
    expect(rows.map((r) => [r.page, r.imageIndex, r.width, r.height])).toEqual([
      [1, 0, 640, 400],
      [4, 0, 120, 90],
    ]);
    expect(rows[0]).toMatchObject({ courseId, mimeType: "image/webp", caption: "Figure 1 : Cycle du paludisme" });
    expect(rows[1]?.caption).toBeNull();
    expect(rows[0]?.altText).toBe("atlas.pdf, page 1, image 1");

    const full = await sharp(
      await bytesOf((await storage.get(rows[0]?.storageKey as string)) as NodeJS.ReadableStream),
    ).metadata();
    expect(full).toMatchObject({ format: "webp", width: 640, height: 400 });
    const thumb = await sharp(
      await bytesOf((await storage.get(rows[0]?.thumbnailKey as string)) as NodeJS.ReadableStream),
    ).metadata();
    expect(thumb).toMatchObject({ format: "webp", width: 320, height: 200 });
    const small = await sharp(
      await bytesOf((await storage.get(rows[1]?.thumbnailKey as string)) as NodeJS.ReadableStream),
    ).metadata();
    expect(small).toMatchObject({ width: 120, height: 90 }); // never enlarged
    expect((await storage.stat(rows[0]?.storageKey as string))?.size).toBe(rows[0]?.byteSize);

    const page = await listSourceImages(deps, admin, courseId, { page: 1, limit: 20 });
    expect(page.total).toBe(2);
    expect(page.items[0]).toMatchObject({
      id: rows[0]?.id,
      url: `/api/v1/source-images/${rows[0]?.id}`,
      thumbnail_url: `/api/v1/source-images/${rows[0]?.id}/thumbnail`,
    });
  });

  it("adds nothing when run again", async () => {
    const { res } = await setUp();
    await indexResourceImages(deps, res.id);
    const ids = (await db.sourceImage.findMany({ where: { resourceId: res.id } })).map((r) => r.id).sort();
    expect(await indexResourceImages(deps, res.id)).toEqual({ status: "done", added: 0, total: 2 });
    expect((await db.sourceImage.findMany({ where: { resourceId: res.id } })).map((r) => r.id).sort()).toEqual(ids);
  });

  it("skips documents that are not PDFs and resources that are gone", async () => {
    const { admin, courseId } = await setUp();
    const txt = await uploadCourseResource(
      deps,
      admin,
      { courseId, filename: "n.txt", content: streamOf(new TextEncoder().encode(SAMPLE_TEXT.fr)) },
      meta,
    );
    expect(await indexResourceImages(deps, txt.id)).toEqual({ status: "skipped", reason: "not a PDF" });
    expect(await indexResourceImages(deps, crypto.randomUUID())).toEqual({ status: "skipped", reason: "deleted" });
  });

  it("deletes images with their resource, rows and files", async () => {
    const { admin, courseId, res } = await setUp();
    await indexResourceImages(deps, res.id);
    const keys = (await db.sourceImage.findMany({ where: { resourceId: res.id } })).flatMap((r) => [
      r.storageKey,
      r.thumbnailKey as string,
    ]);
    await deleteCourseResource(deps, admin, courseId, res.id, meta);
    expect(await db.sourceImage.count()).toBe(0);
    for (const key of keys) expect(await storage.stat(key)).toBeNull();
  });
});

describe("reading source images", () => {
  it("admits whoever may read the course's lessons; refuses the others as the lessons do", async () => {
    const { admin, expert, courseId, res } = await setUp();
    await indexResourceImages(deps, res.id);
    const image = await db.sourceImage.findFirstOrThrow({ where: { resourceId: res.id, page: 1 } });
    const learner = { userId: await makeUser(db, "learner"), role: "learner" as const };
    const finished = { userId: await makeUser(db, "learner"), role: "learner" as const };
    const dropped = { userId: await makeUser(db, "learner"), role: "learner" as const };
    const otherExpert = { userId: await makeUser(db, "expert"), role: "expert" as const };
    await db.userCourseEnrollment.createMany({
      data: [
        { userId: learner.userId, courseId, status: "active" },
        { userId: finished.userId, courseId, status: "completed" },
        { userId: dropped.userId, courseId, status: "dropped" },
      ],
    });

    for (const viewer of [admin, expert, learner, finished]) {
      const file = await sourceImageFile(deps, viewer, image.id, "thumbnail");
      expect(file.etag).toBe(`"${image.contentHash.slice(0, 32)}-thumb"`);
      expect((await sharp(await bytesOf(await file.open())).metadata()).width).toBe(320);
      expect((await listSourceImages(deps, viewer, courseId, { page: 1, limit: 1 })).items).toHaveLength(1);
    }
    // A draft course is invisible to them: as unknown as a course that does not exist.
    for (const viewer of [dropped, otherExpert]) {
      await expect(sourceImageFile(deps, viewer, image.id, "full")).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(listSourceImages(deps, viewer, courseId, { page: 1, limit: 20 })).rejects.toMatchObject({
        code: "NOT_FOUND",
        status: 404,
      });
    }
    // Once published, they see it exists but may not read it without an enrollment.
    await db.course.update({ where: { id: courseId }, data: { status: "published", publishedAt: new Date() } });
    for (const viewer of [dropped, otherExpert]) {
      await expect(listSourceImages(deps, viewer, courseId, { page: 1, limit: 20 })).rejects.toMatchObject({
        code: "NOT_ENROLLED",
        status: 403,
      });
    }
    await expect(sourceImageFile(deps, admin, crypto.randomUUID(), "full")).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(listSourceImages(deps, admin, crypto.randomUUID(), { page: 1, limit: 20 })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});
