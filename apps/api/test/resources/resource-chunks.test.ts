/**
 * GET /api/v1/admin/courses/{id}/resources/{id}/chunks/{chunk_id} and tRPC admin.resources.chunk:
 * the passage a citation points to, after a real indexing job. The course's expert and admins read
 * it; another expert gets 404 as if it did not exist, a learner 403, nobody signed in 401.
 */
import type { CourseResourceView, ResourceChunkView, UploadedResource } from "@sira/contracts";
import { closeQueues } from "@sira/infra";
import type { Worker } from "bullmq";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { processors } from "../../../worker/src/processors.ts";
import { startWorkers, stopWorkers } from "../../../worker/src/workers.ts";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { bilingualPdf, callerFor, makeCourse, resourcesPath, upload } from "./fixtures.ts";

const { app, deps } = testApp();
let workers: Worker[] = [];

beforeAll(() => {
  workers = startWorkers(
    { "rag-indexing": processors(deps)["rag-indexing"] },
    { prefix: deps.config.QUEUE_PREFIX, redisUrl: deps.config.REDIS_URL, logger: deps.logger },
  );
});
beforeEach(resetState);
afterAll(async () => {
  await stopWorkers(workers, 5_000);
  await closeQueues();
  await closeTestDeps();
});

async function indexed(user: SignedIn, courseId: string, id: string): Promise<CourseResourceView> {
  for (let i = 0; i < 300; i += 1) {
    const view = (await (
      await app.request(`${resourcesPath(courseId)}/${id}`, { headers: user.headers })
    ).json()) as CourseResourceView;
    if (view.index_status === "done" || view.index_status === "failed") return view;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`resource ${id} was never indexed`);
}

async function indexedChunk() {
  const owner = await signIn(deps, { role: "expert" });
  const courseId = await makeCourse(deps, owner.userId);
  const up = (await (await upload(app, owner, courseId, await bilingualPdf(), "guide.pdf")).json()) as UploadedResource;
  expect((await indexed(owner, courseId, up.id)).index_status).toBe("done");
  const chunk = await deps.db.documentChunk.findFirstOrThrow({
    where: { resourceId: up.id },
    orderBy: { chunkIndex: "asc" },
  });
  return { owner, courseId, resourceId: up.id, chunk, path: `${resourcesPath(courseId)}/${up.id}/chunks/${chunk.id}` };
}

describe("a cited passage", () => {
  it("gives the course's expert and an admin the chunk's text, page and document, over REST and tRPC", async () => {
    const { owner, courseId, resourceId, chunk, path } = await indexedChunk();
    const admin = await signIn(deps, { role: "admin" });
    for (const user of [owner, admin]) {
      const res = await app.request(path, { headers: user.headers });
      expect(res.status).toBe(200);
      const body = (await res.json()) as ResourceChunkView;
      expect(body).toEqual({
        id: chunk.id,
        resource_id: resourceId,
        filename: "guide.pdf",
        chunk_index: chunk.chunkIndex,
        page: chunk.page,
        chapter: chunk.chapter,
        language: chunk.language,
        low_confidence: chunk.lowConfidence,
        content: chunk.content,
      });
      expect(body.page).toBe(1);
    }
    const caller = await callerFor(deps, owner);
    const viaTrpc = await caller.admin.resources.chunk({
      course_id: courseId,
      resource_id: resourceId,
      chunk_id: chunk.id,
    });
    expect(viaTrpc.content).toBe(chunk.content);
  });

  it("is 404 for another expert, for a chunk of another document and once the chunk is gone", async () => {
    const { owner, courseId, chunk, path } = await indexedChunk();
    const stranger = await signIn(deps, { role: "expert" });
    const denied = await app.request(path, { headers: stranger.headers });
    expect([denied.status, ((await denied.json()) as { code: string }).code]).toEqual([404, "NOT_FOUND"]);
    const wrongDocument = `${resourcesPath(courseId)}/${crypto.randomUUID()}/chunks/${chunk.id}`;
    expect((await app.request(wrongDocument, { headers: owner.headers })).status).toBe(404);
    await deps.db.documentChunk.delete({ where: { id: chunk.id } });
    const gone = await app.request(path, { headers: owner.headers, method: "GET" });
    expect(gone.status).toBe(404);
  });

  it("refuses a learner (403) and an anonymous caller (401), and a malformed id (400)", async () => {
    const { courseId, resourceId, path } = await indexedChunk();
    const learner = await signIn(deps, { role: "learner" });
    expect((await app.request(path, { headers: learner.headers })).status).toBe(403);
    expect((await app.request(path)).status).toBe(401);
    const owner = await signIn(deps, { role: "admin" });
    const bad = await app.request(`${resourcesPath(courseId)}/${resourceId}/chunks/not-a-uuid`, {
      headers: owner.headers,
    });
    expect(bad.status).toBe(400);
  });
});
