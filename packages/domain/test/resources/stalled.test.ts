/**
 * The maintenance sweep re-queues a resource left "queued" with no job behind it, and leaves alone
 * recent ones (their job may still be waiting or retrying) and finished ones.
 */
import { getQueue } from "@sira/infra";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { indexJobId, requeueStalledResources, STALLED_INDEXING_MINUTES } from "../../src/resources/index.ts";
import { makeCourse, resourceTestDeps } from "./helpers.ts";

const deps = resourceTestDeps();
const { db } = deps;
const queue = getQueue("rag-indexing", { prefix: deps.config.QUEUE_PREFIX });

beforeEach(async () => {
  await truncateAll(process.env.DATABASE_URL as string);
  await queue.obliterate({ force: true });
});
afterAll(() => deps.close());

async function resource(courseId: string, indexStatus: string, minutesAgo: number) {
  const updatedAt = new Date(Date.now() - minutesAgo * 60_000);
  const row = await db.courseResource.create({
    data: {
      courseId,
      filename: `doc-${indexStatus}-${minutesAgo}.txt`,
      contentHash: crypto.randomUUID().replaceAll("-", "").padEnd(64, "0"),
      mimeType: "text/plain",
      byteSize: 10,
      storageKey: `courses/${courseId}/resources/x.txt`,
      indexStatus,
    },
  });
  // @updatedAt is set by the client on every write: backdate it with SQL.
  await db.$executeRaw`UPDATE course_resources SET updated_at = ${updatedAt} WHERE id = ${row.id}::uuid`;
  return db.courseResource.findUniqueOrThrow({ where: { id: row.id } });
}

describe("requeueStalledResources", () => {
  it("re-queues only resources queued for longer than the retry window", async () => {
    const courseId = await makeCourse(db);
    const stalled = await resource(courseId, "queued", STALLED_INDEXING_MINUTES + 5);
    const recent = await resource(courseId, "queued", 1);
    const done = await resource(courseId, "done", STALLED_INDEXING_MINUTES + 5);

    expect(await requeueStalledResources(deps)).toEqual({ requeued: 1 });
    const job = await queue.getJob(indexJobId(stalled));
    expect(job?.data).toEqual({ resourceId: stalled.id });
    expect(await queue.getJob(indexJobId(recent))).toBeUndefined();
    expect(await queue.getJob(indexJobId(done))).toBeUndefined();

    // Running the sweep again adds nothing: the job id is the same.
    await requeueStalledResources(deps);
    expect(await queue.getJobCounts("waiting")).toEqual({ waiting: 1 });
  });
});
