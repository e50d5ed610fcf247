/**
 * /api/v1/courses/{id}/source-images and /api/v1/source-images/{id}[/thumbnail], and tRPC
 * sourceImages.list: the listing, WebP bytes from storage, strong ETags, 304 and caching headers.
 */
import type { SourceImageView, UploadedResource } from "@sira/contracts";
import { indexResourceImages } from "@sira/domain";
import { closeQueues } from "@sira/infra";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, resetState, signIn, testApp } from "../helpers.ts";
import { buildTestPdf, callerFor, imageInfo, makeCourse, SAMPLE_TEXT, upload } from "./fixtures.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(async () => {
  await closeQueues();
  await closeTestDeps();
});

async function illustratedCourse() {
  const admin = await signIn(deps, { role: "admin" });
  const courseId = await makeCourse(deps);
  const pdf = await buildTestPdf({
    pages: [
      { text: [SAMPLE_TEXT.fr], image: { width: 500, height: 500, seed: 1 } },
      { text: [SAMPLE_TEXT.en], image: { width: 200, height: 100, seed: 2 } },
    ],
  });
  const res = (await (await upload(app, admin, courseId, pdf, "atlas.pdf")).json()) as UploadedResource;
  await indexResourceImages(deps, res.id);
  const learner = await signIn(deps, { role: "learner" });
  await deps.db.userCourseEnrollment.create({ data: { userId: learner.userId, courseId } });
  return { admin, learner, courseId, res };
}

describe("source images", () => {
  it("lists a course's images in document order, paginated, over REST and tRPC", async () => {
    const { learner, courseId, res } = await illustratedCourse();
    const page = await app.request(`/api/v1/courses/${courseId}/source-images?limit=1`, { headers: learner.headers });
    expect(page.status).toBe(200);
    const body = (await page.json()) as { items: SourceImageView[]; total: number; has_more: boolean };
    expect(body).toMatchObject({ total: 2, has_more: true });
    expect(body.items[0]).toMatchObject({
      resource_id: res.id,
      page: 1,
      width: 500,
      height: 500,
      mime_type: "image/webp",
    });
    const caller = await callerFor(deps, learner);
    const all = await caller.sourceImages.list({ course_id: courseId, page: 1, limit: 20, resource_id: res.id });
    expect(all.items.map((i) => i.page)).toEqual([1, 2]);
    expect(all.items[0]).toEqual(body.items[0]);
  });

  it("serves the WebP image and thumbnail with a strong ETag, long private caching and 304s", async () => {
    const { learner, courseId } = await illustratedCourse();
    const list = (await (
      await app.request(`/api/v1/courses/${courseId}/source-images`, { headers: learner.headers })
    ).json()) as { items: SourceImageView[] };
    const image = list.items[0] as SourceImageView;

    const full = await app.request(image.url, { headers: learner.headers });
    expect(full.status).toBe(200);
    expect(full.headers.get("content-type")).toBe("image/webp");
    expect(full.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
    const etag = full.headers.get("etag") as string;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const bytes = Buffer.from(await full.arrayBuffer());
    expect(bytes.byteLength).toBe(image.byte_size);
    expect(await imageInfo(bytes)).toMatchObject({ format: "webp", width: 500, height: 500 });

    const thumb = await app.request(image.thumbnail_url as string, { headers: learner.headers });
    const thumbTag = thumb.headers.get("etag");
    expect(thumbTag).not.toBe(etag);
    expect(await imageInfo(new Uint8Array(await thumb.arrayBuffer()))).toMatchObject({ width: 320, height: 320 });

    const again = await app.request(image.url, { headers: { ...learner.headers, "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
    const stale = await app.request(image.url, { headers: { ...learner.headers, "if-none-match": '"other"' } });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();
  });
});
