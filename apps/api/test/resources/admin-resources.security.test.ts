/**
 * Who is refused on course documents and their images: anonymous callers (401), learners (403 on
 * the back office), experts on courses they do not manage (404, nothing read or written), and
 * learners who are not actively enrolled (403 NOT_ENROLLED on images).
 */
import type { UploadedResource } from "@sira/contracts";
import { indexResourceImages } from "@sira/domain";
import { closeQueues } from "@sira/infra";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { bilingualPdf, callerFor, makeCourse, resourcesPath, upload } from "./fixtures.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(async () => {
  await closeQueues();
  await closeTestDeps();
});

async function setUp() {
  const owner = await signIn(deps, { role: "expert" });
  const courseId = await makeCourse(deps, owner.userId);
  const res = (await (
    await upload(app, owner, courseId, await bilingualPdf(), "guide.pdf")
  ).json()) as UploadedResource;
  return { owner, courseId, res };
}

function adminRoutes(courseId: string, resourceId: string): [string, string][] {
  const one = `${resourcesPath(courseId)}/${resourceId}`;
  return [
    ["GET", resourcesPath(courseId)],
    ["GET", one],
    ["DELETE", one],
    ["POST", `${one}/reindex`],
  ];
}

async function codeOf(res: Response): Promise<[number, string]> {
  return [res.status, ((await res.json()) as { code: string }).code];
}

async function trpcCode(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return ((error as TRPCError).cause as { code?: string } | undefined)?.code;
}

describe("back-office document routes", () => {
  it("refuse anonymous callers (401) and learners (403), uploads included", async () => {
    const { courseId, res } = await setUp();
    const learner = await signIn(deps, { role: "learner" });
    for (const [user, expected] of [
      [null, [401, "UNAUTHENTICATED"]],
      [learner, [403, "FORBIDDEN"]],
    ] as [SignedIn | null, [number, string]][]) {
      for (const [method, path] of adminRoutes(courseId, res.id)) {
        const answer = await app.request(path, { method, headers: user?.headers ?? {} });
        expect([method, path, await codeOf(answer)]).toEqual([method, path, expected]);
      }
      expect(await codeOf(await upload(app, user, courseId, new TextEncoder().encode("texte"), "a.txt"))).toEqual(
        expected,
      );
    }
    expect(await deps.db.courseResource.count()).toBe(1);
  });

  it("hide another expert's course documents (404) and change nothing", async () => {
    const { courseId, res } = await setUp();
    const stranger = await signIn(deps, { role: "expert" });
    for (const [method, path] of adminRoutes(courseId, res.id)) {
      expect(await codeOf(await app.request(path, { method, headers: stranger.headers }))).toEqual([404, "NOT_FOUND"]);
    }
    expect(await codeOf(await upload(app, stranger, courseId, new TextEncoder().encode("x y"), "a.txt"))).toEqual([
      404,
      "NOT_FOUND",
    ]);
    const row = await deps.db.courseResource.findUniqueOrThrow({ where: { id: res.id } });
    expect(row.indexStatus).toBe("queued");
    expect(await deps.db.courseResource.count()).toBe(1);
    expect(await deps.db.auditLog.count({ where: { actorId: stranger.userId } })).toBe(0);

    const caller = await callerFor(deps, stranger);
    const ref = { course_id: courseId, resource_id: res.id };
    expect(await trpcCode(caller.admin.resources.list({ course_id: courseId, page: 1, limit: 20 }))).toBe("NOT_FOUND");
    expect(await trpcCode(caller.admin.resources.get(ref))).toBe("NOT_FOUND");
    expect(await trpcCode(caller.admin.resources.reindex(ref))).toBe("NOT_FOUND");
    expect(await trpcCode(caller.admin.resources.delete(ref))).toBe("NOT_FOUND");
    const learner = await callerFor(deps, await signIn(deps, { role: "learner" }));
    expect(await trpcCode(learner.admin.resources.get(ref))).toBe("FORBIDDEN");
    expect(await trpcCode((await callerFor(deps, null)).admin.resources.get(ref))).toBe("UNAUTHENTICATED");
  });
});

describe("source images", () => {
  it("are served to enrolled learners only: 401 anonymous, 403 NOT_ENROLLED otherwise, 404 unknown", async () => {
    const { courseId, res } = await setUp();
    await indexResourceImages(deps, res.id);
    const image = await deps.db.sourceImage.findFirstOrThrow({ where: { resourceId: res.id } });
    const enrolled = await signIn(deps, { role: "learner" });
    const outsider = await signIn(deps, { role: "learner" });
    const stranger = await signIn(deps, { role: "expert" });
    await deps.db.userCourseEnrollment.create({ data: { userId: enrolled.userId, courseId } });
    const paths = [
      `/api/v1/courses/${courseId}/source-images`,
      `/api/v1/source-images/${image.id}`,
      `/api/v1/source-images/${image.id}/thumbnail`,
    ];
    for (const path of paths) {
      expect((await app.request(path, { headers: enrolled.headers })).status).toBe(200);
      expect(await codeOf(await app.request(path))).toEqual([401, "UNAUTHENTICATED"]);
      for (const user of [outsider, stranger]) {
        expect(await codeOf(await app.request(path, { headers: user.headers }))).toEqual([403, "NOT_ENROLLED"]);
      }
    }
    const unknown = crypto.randomUUID();
    for (const path of [`/api/v1/source-images/${unknown}`, `/api/v1/courses/${unknown}/source-images`]) {
      expect(await codeOf(await app.request(path, { headers: enrolled.headers }))).toEqual([404, "NOT_FOUND"]);
    }
    const caller = await callerFor(deps, outsider);
    expect(await trpcCode(caller.sourceImages.list({ course_id: courseId, page: 1, limit: 20 }))).toBe("NOT_ENROLLED");
    expect(
      await trpcCode((await callerFor(deps, null)).sourceImages.list({ course_id: courseId, page: 1, limit: 20 })),
    ).toBe("UNAUTHENTICATED");
  });
});
