/**
 * Re-indexing one document reads it again in full (OCR, embeddings): asked again while its
 * indexing is still queued, it is left to the job it has, as re-indexing the whole course does. A
 * double click used to queue a second full run. One left unmoved past the stuck time has lost its
 * job and is queued again.
 */
import type { UploadedResource } from "@sira/contracts";
import { STUCK_INDEXING_MS } from "@sira/domain";
import { closeQueues, getQueue } from "@sira/infra";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { closeTestDeps, resetState, signIn, testApp } from "./helpers.ts";
import { makeCourse, resourcesPath, upload } from "./resources/fixtures.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterEach(() => vi.useRealTimers());
afterAll(async () => {
  await closeQueues();
  await closeTestDeps();
});

async function indexJobsOf(resourceId: string): Promise<number> {
  const jobs = await getQueue("rag-indexing", { prefix: deps.config.QUEUE_PREFIX }).getJobs([
    "waiting",
    "delayed",
    "active",
    "prioritized",
  ]);
  return jobs.filter((job) => (job.data as { resourceId?: string }).resourceId === resourceId).length;
}

describe("re-indexing one document", () => {
  it("while its indexing is queued: 202 with the document as it is, and no second run", async () => {
    const expert = await signIn(deps, { role: "expert" });
    const courseId = await makeCourse(deps, expert.userId);
    const res = await upload(app, expert, courseId, new TextEncoder().encode("# Paludisme\n\nUne maladie.\n"), "n.md");
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as UploadedResource;
    expect(await indexJobsOf(id)).toBe(1);

    for (let i = 0; i < 3; i++) {
      const again = await app.request(`${resourcesPath(courseId)}/${id}/reindex`, {
        method: "POST",
        headers: expert.headers,
      });
      expect(again.status).toBe(202);
      expect(await again.json()).toMatchObject({ id, index_status: "queued" });
    }
    expect(await indexJobsOf(id)).toBe(1);
  });

  it("left unmoved past the stuck time (its job lost): queued again", async () => {
    const expert = await signIn(deps, { role: "expert" });
    const courseId = await makeCourse(deps, expert.userId);
    const res = await upload(app, expert, courseId, new TextEncoder().encode("# Choléra\n\nUne maladie.\n"), "c.md");
    const { id } = (await res.json()) as UploadedResource;
    expect(await indexJobsOf(id)).toBe(1);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + STUCK_INDEXING_MS + 1_000 });
    const again = await app.request(`${resourcesPath(courseId)}/${id}/reindex`, {
      method: "POST",
      headers: expert.headers,
    });
    expect(again.status).toBe(202);
    expect(await indexJobsOf(id)).toBe(2);
  });
});
