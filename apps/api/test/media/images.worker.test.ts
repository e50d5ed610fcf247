/**
 * Illustrations drawn on a real worker by the offline engine (a concept map of the lesson, as SVG
 * rasterised by sharp), served as WebP at 640 and 320 px within their byte budgets, with ETag,
 * 304, Range and immutable caching; listed per module for readers of the course only; asked for by
 * admins and the course's own expert, never by another expert.
 */
import { IMAGE_BYTE_BUDGET } from "@sira/contracts";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type CourseFixture,
  enroll,
  lessonKey,
  makeCourse,
  sampleLesson,
} from "../../../../packages/domain/test/content/fixtures.ts";
import { imageInfo } from "../../../../packages/domain/test/resources/helpers.ts";
import { storeOfflineLesson } from "../content/offline-lessons.ts";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { callerAs } from "../trpc-caller.ts";
import { startTestWorkers, type TestWorkers, until } from "../workers.ts";

const { app, deps } = testApp();
const send = jsonSender(app, "images");
let workers: TestWorkers;
let admin: SignedIn;
let expert: SignedIn;
let otherExpert: SignedIn;
let learner: SignedIn;
let stranger: SignedIn;
let course: CourseFixture;

beforeAll(() => {
  workers = startTestWorkers(deps);
});
beforeEach(async () => {
  await resetState();
  admin = await signIn(deps, { role: "admin" });
  expert = await signIn(deps, { role: "expert" });
  otherExpert = await signIn(deps, { role: "expert" });
  learner = await signIn(deps, { role: "learner" });
  stranger = await signIn(deps, { role: "learner" });
  course = await makeCourse(deps.db, { expertId: expert.userId });
  await enroll(deps.db, learner.userId, course.courseId);
});
afterAll(async () => {
  await workers.stop();
  await closeTestDeps();
});

async function storeLesson() {
  const lesson = sampleLesson("A");
  lesson.concepts = [
    {
      title: "L'offre",
      explanation: "La quantité que les vendeurs proposent à un prix donné [1]. Elle monte avec le prix.",
    },
    { title: "La demande", explanation: "La quantité que les acheteurs veulent acheter [1]." },
    { title: "Le prix d'équilibre <script>", explanation: "Le prix où l'offre égale la demande & rien d'autre [2]." },
  ];
  return storeOfflineLesson(deps.db, lessonKey(course, { level: 2 }), lesson);
}

async function readyImage(id: string) {
  return until(
    () => deps.db.generatedImage.findUniqueOrThrow({ where: { id } }),
    (row) => row.status === "ready" || row.status === "failed",
  );
}

async function webp(path: string, user: SignedIn, headers: Record<string, string> = {}) {
  const res = await app.request(path, { headers: { ...user.headers, ...headers } });
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

describe("an illustration drawn offline on the worker", () => {
  it("is a concept map of the lesson, served as WebP at 640 and 320 px within budget, to readers of the course", async () => {
    const stored = await storeLesson();
    const asked = await send(admin, "POST", `/api/v1/admin/generated-content/${stored.id}/image`);
    expect(asked.status).toBe(202);
    const pending = (await asked.json()) as { id: string; status: string; url: string | null };
    expect(pending).toMatchObject({ status: "pending", url: null });

    const row = await readyImage(pending.id);
    expect(row).toMatchObject({ status: "ready", provider: "offline", width: 640, mimeType: "image/webp" });
    expect(row.altFr).toContain("L'offre");
    expect(row.altEn).toMatch(/^Diagram “Le prix d'équilibre A” linking 3 concepts/);
    // The SVG escaped the lesson's text: the "<script>" title is drawn, not parsed.
    expect(row.prompt).toContain("<script>");

    const list = await send(learner, "GET", `/api/v1/modules/${course.moduleId}/images`);
    expect(list.status).toBe(200);
    const page = (await list.json()) as {
      items: { id: string; url: string; thumbnail_url: string; alt: string }[];
      total: number;
    };
    expect(page.total).toBe(1);
    const [item] = page.items;
    expect(item?.alt).toBe(row.altEn);

    for (const [url, width] of [
      [item?.url as string, 640],
      [item?.thumbnail_url as string, 320],
    ] as const) {
      const { res, bytes } = await webp(url, learner);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/webp");
      expect(res.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
      const meta = await imageInfo(bytes);
      expect(meta.format).toBe("webp");
      expect(meta.width).toBe(width);
      expect(bytes.byteLength).toBeLessThanOrEqual(IMAGE_BYTE_BUDGET[width]);
      expect(Number(res.headers.get("content-length"))).toBe(bytes.byteLength);

      const etag = res.headers.get("etag") as string;
      const again = await webp(url, learner, { "if-none-match": etag });
      expect(again.res.status).toBe(304);
      const part = await webp(url, learner, { range: "bytes=0-99" });
      expect(part.res.status).toBe(206);
      expect(part.res.headers.get("content-range")).toBe(`bytes 0-99/${bytes.byteLength}`);
      expect(Buffer.from(part.bytes).equals(Buffer.from(bytes.subarray(0, 100)))).toBe(true);
    }

    // Another version is gone; no version is served, revalidated by its ETag instead of cached for good.
    const base = `/api/v1/images/${pending.id}`;
    expect((await webp(`${base}?width=640&v=0123456789abcdef`, learner)).res.status).toBe(404);
    const bare = await webp(`${base}?width=640`, learner);
    expect(bare.res.status).toBe(200);
    expect(bare.res.headers.get("cache-control")).toBe("private, no-cache");
    const bareEtag = bare.res.headers.get("etag") as string;
    expect(bareEtag).toMatch(/^"/);
    expect((await webp(`${base}?width=640`, learner, { "if-none-match": bareEtag })).res.status).toBe(304);

    // Not enrolled: refused, for the list and the bytes alike.
    expect((await send(stranger, "GET", `/api/v1/modules/${course.moduleId}/images`)).status).toBe(403);
    expect((await webp(item?.url as string, stranger)).res.status).toBe(403);
    expect((await app.request(item?.url as string)).status).toBe(401);
    // The tRPC twin gives the same page.
    const caller = await callerAs(deps, learner, { lang: "fr" });
    const twin = await caller.media.images({ module_id: course.moduleId, page: 1, limit: 20 });
    expect(twin.items.map((i) => i.id)).toEqual([pending.id]);
    expect(twin.items[0]?.alt).toBe(row.altFr);
  });

  it("lets the course's expert draw a module's illustration and redraw it; another expert gets 404", async () => {
    const refused = await send(otherExpert, "POST", `/api/v1/admin/modules/${course.moduleId}/image`, {});
    expect(refused.status).toBe(404);
    const asked = await send(expert, "POST", `/api/v1/admin/modules/${course.moduleId}/image`, { language: "en" });
    expect(asked.status).toBe(202);
    const { id } = (await asked.json()) as { id: string };
    const first = await readyImage(id);
    expect(first.status).toBe("ready");
    expect(first.altEn).toContain("The equilibrium price");

    const again = await send(expert, "POST", `/api/v1/admin/images/${id}/regenerate`);
    expect(again.status).toBe(202);
    const redrawn = await until(
      () => deps.db.generatedImage.findUniqueOrThrow({ where: { id } }),
      (row) => row.status === "ready" && row.updatedAt > first.updatedAt,
    );
    expect(redrawn.storageKey).toMatch(new RegExp(`^courses/${course.courseId}/images/${id}/[0-9a-f]{16}-640\\.webp$`));
    expect(await deps.storage.stat(redrawn.storageKey as string)).not.toBeNull();
    const status = await send(expert, "GET", `/api/v1/admin/images/${id}`);
    expect(status.status).toBe(200);
    expect((await send(otherExpert, "GET", `/api/v1/admin/images/${id}`)).status).toBe(404);
    expect((await send(learner, "POST", `/api/v1/admin/images/${id}/regenerate`)).status).toBe(403);
  });

  it("makes one row and one drawing for concurrent requests of the same lesson or module", async () => {
    const stored = await storeLesson();
    const illustrate = vi.spyOn(deps.ai.images, "illustrate");
    // Held queues: every request meets the others before any drawing starts.
    await Promise.all(workers.workers.map((w) => w.pause()));
    try {
      for (const path of [
        `/api/v1/admin/generated-content/${stored.id}/image`,
        `/api/v1/admin/modules/${course.moduleId}/image`,
      ]) {
        const answers = await Promise.all(Array.from({ length: 6 }, () => send(expert, "POST", path, {})));
        expect(answers.map((r) => r.status)).toEqual(Array(6).fill(202));
        const ids = new Set(await Promise.all(answers.map(async (r) => ((await r.json()) as { id: string }).id)));
        expect(ids.size).toBe(1);
      }
      expect(await deps.db.generatedImage.count({ where: { contentId: stored.id } })).toBe(1);
      expect(await deps.db.generatedImage.count({ where: { moduleId: course.moduleId, contentId: null } })).toBe(1);
    } finally {
      for (const w of workers.workers) w.resume();
    }
    const rows = await deps.db.generatedImage.findMany({ where: { moduleId: course.moduleId } });
    for (const row of rows) expect((await readyImage(row.id)).status).toBe("ready");
    expect(illustrate).toHaveBeenCalledTimes(2);
    illustrate.mockRestore();
  });

  it("fails an undecodable drawing at once, without asking the model again on a retry", async () => {
    const illustrate = vi.spyOn(deps.ai.images, "illustrate").mockResolvedValue({
      bytes: new TextEncoder().encode("not a picture at all"),
      mimeType: "image/png",
      prompt: "a broken answer",
      provider: "test",
      model: null,
    });
    try {
      const asked = await send(expert, "POST", `/api/v1/admin/modules/${course.moduleId}/image`, {});
      expect(asked.status).toBe(202);
      const row = await readyImage(((await asked.json()) as { id: string }).id);
      expect(row.status).toBe("failed");
      expect(row.error).toMatch(/could not be encoded/);
      expect(illustrate).toHaveBeenCalledTimes(1);
    } finally {
      illustrate.mockRestore();
    }
  });

  it("refuses a width other than 320 or 640, and answers IMAGE_NOT_READY before the drawing is done", async () => {
    const image = await deps.db.generatedImage.create({
      data: {
        courseId: course.courseId,
        moduleId: course.moduleId,
        prompt: "",
        provider: "offline",
        status: "pending",
      },
    });
    const early = await send(learner, "GET", `/api/v1/images/${image.id}?width=640`);
    expect(early.status).toBe(409);
    expect(((await early.json()) as { code: string }).code).toBe("IMAGE_NOT_READY");
    const wrong = await send(learner, "GET", `/api/v1/images/${image.id}?width=1024`);
    expect(wrong.status).toBe(400);
  });
});
