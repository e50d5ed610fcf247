/**
 * Upload on the real database, storage and queues: stored under the content hash, queued once,
 * deduplicated, audited; refused early and cleanly when too large or of the wrong type; and only
 * for admins and the course's experts.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { type FileStorage, getQueue } from "@sira/infra";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import {
  cleanFilename,
  deleteCourseResource,
  getCourseResource,
  indexJobId,
  listCourseResources,
  reindexCourseResource,
  uploadCourseResource,
} from "../../src/resources/index.ts";
import { testWebp } from "../fixtures/pdf.ts";
import { makeUser } from "../fixtures/users.ts";
import { bilingualPdf, makeCourse, resourceTestDeps, streamOf } from "./helpers.ts";

const deps = resourceTestDeps();
const { db, storage } = deps;
const meta = { requestId: "upload-test-0001", ip: "127.0.0.1" };
const MIB = 1024 * 1024;

beforeEach(() => truncateAll(process.env.DATABASE_URL as string));
afterAll(() => deps.close());

async function tempUploads(): Promise<string[]> {
  return readdir(join(deps.config.STORAGE_DIR, "tmp/uploads")).catch(() => []);
}

async function setMaxMb(mb: number): Promise<void> {
  await db.platformSetting.upsert({
    where: { key: "uploads.max_mb" },
    create: { key: "uploads.max_mb", value: mb },
    update: { value: mb },
  });
}

describe("uploadCourseResource", () => {
  it("stores the file under its hash, records its extraction, audits and queues indexing and images", async () => {
    const admin = await makeUser(db, "admin");
    const courseId = await makeCourse(db);
    const pdf = await bilingualPdf();
    const viewer = { userId: admin, role: "admin" as const };
    const res = await uploadCourseResource(
      deps,
      viewer,
      { courseId, filename: "C:\\docs\\guide.pdf", content: streamOf(pdf) },
      meta,
    );

    expect(res.duplicate).toBe(false);
    expect(res).toMatchObject({
      course_id: courseId,
      filename: "guide.pdf",
      kind: "pdf",
      mime_type: "application/pdf",
      byte_size: pdf.byteLength,
      page_count: 3,
      index_status: "queued",
      index_progress_pct: 0,
      chunk_count: 0,
      uploaded_by: admin,
    });
    expect(res.content_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(res.toc_json.map((e) => e.title)).toEqual([
      "Chapitre 1 : Le paludisme",
      "1.1 Prévention",
      "Chapter 2: Diarrhoea",
    ]);
    expect(res.summary_text).toContain("Le paludisme est une maladie parasitaire");

    const row = await db.courseResource.findUniqueOrThrow({ where: { id: res.id } });
    expect(row.storageKey).toBe(`courses/${courseId}/resources/${res.content_hash}.pdf`);
    expect(row.rawText?.split("\f")).toHaveLength(3);
    expect((await storage.stat(row.storageKey))?.size).toBe(pdf.byteLength);
    expect(await tempUploads()).toEqual([]);

    const audit = await db.auditLog.findMany({ where: { targetId: res.id } });
    expect(audit).toMatchObject([{ action: "course_resource.uploaded", actorId: admin, requestId: meta.requestId }]);

    const prefix = deps.config.QUEUE_PREFIX;
    const job = await getQueue("rag-indexing", { prefix }).getJob(indexJobId(row));
    expect(job?.name).toBe("index-resource");
    expect(job?.data).toEqual({ resourceId: res.id });
    const images = await getQueue("image-indexing", { prefix }).getJobs(["waiting", "delayed", "active"]);
    expect(images.filter((j) => j.data.resourceId === res.id).map((j) => j.name)).toEqual(["extract-images"]);
  });

  it("writes the bytes to storage once and never reads them back: the checked object is moved to its key", async () => {
    const admin = { userId: await makeUser(db, "admin"), role: "admin" as const };
    const courseId = await makeCourse(db);
    const pdf = await bilingualPdf();
    const calls: string[] = [];
    let written = 0;
    const counted: FileStorage = {
      put: async (key, source) => {
        calls.push(`put ${key.split("/")[0]}`);
        const stored = await storage.put(key, source);
        written += stored.size;
        return stored;
      },
      move: (from, to) => {
        calls.push(`move ${from.split("/")[0]} ${to.split("/")[0]}`);
        return storage.move(from, to);
      },
      get: (key) => {
        calls.push(`get ${key}`);
        return storage.get(key);
      },
      stat: (key) => storage.stat(key),
      delete: (key) => storage.delete(key),
      deletePrefix: (prefix) => storage.deletePrefix(prefix),
      list: (prefix) => storage.list(prefix),
    };
    const res = await uploadCourseResource(
      { ...deps, storage: counted },
      admin,
      { courseId, filename: "guide.pdf", content: streamOf(pdf) },
      meta,
    );
    expect(calls).toEqual(["put tmp", "move tmp courses"]);
    expect(written).toBe(pdf.byteLength);
    const row = await db.courseResource.findUniqueOrThrow({ where: { id: res.id } });
    expect((await storage.stat(row.storageKey))?.size).toBe(pdf.byteLength);
    expect(await tempUploads()).toEqual([]);
  });

  it("returns the existing resource for identical bytes, with nothing stored, queued or indexed again", async () => {
    const admin = { userId: await makeUser(db, "admin"), role: "admin" as const };
    const courseId = await makeCourse(db);
    const pdf = await bilingualPdf();
    const first = await uploadCourseResource(
      deps,
      admin,
      { courseId, filename: "a.pdf", content: streamOf(pdf) },
      meta,
    );
    const queue = getQueue("rag-indexing", { prefix: deps.config.QUEUE_PREFIX });
    const jobsBefore = await queue.getJobCountByTypes("waiting", "delayed", "active", "completed");
    const again = await uploadCourseResource(
      deps,
      admin,
      { courseId, filename: "b.pdf", content: streamOf(pdf) },
      meta,
    );
    expect(again.duplicate).toBe(true);
    expect(again.id).toBe(first.id);
    expect(again.filename).toBe("a.pdf");
    expect(await db.courseResource.count()).toBe(1);
    expect(await queue.getJobCountByTypes("waiting", "delayed", "active", "completed")).toBe(jobsBefore);
    expect(await tempUploads()).toEqual([]);

    // Another course may hold the same document.
    const other = await makeCourse(db);
    const there = await uploadCourseResource(
      deps,
      admin,
      { courseId: other, filename: "a.pdf", content: streamOf(pdf) },
      meta,
    );
    expect(there.duplicate).toBe(false);
  });

  it("creates one resource when the same bytes arrive twice at once", async () => {
    const admin = { userId: await makeUser(db, "admin"), role: "admin" as const };
    const courseId = await makeCourse(db);
    const pdf = await bilingualPdf();
    const both = await Promise.all(
      [1, 2].map((n) =>
        uploadCourseResource(deps, admin, { courseId, filename: `${n}.pdf`, content: streamOf(pdf) }, meta),
      ),
    );
    expect(both.map((r) => r.duplicate).sort()).toEqual([false, true]);
    expect(both[0]?.id).toBe(both[1]?.id);
    expect(await db.courseResource.count()).toBe(1);
  });

  it("stops reading at the size cap with FILE_TOO_LARGE and leaves nothing behind", async () => {
    const admin = { userId: await makeUser(db, "admin"), role: "admin" as const };
    const courseId = await makeCourse(db);
    await setMaxMb(1);
    const big = new Uint8Array(5 * MIB).fill(0x61); // "aaaa…" is valid text
    const stream = streamOf(big, 64 * 1024);
    await expect(
      uploadCourseResource(deps, admin, { courseId, filename: "big.txt", content: stream }, meta),
    ).rejects.toMatchObject({ code: "FILE_TOO_LARGE", status: 413 });
    expect(stream.pulled).toBeLessThanOrEqual(MIB + 64 * 1024);
    expect(await tempUploads()).toEqual([]);
    expect(await db.courseResource.count()).toBe(0);

    // Exactly at the cap is fine.
    const atCap = new Uint8Array(MIB).fill(0x62);
    const ok = await uploadCourseResource(
      deps,
      admin,
      { courseId, filename: "cap.txt", content: streamOf(atCap) },
      meta,
    );
    expect(ok.byte_size).toBe(MIB);
  });

  it("never lets the setting exceed UPLOAD_MAX_BYTES", async () => {
    const admin = { userId: await makeUser(db, "admin"), role: "admin" as const };
    const courseId = await makeCourse(db);
    await setMaxMb(100);
    const capped = { ...deps, config: { ...deps.config, UPLOAD_MAX_BYTES: 1000 } };
    await expect(
      uploadCourseResource(
        capped,
        admin,
        { courseId, filename: "x.txt", content: streamOf(new Uint8Array(1001).fill(0x61)) },
        meta,
      ),
    ).rejects.toMatchObject({ code: "FILE_TOO_LARGE" });
  });

  it("refuses a foreign type from its first bytes, before reading the rest", async () => {
    const admin = { userId: await makeUser(db, "admin"), role: "admin" as const };
    const courseId = await makeCourse(db);
    const webp = await testWebp(3, 800, 800);
    const padded = new Uint8Array(2 * MIB);
    padded.set(webp);
    const stream = streamOf(padded, 8 * 1024);
    await expect(
      uploadCourseResource(deps, admin, { courseId, filename: "photo.pdf", content: stream }, meta),
    ).rejects.toMatchObject({ code: "FILE_TYPE_NOT_ALLOWED", status: 415 });
    expect(stream.pulled).toBeLessThan(64 * 1024);
    expect(await tempUploads()).toEqual([]);
  });

  it("refuses an empty file", async () => {
    const admin = { userId: await makeUser(db, "admin"), role: "admin" as const };
    const courseId = await makeCourse(db);
    await expect(
      uploadCourseResource(deps, admin, { courseId, filename: "empty.pdf", content: streamOf(new Uint8Array()) }, meta),
    ).rejects.toMatchObject({ code: "FILE_EMPTY", status: 422 });
  });

  it("lets experts upload to the courses they manage only; learners never", async () => {
    const expert = { userId: await makeUser(db, "expert"), role: "expert" as const };
    const stranger = { userId: await makeUser(db, "expert"), role: "expert" as const };
    const learner = { userId: await makeUser(db, "learner"), role: "learner" as const };
    const courseId = await makeCourse(db, expert.userId);
    const text = () => streamOf(new TextEncoder().encode("Le paludisme se prévient."));
    const mine = await uploadCourseResource(deps, expert, { courseId, filename: "n.txt", content: text() }, meta);
    expect(mine.kind).toBe("txt");
    for (const viewer of [stranger, learner]) {
      await expect(
        uploadCourseResource(deps, viewer, { courseId, filename: "n.txt", content: text() }, meta),
      ).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(getCourseResource(deps, viewer, courseId, mine.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
  });
});

describe("manage course resources", () => {
  it("lists newest first with a filter, re-queues with a new job id, and deletes files and rows", async () => {
    const admin = { userId: await makeUser(db, "admin"), role: "admin" as const };
    const courseId = await makeCourse(db);
    const a = await uploadCourseResource(
      deps,
      admin,
      { courseId, filename: "a.txt", content: streamOf(new TextEncoder().encode("Texte A du cours.")) },
      meta,
    );
    const b = await uploadCourseResource(
      deps,
      admin,
      { courseId, filename: "b.md", content: streamOf(new TextEncoder().encode("# B\n\nTexte B.")) },
      meta,
    );
    const page = await listCourseResources(deps, admin, courseId, { page: 1, limit: 1 });
    expect(page.total).toBe(2);
    expect(page.items.map((r) => r.id)).toEqual([b.id]);
    await db.courseResource.update({ where: { id: a.id }, data: { indexStatus: "failed", indexError: "boom" } });
    const failed = await listCourseResources(deps, admin, courseId, { page: 1, limit: 20, index_status: "failed" });
    expect(failed.items.map((r) => r.id)).toEqual([a.id]);

    const before = await db.courseResource.findUniqueOrThrow({ where: { id: a.id } });
    const requeued = await reindexCourseResource(deps, admin, courseId, a.id, meta);
    expect(requeued).toMatchObject({ index_status: "queued", index_progress_pct: 0, index_error: null });
    const after = await db.courseResource.findUniqueOrThrow({ where: { id: a.id } });
    expect(indexJobId(after)).not.toBe(indexJobId(before));
    const job = await getQueue("rag-indexing", { prefix: deps.config.QUEUE_PREFIX }).getJob(indexJobId(after));
    expect(job?.data).toEqual({ resourceId: a.id });

    const key = after.storageKey;
    await deleteCourseResource(deps, admin, courseId, a.id, meta);
    expect(await db.courseResource.findUnique({ where: { id: a.id } })).toBeNull();
    expect(await storage.stat(key)).toBeNull();
    const actions = (await db.auditLog.findMany({ where: { targetId: a.id }, orderBy: { createdAt: "asc" } })).map(
      (r) => r.action,
    );
    expect(actions).toEqual([
      "course_resource.uploaded",
      "course_resource.reindex_requested",
      "course_resource.deleted",
    ]);
    await expect(deleteCourseResource(deps, admin, courseId, a.id, meta)).rejects.toMatchObject({ code: "NOT_FOUND" });
    // A resource is only reachable through its own course.
    const other = await makeCourse(db);
    await expect(getCourseResource(deps, admin, other, b.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("keeps only the last path segment of a file name, without control characters", () => {
    expect(cleanFilename("../../etc/passwd")).toBe("passwd");
    expect(cleanFilename("C:\\Users\\x\\cours\u0000.pdf")).toBe("cours.pdf");
    expect(cleanFilename("   ")).toBe("document");
    expect(cleanFilename("é".repeat(300))).toHaveLength(255);
  });
});
