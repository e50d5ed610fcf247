/**
 * Presigned media on an S3 bucket (a local s3rver started here): the API and a real worker store
 * on the bucket (a module media uploaded through the API, lesson audio made by the worker), and a
 * GET of their bytes answers 302 to a short-lived URL of the store, which serves them, byte ranges
 * included. The access rules come first: anonymous callers, learners not enrolled and deleted
 * media get the usual problem and no URL; 304 and HEAD are still answered by the API; a play is
 * still counted once.
 */
import type { LessonAudio } from "@sira/contracts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type CourseFixture,
  enroll,
  lessonKey,
  makeCourse,
  sampleLesson,
} from "../../../../packages/domain/test/content/fixtures.ts";
import { testPng } from "../../../../packages/domain/test/fixtures/pdf.ts";
import { startLocalS3 } from "../../../../test/s3rver.ts";
import { storeOfflineLesson } from "../content/offline-lessons.ts";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { startTestWorkers, type TestWorkers } from "../workers.ts";

const s3 = await startLocalS3();
const { app, deps } = testApp({
  ...s3.settings,
  STORAGE_PRESIGNED_MEDIA: "true",
  STORAGE_PRESIGNED_TTL_SECONDS: "600",
});
let workers: TestWorkers;
let expert: SignedIn;
let learner: SignedIn;
let stranger: SignedIn;
let course: CourseFixture;

beforeAll(() => {
  workers = startTestWorkers(deps);
});
beforeEach(async () => {
  await resetState();
  expert = await signIn(deps, { role: "expert" });
  learner = await signIn(deps, { role: "learner" });
  stranger = await signIn(deps, { role: "learner" });
  course = await makeCourse(deps.db, { expertId: expert.userId });
  await enroll(deps.db, learner.userId, course.courseId);
});
afterAll(async () => {
  await workers.stop();
  await closeTestDeps();
  await s3.close();
});

const get = (user: SignedIn | null, path: string, headers: Record<string, string> = {}, method = "GET") =>
  app.request(path, { method, headers: { ...(user?.headers ?? {}), ...headers } });

async function uploadPicture(bytes: Uint8Array): Promise<string> {
  const form = new FormData();
  form.append("title_fr", "Cycle du moustique");
  form.append("title_en", "Mosquito life cycle");
  form.append("file", new Blob([bytes], { type: "image/png" }), "cycle.png");
  const res = await app.request(`/api/v1/admin/modules/${course.moduleId}/media/upload`, {
    method: "POST",
    body: form,
    headers: expert.headers,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

describe("presigned media on an S3 bucket", { timeout: 120_000 }, () => {
  it("sends a reader of a module media to the store, which serves the bytes and ranges of them", async () => {
    const png = await testPng(3, 200, 120);
    const id = await uploadPicture(png);
    const row = await deps.db.moduleMedia.findUniqueOrThrow({ where: { id } });
    expect(row.storageKey).toMatch(new RegExp(`^courses/${course.courseId}/media/`));
    expect(s3.requests.some((r) => r.startsWith(`PUT /sira-test/${row.storageKey}`))).toBe(true);

    const path = `/api/v1/media/${id}/file`;
    const res = await get(learner, path);
    expect(res.status).toBe(302);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(await res.text()).toBe("");
    const location = res.headers.get("location") ?? "";
    expect(location.startsWith(`${s3.endpoint}/sira-test/${row.storageKey}?`)).toBe(true);
    expect(new URL(location).searchParams.get("X-Amz-Expires")).toBe("600");
    // The same URL while it has at least half its life left: the client's cache of the bytes hits.
    expect((await get(learner, path)).headers.get("location")).toBe(location);

    const whole = await fetch(location);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(Buffer.from(png))).toBe(true);
    expect(whole.headers.get("content-type")).toBe("image/png");
    expect(whole.headers.get("content-disposition")).toBe('inline; filename="Cycle du moustique.png"');
    expect(whole.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
    const part = await fetch(location, { headers: { range: "bytes=8-23" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 8-23/${png.byteLength}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(Buffer.from(png.subarray(8, 24)))).toBe(true);

    // HEAD and If-None-Match are the API's own answers.
    const head = await get(learner, path, {}, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers.get("location")).toBeNull();
    expect(head.headers.get("content-length")).toBe(String(png.byteLength));
    const etag = head.headers.get("etag") ?? "";
    const cached = await get(learner, path, { "if-none-match": etag });
    expect(cached.status).toBe(304);
    expect(cached.headers.get("location")).toBeNull();
  });

  it("checks access before any URL is given, and a deleted media's URL no longer serves", async () => {
    const id = await uploadPicture(await testPng(4, 64, 64));
    const path = `/api/v1/media/${id}/file`;
    const refusals = [await get(null, path), await get(stranger, path)];
    expect(refusals.map((r) => r.status)).toEqual([401, 403]);
    for (const refusal of refusals) {
      expect(refusal.headers.get("location")).toBeNull();
      expect(refusal.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    }
    const location = (await get(learner, path)).headers.get("location") ?? "";
    expect((await fetch(location)).status).toBe(200);

    const removed = await app.request(`/api/v1/admin/media/${id}`, { method: "DELETE", headers: expert.headers });
    expect(removed.status).toBe(204);
    const gone = await get(learner, path);
    expect(gone.status).toBe(404);
    expect(gone.headers.get("location")).toBeNull();
    expect((await fetch(location)).status).toBe(404);
  });

  it("serves lesson audio the worker stored on the bucket from the store, and counts one play", async () => {
    const lesson = await storeOfflineLesson(deps.db, lessonKey(course, { level: 2 }), sampleLesson("A"));
    const manifestPath = `/api/v1/lessons/${lesson.id}/audio`;
    let res = await get(learner, manifestPath);
    for (let i = 0; i < 2_400 && res.status === 202; i++) {
      await new Promise((r) => setTimeout(r, 50));
      res = await get(learner, manifestPath);
    }
    expect(res.status).toBe(200);
    const audio = (await res.json()) as LessonAudio;
    const [first] = audio.sections;
    if (!first) throw new Error("no section");

    const section = await get(learner, first.url);
    expect(section.status).toBe(302);
    const stored = await fetch(section.headers.get("location") ?? "");
    expect(stored.status).toBe(200);
    expect(stored.headers.get("content-type")).toBe("audio/ogg");
    const bytes = new Uint8Array(await stored.arrayBuffer());
    expect(bytes.byteLength).toBe(first.bytes);
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe("OggS");

    // Whoever may not read the lesson gets no URL to its audio.
    const refused = await get(stranger, first.url);
    expect([403, 404]).toContain(refused.status);
    expect(refused.headers.get("location")).toBeNull();

    await deps.usage.flush();
    const plays = await deps.db.usageEvent.findMany({ where: { userId: learner.userId, kind: "audio_play" } });
    expect(plays).toHaveLength(1);
  });
});
