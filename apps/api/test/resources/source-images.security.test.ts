/**
 * Who a course's source images must refuse: anonymous callers, learners not enrolled (even with
 * the image's ETag in If-None-Match, which must not turn into a 304), private courses not granted
 * and a dropped enrollment, on the list (REST and tRPC), the image and its thumbnail; malformed ids.
 */
import type { SourceImageView, UploadedResource } from "@sira/contracts";
import { indexResourceImages } from "@sira/domain";
import { closeQueues } from "@sira/infra";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { expectProblem, learnerRequest, trpcCodeOf } from "../learner-problems.ts";
import { callerAs } from "../trpc-caller.ts";
import { buildTestPdf, makeCourse, SAMPLE_TEXT, upload } from "./fixtures.ts";

const { app, deps } = testApp();
let courseId: string;
let learner: SignedIn;
let image: SourceImageView;

beforeEach(async () => {
  await resetState();
  const admin = await signIn(deps, { role: "admin" });
  courseId = await makeCourse(deps);
  const pdf = await buildTestPdf({ pages: [{ text: [SAMPLE_TEXT.fr], image: { width: 400, height: 400, seed: 3 } }] });
  const res = (await (await upload(app, admin, courseId, pdf, "atlas.pdf")).json()) as UploadedResource;
  await indexResourceImages(deps, res.id);
  learner = await signIn(deps);
  await deps.db.userCourseEnrollment.create({ data: { userId: learner.userId, courseId } });
  const list = await learnerRequest(app, learner, "GET", `/api/v1/courses/${courseId}/source-images`);
  image = ((await list.json()) as { items: SourceImageView[] }).items[0] as SourceImageView;
});
afterAll(async () => {
  await closeQueues();
  await closeTestDeps();
});

const paths = () => [`/api/v1/courses/${courseId}/source-images`, image.url, image.thumbnail_url as string];
const etagOf = async (user: SignedIn) => {
  const res = await learnerRequest(app, user, "GET", image.url);
  await res.arrayBuffer();
  return res.headers.get("etag") as string;
};

describe("source images", () => {
  it("the enrolled learner reads the list, the image and its thumbnail", async () => {
    for (const path of paths()) {
      const res = await learnerRequest(app, learner, "GET", path);
      expect([path, res.status]).toEqual([path, 200]);
      await res.arrayBuffer();
    }
  });

  it("anonymous callers get 401 everywhere, over REST and tRPC", async () => {
    for (const path of paths()) {
      await expectProblem(await learnerRequest(app, null, "GET", path), { status: 401, code: "UNAUTHENTICATED" });
    }
    expect(await trpcCodeOf((await callerAs(deps, null)).sourceImages.list({ course_id: courseId }))).toBe(
      "UNAUTHENTICATED",
    );
  });

  it("a learner not enrolled gets 403 NOT_ENROLLED, and no 304 even with the image's ETag", async () => {
    const etag = await etagOf(learner);
    const stranger = await signIn(deps);
    for (const path of paths()) {
      await expectProblem(await learnerRequest(app, stranger, "GET", path, { lang: "fr" }), {
        status: 403,
        code: "NOT_ENROLLED",
        lang: "fr",
      });
    }
    const probe = await learnerRequest(app, stranger, "GET", image.url, { headers: { "if-none-match": etag } });
    expect(probe.status).toBe(403);
    expect(probe.headers.get("etag")).toBeNull();
    expect(await trpcCodeOf((await callerAs(deps, stranger)).sourceImages.list({ course_id: courseId }))).toBe(
      "NOT_ENROLLED",
    );
  });

  it("a private course not granted is 404 even to its enrolled learner, and an archived one stays open", async () => {
    await deps.db.course.update({ where: { id: courseId }, data: { visibility: "private" } });
    for (const path of paths()) {
      await expectProblem(await learnerRequest(app, learner, "GET", path), { status: 404, code: "NOT_FOUND" });
    }
    expect(await trpcCodeOf((await callerAs(deps, learner)).sourceImages.list({ course_id: courseId }))).toBe(
      "NOT_FOUND",
    );
    // Decision 0014: a learner keeps an archived course they were enrolled in.
    await deps.db.course.update({ where: { id: courseId }, data: { visibility: "public", status: "archived" } });
    const res = await learnerRequest(app, learner, "GET", image.url);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  });

  it("a dropped enrollment loses the images, ETag or not", async () => {
    const etag = await etagOf(learner);
    await deps.db.userCourseEnrollment.update({
      where: { userId_courseId: { userId: learner.userId, courseId } },
      data: { status: "dropped" },
    });
    for (const path of paths()) {
      await expectProblem(await learnerRequest(app, learner, "GET", path), { status: 403, code: "NOT_ENROLLED" });
    }
    const probe = await learnerRequest(app, learner, "GET", image.url, { headers: { "if-none-match": etag } });
    expect(probe.status).toBe(403);
  });

  it("answers 400 naming the field for malformed ids and limits, and 404 for an unknown image", async () => {
    await expectProblem(
      await learnerRequest(app, learner, "GET", "/api/v1/source-images/../../etc/passwd", { lang: "fr" }),
      {
        status: 404,
        code: "ROUTE_NOT_FOUND",
        lang: "fr",
      },
    );
    await expectProblem(await learnerRequest(app, learner, "GET", "/api/v1/source-images/image-1", { lang: "fr" }), {
      status: 400,
      code: "VALIDATION_FAILED",
      lang: "fr",
      field: "id",
    });
    await expectProblem(
      await learnerRequest(app, learner, "GET", `/api/v1/source-images/${crypto.randomUUID()}/thumbnail`),
      {
        status: 404,
        code: "NOT_FOUND",
      },
    );
    for (const [query, field] of [
      ["limit=101", "limit"],
      ["page=0", "page"],
      ["resource_id=doc-1", "resource_id"],
    ] as const) {
      await expectProblem(
        await learnerRequest(app, learner, "GET", `/api/v1/courses/${courseId}/source-images?${query}`, { lang: "en" }),
        { status: 400, code: "VALIDATION_FAILED", lang: "en", field },
      );
    }
  });
});
