/**
 * An illustration being redrawn keeps its picture: learners go on reading the files they have
 * (listed and served at their version) while the worker draws, and after a redraw that fails for
 * good. The new files replace the old ones only when they are ready.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type CourseFixture, enroll, makeCourse } from "../../../packages/domain/test/content/fixtures.ts";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";
import { startTestWorkers, type TestWorkers, until } from "./workers.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "images");
let workers: TestWorkers;
let expert: SignedIn;
let learner: SignedIn;
let course: CourseFixture;

beforeAll(() => {
  workers = startTestWorkers(deps);
});
beforeEach(async () => {
  await resetState();
  expert = await signIn(deps, { role: "expert" });
  learner = await signIn(deps, { role: "learner" });
  course = await makeCourse(deps.db, { expertId: expert.userId });
  await enroll(deps.db, learner.userId, course.courseId);
});
afterAll(async () => {
  await workers.stop();
  await closeTestDeps();
});

interface Image {
  id: string;
  url: string | null;
  thumbnail_url: string | null;
  error: string | null;
}

const settled = (id: string, after = new Date(0)) =>
  until(
    () => deps.db.generatedImage.findUniqueOrThrow({ where: { id } }),
    (row) => (row.status === "ready" || row.status === "failed") && row.updatedAt > after,
  );

async function listed(): Promise<Image[]> {
  const res = await send(learner, "GET", `/api/v1/modules/${course.moduleId}/images`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: Image[] }).items;
}

async function bytesOf(url: string): Promise<Buffer> {
  const res = await app.request(url, { headers: learner.headers });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

describe("an illustration redrawn", () => {
  it("stays listed and served to learners while it is redrawn, and after the redraw fails", async () => {
    const asked = await send(expert, "POST", `/api/v1/admin/modules/${course.moduleId}/image`, {});
    expect(asked.status).toBe(202);
    const { id } = (await asked.json()) as { id: string };
    const first = await settled(id);
    expect(first.status).toBe("ready");
    const [drawn] = await listed();
    const url = drawn?.url as string;
    const thumbnail = drawn?.thumbnail_url as string;
    const picture = await bytesOf(url);

    // The drawing waits in the queue: the picture learners have is still theirs.
    await Promise.all(workers.workers.map((w) => w.pause()));
    const broken = vi.spyOn(deps.ai.images, "illustrate").mockResolvedValue({
      bytes: new TextEncoder().encode("not a picture at all"),
      mimeType: "image/png",
      prompt: "a broken answer",
      provider: "test",
      model: null,
    });
    try {
      expect((await send(expert, "POST", `/api/v1/admin/images/${id}/regenerate`)).status).toBe(202);
      expect((await listed()).map((i) => [i.id, i.url, i.thumbnail_url])).toEqual([[id, url, thumbnail]]);
      expect((await bytesOf(url)).equals(picture)).toBe(true);
      expect((await bytesOf(thumbnail)).byteLength).toBeGreaterThan(0);

      for (const w of workers.workers) w.resume();
      expect((await settled(id, first.updatedAt)).status).toBe("failed");
    } finally {
      broken.mockRestore();
      for (const w of workers.workers) w.resume();
    }
    // The failed redraw left the picture as it was; its reason stays in the back office.
    const after = await listed();
    expect(after.map((i) => [i.id, i.url, i.error])).toEqual([[id, url, null]]);
    expect((await bytesOf(url)).equals(picture)).toBe(true);
    const status = (await (await send(expert, "GET", `/api/v1/admin/images/${id}`)).json()) as Image;
    expect(status.error).toMatch(/could not be encoded/);
  });
});
