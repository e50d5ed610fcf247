/**
 * A module's media through the real API and a real worker: a PDF, a PNG and an Ogg uploaded by
 * the course's expert (streamed, checked by content), a video link and a reference to an
 * illustration; summaries written on the worker (the PDF's own text, else the description);
 * reordered in one call, edited, deleted with their stored file; served with Range and ETag to
 * enrolled learners only; and refused to other experts, learners not enrolled, and hostile input.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { crc32, deflateSync } from "node:zlib";
import { summarizeModuleMedia } from "@sira/domain";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type CourseFixture, enroll, makeCourse } from "../../../../packages/domain/test/content/fixtures.ts";
import { buildTestPdf, testPng } from "../../../../packages/domain/test/fixtures/pdf.ts";
import { addModule } from "../../../../packages/domain/test/quiz/fixtures.ts";
import { SAMPLE_TEXT } from "../../../../packages/domain/test/resources/helpers.ts";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { callerAs } from "../trpc-caller.ts";
import { startTestWorkers, type TestWorkers, until } from "../workers.ts";

const OGG = new Uint8Array(readFileSync(new URL("./fixtures/tone.ogg", import.meta.url)));
const { app, deps } = testApp();
const send = jsonSender(app, "media");
let workers: TestWorkers;
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

interface Media {
  id: string;
  media_type: string;
  source: string;
  url: string;
  title: string;
  mime_type: string | null;
  byte_size: number | null;
  duration_ms: number | null;
  width: number | null;
  summary_fr: string | null;
  summary_en: string | null;
  status: string;
  sort_order: number;
}

const uploadPath = (moduleId = course.moduleId) => `/api/v1/admin/modules/${moduleId}/media/upload`;

async function uploadMedia(
  user: SignedIn,
  bytes: Uint8Array,
  filename: string,
  fields: Record<string, string> = { title_fr: "Support", title_en: "Handout" },
  type = "application/octet-stream",
) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append("file", new Blob([bytes], { type }), filename);
  const res = await app.request(uploadPath(), {
    method: "POST",
    body: form,
    headers: { ...user.headers, "accept-language": "en" },
  });
  return { status: res.status, body: (await res.json()) as Media & { code?: string; errors?: { field: string }[] } };
}

const FRENCH_PDF = () =>
  buildTestPdf({
    title: "Le paludisme",
    pages: [{ text: ["Chapitre 1 : Le paludisme", SAMPLE_TEXT.fr, SAMPLE_TEXT.fr] }, { text: [SAMPLE_TEXT.fr] }],
  });

async function settled(id: string) {
  return until(
    () => deps.db.moduleMedia.findUniqueOrThrow({ where: { id } }),
    (row) => row.status !== "processing",
  );
}

describe("module media, attached by the course's expert", () => {
  it("uploads a PDF, a PNG and an Ogg, links a video, summarises them, reorders, edits and deletes", async () => {
    const pdfBytes = await FRENCH_PDF();
    const pdf = await uploadMedia(expert, pdfBytes, "paludisme.pdf", {
      title_fr: "Guide du paludisme",
      title_en: "Malaria guide",
    });
    expect(pdf.status).toBe(201);
    expect(pdf.body).toMatchObject({
      media_type: "document",
      source: "upload",
      mime_type: "application/pdf",
      byte_size: pdfBytes.byteLength,
      status: "processing",
      sort_order: 0,
    });
    const png = await uploadMedia(
      expert,
      await testPng(2, 120, 80),
      "schema.png",
      {
        title_fr: "Schéma",
        title_en: "Diagram",
        description_en: "A diagram of the mosquito's life cycle, from egg to adult, and where nets break it.",
      },
      "image/png",
    );
    expect(png.status).toBe(201);
    expect(png.body).toMatchObject({ media_type: "image", width: 120, height: 80, sort_order: 1 });
    const ogg = await uploadMedia(expert, OGG, "cours.ogg", { title_fr: "Écoute", title_en: "Listen" }, "audio/ogg");
    expect(ogg.status).toBe(201);
    expect(ogg.body.media_type).toBe("audio");
    expect(ogg.body.duration_ms).toBeGreaterThan(1400);
    expect(ogg.body.duration_ms).toBeLessThan(1600);
    const link = await send(expert, "POST", `/api/v1/admin/modules/${course.moduleId}/media`, {
      media_type: "video",
      external_url: "https://www.youtube.com/watch?v=abc123",
      title_fr: "Vidéo",
      title_en: "Video",
      duration_ms: 90_000,
    });
    expect(link.status).toBe(201);
    const video = (await link.json()) as Media;
    expect(video).toMatchObject({ media_type: "video", source: "link", url: "https://www.youtube.com/watch?v=abc123" });

    // Summaries on the worker: the PDF from its own (French) text, the picture from its description.
    const pdfRow = await settled(pdf.body.id);
    expect(pdfRow.status).toBe("ready");
    expect(pdfRow.summaryFr).toMatch(/paludisme/i);
    const pngRow = await settled(png.body.id);
    expect(pngRow.summaryEn).toContain("mosquito");
    expect(pngRow.summaryFr).toBeNull();

    // Learners see them in order; the tRPC twin agrees.
    const list = await send(learner, "GET", `/api/v1/modules/${course.moduleId}/media`);
    expect(list.status).toBe(200);
    const page = (await list.json()) as { items: Media[]; total: number };
    expect(page.total).toBe(4);
    const ids = page.items.map((m) => m.id);
    expect(ids).toEqual([pdf.body.id, png.body.id, ogg.body.id, video.id]);
    expect(page.items[1]?.summary_en).toContain("mosquito");

    // Reorder in one call; an incomplete list changes nothing.
    const reversed = [...ids].reverse();
    const reordered = await send(expert, "PUT", `/api/v1/admin/modules/${course.moduleId}/media/order`, {
      ids: reversed,
    });
    expect(reordered.status).toBe(200);
    expect(((await reordered.json()) as { items: Media[] }).items.map((m) => m.id)).toEqual(reversed);
    const partial = await send(expert, "PUT", `/api/v1/admin/modules/${course.moduleId}/media/order`, {
      ids: reversed.slice(1),
    });
    expect(partial.status).toBe(409);
    expect(((await partial.json()) as { code: string }).code).toBe("MEDIA_ORDER_MISMATCH");
    const caller = await callerAs(deps, learner, { lang: "fr" });
    const twin = await caller.media.list({ module_id: course.moduleId, page: 1, limit: 20 });
    expect(twin.items.map((m) => m.id)).toEqual(reversed);
    expect(twin.items[0]?.title).toBe("Vidéo");

    // Edit: new texts, a new summary.
    const edited = await send(expert, "PATCH", `/api/v1/admin/media/${png.body.id}`, {
      title_en: "Life cycle",
      description_fr: "Le cycle de vie du moustique, de l'œuf à l'adulte, et où la moustiquaire l'interrompt.",
    });
    expect(edited.status).toBe(200);
    expect(((await edited.json()) as Media).title).toBe("Life cycle");
    const resummarised = await until(
      () => deps.db.moduleMedia.findUniqueOrThrow({ where: { id: png.body.id } }),
      (row) => row.status === "ready" && row.summaryFr !== null,
    );
    expect(resummarised.summaryFr).toContain("moustique");

    // Delete: the row and its stored object go.
    const stored = await deps.db.moduleMedia.findUniqueOrThrow({ where: { id: ogg.body.id } });
    expect(await deps.storage.stat(stored.storageKey as string)).not.toBeNull();
    const adminCaller = await callerAs(deps, expert);
    await adminCaller.admin.media.delete({ media_id: ogg.body.id });
    expect(await deps.storage.stat(stored.storageKey as string)).toBeNull();
    expect((await send(expert, "DELETE", `/api/v1/admin/media/${ogg.body.id}`)).status).toBe(404);
    expect((await caller.media.list({ module_id: course.moduleId, page: 1, limit: 20 })).total).toBe(3);
  });

  it("writes the summary when a reorder or a language edit lands while it is made, not when the texts change", async () => {
    const created = await send(expert, "POST", `/api/v1/admin/modules/${course.moduleId}/media`, {
      external_url: "https://a.org/guide",
      title_fr: "Guide",
      title_en: "Guide",
      description_en: `${SAMPLE_TEXT.en} ${SAMPLE_TEXT.en} ${SAMPLE_TEXT.en}`.slice(0, 1_900),
    });
    const media = (await created.json()) as Media;
    const other = (await (
      await send(expert, "POST", `/api/v1/admin/modules/${course.moduleId}/media`, {
        external_url: "https://a.org/other",
        title_fr: "Autre",
        title_en: "Other",
      })
    ).json()) as Media;
    await settled(media.id);
    await settled(other.id);
    // The job summarises while the expert acts: `during` runs between its read and its write.
    const summarizeWhile = async (during: () => Promise<void>) => {
      await deps.db.moduleMedia.update({ where: { id: media.id }, data: { status: "processing", summaryEn: null } });
      const generator = deps.ai.generator;
      const slow = Object.create(generator) as typeof generator;
      slow.summarize = async (...args) => {
        await during();
        return generator.summarize(...args);
      };
      return summarizeModuleMedia({ ...deps, ai: { ...deps.ai, generator: slow } }, media.id);
    };
    const order = `/api/v1/admin/modules/${course.moduleId}/media/order`;
    const reordered = await summarizeWhile(async () => {
      expect((await send(expert, "PUT", order, { ids: [other.id, media.id] })).status).toBe(200);
      expect((await send(expert, "PATCH", `/api/v1/admin/media/${media.id}`, { language: "en" })).status).toBe(200);
    });
    expect(reordered.written).toBe(true);
    const row = await deps.db.moduleMedia.findUniqueOrThrow({ where: { id: media.id } });
    expect(row.status).toBe("ready");
    expect(row.summaryEn).not.toBeNull();
    // A text edit meanwhile: this summary is stale, the edit's own job writes the next one.
    const edited = await summarizeWhile(async () => {
      await deps.db.moduleMedia.update({ where: { id: media.id }, data: { titleEn: "Field guide" } });
    });
    expect(edited.written).toBe(false);
  });

  it("serves an uploaded file with Range, ETag and caching to enrolled learners only", async () => {
    const pdfBytes = await FRENCH_PDF();
    const { body } = await uploadMedia(expert, pdfBytes, "guide.pdf");
    const whole = await app.request(body.url, { headers: learner.headers });
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("application/pdf");
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    expect(whole.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
    expect(Buffer.from(await whole.arrayBuffer()).equals(Buffer.from(pdfBytes))).toBe(true);
    const etag = whole.headers.get("etag") as string;

    const part = await app.request(body.url, { headers: { ...learner.headers, range: "bytes=10-19" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 10-19/${pdfBytes.byteLength}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(Buffer.from(pdfBytes.subarray(10, 20)))).toBe(true);
    const tail = await app.request(body.url, { headers: { ...learner.headers, range: "bytes=-5" } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(Buffer.from(pdfBytes.subarray(-5)))).toBe(true);
    const cached = await app.request(body.url, { headers: { ...learner.headers, "if-none-match": etag } });
    expect(cached.status).toBe(304);
    const past = await app.request(body.url, { headers: { ...learner.headers, range: "bytes=99999999-" } });
    expect(past.status).toBe(416);

    expect((await app.request(body.url, { headers: stranger.headers })).status).toBe(403);
    expect((await app.request(body.url)).status).toBe(401);
    expect((await send(stranger, "GET", `/api/v1/modules/${course.moduleId}/media`)).status).toBe(403);
    // A private course's module is not even visible to a stranger.
    await deps.db.course.update({ where: { id: course.courseId }, data: { visibility: "private" } });
    expect([403, 404]).toContain((await app.request(body.url, { headers: stranger.headers })).status);
  });

  it("answers 423 MODULE_LOCKED to a learner for a locked module's media and illustrations; staff still read them", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const second = await addModule(deps.db, course.courseId);
    const form = new FormData();
    form.append("title_fr", "Guide");
    form.append("title_en", "Guide");
    form.append("file", new Blob([await FRENCH_PDF()]), "guide.pdf");
    const uploaded = await app.request(uploadPath(second), { method: "POST", body: form, headers: expert.headers });
    expect(uploaded.status).toBe(201);
    const media = (await uploaded.json()) as Media;
    const asked = await send(expert, "POST", `/api/v1/admin/modules/${second}/image`, {});
    expect(asked.status).toBe(202);
    const imageId = ((await asked.json()) as { id: string }).id;
    const image = await until(
      () => deps.db.generatedImage.findUniqueOrThrow({ where: { id: imageId } }),
      (row) => row.status !== "pending" && row.status !== "generating",
    );
    expect(image.status).toBe("ready");
    const imageUrl = `/api/v1/images/${imageId}?width=320`;
    const reads = [`/api/v1/modules/${second}/media`, `/api/v1/modules/${second}/images`, media.url, imageUrl];
    for (const path of reads) {
      const res = await app.request(path, { headers: learner.headers });
      expect(res.status, path).toBe(423);
      expect(((await res.json()) as { code: string }).code).toBe("MODULE_LOCKED");
      for (const staff of [expert, admin])
        expect((await app.request(path, { headers: staff.headers })).status).toBe(200);
    }
    const caller = await callerAs(deps, learner);
    await expect(caller.media.list({ module_id: second, page: 1, limit: 20 })).rejects.toMatchObject({
      cause: { code: "MODULE_LOCKED" },
    });
    // The first module stays open to the learner.
    expect((await app.request(`/api/v1/modules/${course.moduleId}/media`, { headers: learner.headers })).status).toBe(
      200,
    );
  });

  it("answers 404, never 500, to deletes and edits racing a delete, and deletes despite a storage error", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { status, body } = await uploadMedia(expert, OGG, `race-${i}.ogg`, undefined, "audio/ogg");
      expect(status).toBe(201);
      ids.push(body.id);
    }
    for (const id of ids) {
      const path = `/api/v1/admin/media/${id}`;
      const answers = await Promise.all([
        send(expert, "DELETE", path),
        send(expert, "DELETE", path),
        send(expert, "PATCH", path, { language: "fr" }),
        send(expert, "PATCH", path, { title_en: "Renamed" }),
      ]);
      const [first, second, ...edits] = answers.map((r) => r.status);
      expect([first, second].sort()).toEqual([204, 404]);
      for (const status of edits) expect([200, 404]).toContain(status);
    }
    expect(await deps.db.moduleMedia.count()).toBe(0);

    const kept = await uploadMedia(expert, OGG, "kept.ogg", undefined, "audio/ogg");
    const storageDown = vi.spyOn(deps.storage, "delete").mockRejectedValueOnce(new Error("storage unavailable"));
    try {
      expect((await send(expert, "DELETE", `/api/v1/admin/media/${kept.body.id}`)).status).toBe(204);
    } finally {
      storageDown.mockRestore();
    }
    expect(await deps.db.moduleMedia.count({ where: { id: kept.body.id } })).toBe(0);
  });

  it("refuses other experts and learners on every back-office route", async () => {
    const { body } = await uploadMedia(expert, await testPng(1), "a.png");
    const other = await uploadMedia(otherExpert, await testPng(1), "a.png");
    expect(other.status).toBe(404);
    const create = { external_url: "https://example.org/page", title_fr: "Lien", title_en: "Link" };
    expect((await send(otherExpert, "POST", `/api/v1/admin/modules/${course.moduleId}/media`, create)).status).toBe(
      404,
    );
    expect((await send(otherExpert, "PATCH", `/api/v1/admin/media/${body.id}`, { title_fr: "x" })).status).toBe(404);
    expect((await send(otherExpert, "DELETE", `/api/v1/admin/media/${body.id}`)).status).toBe(404);
    expect(
      (await send(otherExpert, "PUT", `/api/v1/admin/modules/${course.moduleId}/media/order`, { ids: [body.id] }))
        .status,
    ).toBe(404);
    expect((await send(learner, "POST", `/api/v1/admin/modules/${course.moduleId}/media`, create)).status).toBe(403);
    expect((await uploadMedia(learner, await testPng(1), "a.png")).status).toBe(403);
    expect(await deps.db.moduleMedia.count()).toBe(1);
  });
});

describe("module media over tRPC", () => {
  it("attaches a source image and an illustration of the course, edits, reorders and deletes through admin.media", async () => {
    const resource = await deps.db.courseResource.create({
      data: {
        courseId: course.courseId,
        filename: "guide.pdf",
        contentHash: crypto.randomUUID(),
        mimeType: "application/pdf",
        byteSize: 10,
        storageKey: `test/${crypto.randomUUID()}`,
      },
    });
    const picture = await deps.db.sourceImage.create({
      data: {
        resourceId: resource.id,
        courseId: course.courseId,
        page: 1,
        imageIndex: 0,
        storageKey: "test/picture.webp",
        width: 300,
        height: 200,
        mimeType: "image/webp",
        byteSize: 1234,
        contentHash: "a".repeat(64),
      },
    });
    const illustration = await deps.db.generatedImage.create({
      data: { courseId: course.courseId, moduleId: course.moduleId, prompt: "", provider: "offline" },
    });
    const admin = await callerAs(deps, expert, { lang: "en" });
    const first = await admin.admin.media.create({
      module_id: course.moduleId,
      source_image_id: picture.id,
      title_fr: "Figure 1",
      title_en: "Figure 1",
    });
    expect(first).toMatchObject({
      media_type: "image",
      source: "source_image",
      url: `/api/v1/source-images/${picture.id}`,
      width: 300,
      byte_size: 1234,
    });
    const second = await admin.admin.media.create({
      module_id: course.moduleId,
      generated_image_id: illustration.id,
      title_fr: "Schéma",
      title_en: "Diagram",
    });
    expect(second).toMatchObject({ source: "generated_image", sort_order: 1 });
    expect(second.url).toBe(`/api/v1/images/${illustration.id}?width=640`);
    const edited = await admin.admin.media.update({ media_id: first.id, description_en: "The first figure." });
    expect(edited.description).toBe("The first figure.");
    const order = await admin.admin.media.reorder({ module_id: course.moduleId, ids: [second.id, first.id] });
    expect(order.items.map((m) => m.sort_order)).toEqual([0, 1]);
    await expect(
      admin.admin.media.reorder({ module_id: course.moduleId, ids: [second.id, crypto.randomUUID()] }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    await admin.admin.media.delete({ media_id: first.id });
    // The referenced image belongs to the course: it stays.
    expect(await deps.db.sourceImage.count({ where: { id: picture.id } })).toBe(1);
    const other = await callerAs(deps, otherExpert);
    await expect(other.admin.media.update({ media_id: second.id, title_fr: "Piraté" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    const images = await admin.admin.images.illustrateModule({ module_id: course.moduleId, language: "fr" });
    expect(images.id).toBe(illustration.id);
  });
});

describe("hostile input", () => {
  const create = (body: unknown) => send(expert, "POST", `/api/v1/admin/modules/${course.moduleId}/media`, body);
  const titles = { title_fr: "Lien", title_en: "Link" };

  it("takes only https addresses, without credentials, and exactly one source", async () => {
    for (const external_url of [
      "http://example.org/video",
      "javascript:alert(1)",
      "JaVaScRiPt:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "https://user:secret@example.org/",
      "ftp://example.org/file",
      `https://example.org/${"a".repeat(3000)}`,
      "https://exa mple.org",
      "https://[::1",
    ]) {
      const res = await create({ ...titles, external_url });
      expect(res.status, external_url).toBe(400);
    }
    expect((await create({ ...titles })).status).toBe(400);
    const image = crypto.randomUUID();
    expect((await create({ ...titles, external_url: "https://example.org/", source_image_id: image })).status).toBe(
      400,
    );
    // An image of another course is not found.
    expect((await create({ ...titles, source_image_id: image })).status).toBe(404);
    expect(await deps.db.moduleMedia.count()).toBe(0);
  });

  it("refuses huge titles and wrong types, in JSON and in upload fields", async () => {
    expect((await create({ title_fr: "x".repeat(201), title_en: "y", external_url: "https://a.org" })).status).toBe(
      400,
    );
    expect((await create({ title_fr: "", title_en: "y", external_url: "https://a.org" })).status).toBe(400);
    expect((await create({ title_fr: 12, title_en: ["y"], external_url: "https://a.org" })).status).toBe(400);
    expect((await create({ ...titles, external_url: "https://a.org", duration_ms: -1 })).status).toBe(400);
    expect((await create({ ...titles, external_url: "https://a.org", extra: true })).status).toBe(400);
    const huge = await uploadMedia(expert, await testPng(1), "a.png", { title_fr: "x".repeat(7000), title_en: "y" });
    expect(huge.status).toBe(400);
    const longField = await uploadMedia(expert, await testPng(1), "a.png", {
      title_fr: "x".repeat(20_000),
      title_en: "y",
    });
    expect(longField.status).toBe(400);
    const noTitle = await uploadMedia(expert, await testPng(1), "a.png", { title_en: "y" });
    expect(noTitle.status).toBe(400);
    expect(noTitle.body.errors?.map((e) => e.field)).toContain("title_fr");
    expect(await deps.db.moduleMedia.count()).toBe(0);
  });

  it("refuses a file whose bytes do not match its claimed type, and files of no accepted type", async () => {
    const png = await testPng(1);
    const pdf = await FRENCH_PDF();
    const cases: [Uint8Array, string, string][] = [
      [png, "cours.pdf", "application/octet-stream"],
      [pdf, "photo.png", "application/octet-stream"],
      [pdf, "cours.bin", "audio/ogg"],
      [OGG, "notes.pdf", "application/octet-stream"],
      [new TextEncoder().encode("<html><script>alert(1)</script></html>"), "page.html", "text/html"],
      [new TextEncoder().encode("plain text\n".repeat(600)), "notes.txt", "text/plain"],
      [Buffer.concat([Buffer.from("MZ"), randomBytes(5000)]), "setup.exe", "application/octet-stream"],
      [
        new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        "a.svg",
        "image/svg+xml",
      ],
    ];
    for (const [bytes, name, type] of cases) {
      const res = await uploadMedia(expert, bytes, name, undefined, type);
      expect(res.status, name).toBe(415);
      expect(res.body.code).toBe("FILE_TYPE_NOT_ALLOWED");
    }
    const empty = await uploadMedia(expert, new Uint8Array(0), "vide.pdf");
    expect(empty.status).toBe(422);
    expect(empty.body.code).toBe("FILE_EMPTY");
    const corrupt = await uploadMedia(expert, Buffer.concat([Buffer.from(png.subarray(0, 200))]), "cut.png");
    expect(corrupt.status).toBe(422);
    expect(corrupt.body.code).toBe("FILE_CORRUPT");
    // A 138-byte PNG declaring 6,000 × 6,000 grey pixels (36 M, over the cap): refused before decoding.
    const pngChunk = (type: string, data: Buffer) => {
      const body = Buffer.concat([Buffer.from(type), data]);
      const head = Buffer.alloc(4);
      head.writeUInt32BE(data.length, 0);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(body), 0);
      return Buffer.concat([head, body, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(6000, 0);
    ihdr.writeUInt32BE(6000, 4);
    ihdr.set([8, 0, 0, 0, 0], 8);
    const bomb = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      pngChunk("IHDR", ihdr),
      pngChunk("IDAT", deflateSync(Buffer.alloc(6001 * 10))),
      pngChunk("IEND", Buffer.alloc(0)),
    ]);
    const huge = await uploadMedia(expert, bomb, "bomb.png");
    expect(huge.status).toBe(422);
    expect(huge.body.code).toBe("FILE_TOO_COMPLEX");
    expect(await deps.db.moduleMedia.count()).toBe(0);
  });

  it("reads an Ogg's duration only from well-formed pages, and never stores an implausible one", async () => {
    const ogg = Buffer.from(OGG);
    const granule = (value: bigint) => {
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(value);
      return b;
    };
    // A stray "OggS" with a huge granule after the last page: not a page, the real duration stays.
    const stray = Buffer.concat([ogg, Buffer.from("OggS"), Buffer.from([0, 0]), granule(2n ** 60n)]);
    const strayRes = await uploadMedia(expert, stray, "stray.ogg", undefined, "audio/ogg");
    expect(strayRes.status).toBe(201);
    expect(strayRes.body.duration_ms).toBeGreaterThan(1400);
    expect(strayRes.body.duration_ms).toBeLessThan(1600);
    // A well-formed last page of the same stream claiming 2^60 samples: over the maximum, no duration.
    const page = Buffer.alloc(27);
    page.write("OggS", 0, "latin1");
    page[5] = 0x04;
    granule(2n ** 60n).copy(page, 6);
    page.writeUInt32LE(ogg.readUInt32LE(14), 14);
    const huge = await uploadMedia(expert, Buffer.concat([ogg, page]), "huge.ogg", undefined, "audio/ogg");
    expect(huge.status).toBe(201);
    expect(huge.body.duration_ms).toBeNull();
  });

  it("lifts the 1 MiB body limit on the upload route only: a JSON route still refuses a big body", async () => {
    const big = Buffer.concat([Buffer.from(OGG), randomBytes(1_300_000)]);
    const res = await uploadMedia(expert, big, "long.ogg", undefined, "audio/ogg");
    expect(res.status).toBe(201);
    expect(res.body.byte_size).toBe(big.byteLength);
    const json = await app.request(`/api/v1/admin/modules/${course.moduleId}/media`, {
      method: "POST",
      headers: { ...expert.headers, "content-type": "application/json" },
      body: JSON.stringify({ ...titles, external_url: "https://a.org", description_fr: "x".repeat(1_300_000) }),
    });
    expect(json.status).toBe(413);
    const form = new FormData();
    form.append("file", new Blob([big]), "long.ogg");
    const multipartElsewhere = await app.request(`/api/v1/admin/modules/${course.moduleId}/media`, {
      method: "POST",
      headers: expert.headers,
      body: form,
    });
    expect(multipartElsewhere.status).toBe(415);
  });
});
