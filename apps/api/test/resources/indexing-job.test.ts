/**
 * The ingestion jobs on a real BullMQ worker and Redis: an upload through the API is indexed and
 * its images extracted by the worker's processors; the admin follows the status over REST; a
 * document that cannot be indexed ends failed with its reason instead of retrying forever.
 */
import type { CourseResourceView, UploadedResource } from "@sira/contracts";
import { closeQueues, getQueue, jobIdFor } from "@sira/infra";
import type { Worker } from "bullmq";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { processors } from "../../../worker/src/processors.ts";
import { startWorkers, stopWorkers } from "../../../worker/src/workers.ts";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { bilingualPdf, makeCourse, resourcesPath, SAMPLE_TEXT, upload } from "./fixtures.ts";

const { app, deps } = testApp();
let workers: Worker[] = [];

beforeAll(() => {
  const all = processors(deps);
  const ingestion = { "rag-indexing": all["rag-indexing"], "image-indexing": all["image-indexing"] };
  workers = startWorkers(ingestion, {
    prefix: deps.config.QUEUE_PREFIX,
    redisUrl: deps.config.REDIS_URL,
    logger: deps.logger,
  });
});
beforeEach(resetState);
afterAll(async () => {
  await stopWorkers(workers, 5_000);
  await closeQueues();
  await closeTestDeps();
});

/** Reads the resource over REST until the worker has finished with it. */
async function settled(user: SignedIn, courseId: string, id: string): Promise<CourseResourceView> {
  for (let i = 0; i < 300; i += 1) {
    const view = (await (
      await app.request(`${resourcesPath(courseId)}/${id}`, { headers: user.headers })
    ).json()) as CourseResourceView;
    if (view.index_status === "done" || view.index_status === "failed") return view;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`resource ${id} was never indexed`);
}

async function imagesOf(resourceId: string, expected: number): Promise<number> {
  for (let i = 0; i < 300; i += 1) {
    const count = await deps.db.sourceImage.count({ where: { resourceId } });
    if (count >= expected) return count;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return deps.db.sourceImage.count({ where: { resourceId } });
}

describe("the rag-indexing and image-indexing workers", () => {
  it("index an uploaded PDF and extract its image; re-indexing replaces the chunks", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const courseId = await makeCourse(deps);
    const up = (await (
      await upload(app, admin, courseId, await bilingualPdf(), "guide.pdf")
    ).json()) as UploadedResource;
    const done = await settled(admin, courseId, up.id);
    expect(done).toMatchObject({ index_status: "done", index_progress_pct: 100, index_error: null });
    expect(done.chunk_count).toBeGreaterThan(0);
    expect(done.indexed_at).not.toBeNull();
    expect(await deps.db.documentChunk.count({ where: { resourceId: up.id, courseId } })).toBe(done.chunk_count);
    expect(await imagesOf(up.id, 1)).toBe(1);

    const ids = (await deps.db.documentChunk.findMany({ where: { resourceId: up.id }, select: { id: true } })).map(
      (c) => c.id,
    );
    const again = await app.request(`${resourcesPath(courseId)}/${up.id}/reindex`, {
      method: "POST",
      headers: admin.headers,
    });
    expect(again.status).toBe(202);
    const redone = await settled(admin, courseId, up.id);
    expect(redone.chunk_count).toBe(done.chunk_count);
    const after = await deps.db.documentChunk.findMany({ where: { resourceId: up.id }, select: { id: true } });
    expect(after).toHaveLength(done.chunk_count);
    expect(after.map((c) => c.id).filter((id) => ids.includes(id))).toEqual([]);
    expect(await deps.db.sourceImage.count({ where: { resourceId: up.id } })).toBe(1);
  });

  it("fails a document that cannot be indexed at once, with the reason, without retrying", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const courseId = await makeCourse(deps);
    const up = (await (
      await upload(app, admin, courseId, new TextEncoder().encode(SAMPLE_TEXT.fr), "n.txt")
    ).json()) as UploadedResource;
    await settled(admin, courseId, up.id);
    // Text that yields no chunk: a refusal about the document, which retrying cannot fix.
    await deps.db.courseResource.update({ where: { id: up.id }, data: { rawText: " \n " } });
    await app.request(`${resourcesPath(courseId)}/${up.id}/reindex`, { method: "POST", headers: admin.headers });
    const failed = await settled(admin, courseId, up.id);
    expect(failed).toMatchObject({ index_status: "failed" });
    expect(failed.index_error).toContain("no usable text");
  });

  it("marks the resource failed after the job's last attempt", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const courseId = await makeCourse(deps);
    const up = (await (
      await upload(app, admin, courseId, new TextEncoder().encode(SAMPLE_TEXT.en), "n.txt")
    ).json()) as UploadedResource;
    await settled(admin, courseId, up.id);
    const row = await deps.db.courseResource.update({
      where: { id: up.id },
      data: { rawText: null, indexStatus: "queued" },
    });
    await deps.storage.delete(row.storageKey);
    await getQueue("rag-indexing", { prefix: deps.config.QUEUE_PREFIX }).add(
      "index-resource",
      { resourceId: up.id },
      { jobId: jobIdFor("index-test", up.id), attempts: 1 },
    );
    const failed = await settled(admin, courseId, up.id);
    expect(failed.index_status).toBe("failed");
    expect(failed.index_error).toMatch(/stored file .* is missing/);
  });
});
