/**
 * The cleanup jobs on a real worker, over what the product itself stored through the API: a course
 * document and its extracted picture, a lesson's illustration, the lesson read aloud, an uploaded
 * module picture. Aged a month, every one of them stays (and is still served); orphans beside them
 * go, temporary uploads after their hour; the second run removes nothing. Each job logs its counts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LessonAudio } from "@sira/contracts";
import { enqueue, type JobName, referencedStorageKeys } from "@sira/domain";
import { getQueue, jobIdFor } from "@sira/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CourseFixture,
  enroll,
  lessonKey,
  makeCourse,
  sampleLesson,
} from "../../../../packages/domain/test/content/fixtures.ts";
import { buildTestPdf, testPng } from "../../../../packages/domain/test/fixtures/pdf.ts";
import { SAMPLE_TEXT } from "../../../../packages/domain/test/resources/helpers.ts";
import { storeOfflineLesson } from "../content/offline-lessons.ts";
import { closeTestDeps, jsonSender, resetState, type SignedIn, signIn, testApp } from "../helpers.ts";
import { upload } from "../resources/fixtures.ts";
import { startTestWorkers, type TestWorkers, until } from "../workers.ts";

const root = mkdtempSync(join(tmpdir(), "sira-cleanup-worker-"));
const { app, deps } = testApp({ STORAGE_DIR: root });
const send = jsonSender(app, "cleanup");
const logged: Record<string, unknown>[] = [];
const logger = Object.assign(Object.create(deps.logger), {
  info(fields: unknown, ...rest: unknown[]) {
    if (fields && typeof fields === "object") logged.push(fields as Record<string, unknown>);
    return deps.logger.info(fields as object, ...(rest as [string]));
  },
});
let workers: TestWorkers;
let admin: SignedIn;
let expert: SignedIn;
let learner: SignedIn;
let course: CourseFixture;
const HOUR = 3_600_000;

beforeAll(async () => {
  await resetState();
  workers = startTestWorkers({ ...deps, logger });
  admin = await signIn(deps, { role: "admin" });
  expert = await signIn(deps, { role: "expert" });
  learner = await signIn(deps, { role: "learner" });
  course = await makeCourse(deps.db, { expertId: expert.userId });
  await enroll(deps.db, learner.userId, course.courseId);
});
afterAll(async () => {
  await workers.stop();
  await closeTestDeps();
  rmSync(root, { recursive: true, force: true });
});

async function age(key: string, ms: number): Promise<void> {
  const at = new Date(Date.now() - ms);
  await utimes(join(root, key), at, at);
}

async function write(key: string, agedMs: number): Promise<string> {
  await deps.storage.put(key, new TextEncoder().encode(`bytes of ${key}`));
  await age(key, agedMs);
  return key;
}

async function stored(): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of deps.storage.list()) keys.push(object.key);
  return keys.sort();
}

let runs = 0;
/** Runs the job on the worker and returns what it reported. */
async function run(name: JobName): Promise<Record<string, number>> {
  const { jobId } = await enqueue(deps, name, {}, jobIdFor(name, "test", ++runs));
  const queue = getQueue("maintenance", { prefix: deps.config.QUEUE_PREFIX });
  const job = await until(
    () => queue.getJob(jobId),
    (j) => Boolean(j?.finishedOn),
    600,
  );
  expect(job?.failedReason).toBeUndefined();
  return job?.returnvalue as Record<string, number>;
}

/** Everything the product stores, made through the API and the worker. */
async function productObjects() {
  const pdf = await buildTestPdf({
    pages: [
      {
        text: ["Chapitre 1 : Le paludisme", SAMPLE_TEXT.fr, SAMPLE_TEXT.fr],
        image: { width: 640, height: 400, seed: 5 },
      },
      { text: [SAMPLE_TEXT.en, SAMPLE_TEXT.en] },
    ],
  });
  const uploaded = await upload(app, admin, course.courseId, pdf, "guide.pdf");
  expect(uploaded.status).toBe(201);
  const resourceId = ((await uploaded.json()) as { id: string }).id;
  await until(
    () => deps.db.sourceImage.count({ where: { resourceId } }),
    (n) => n > 0,
    600,
  );

  const lesson = await storeOfflineLesson(deps.db, lessonKey(course, { level: 2 }), sampleLesson("A"));
  const asked = await send(admin, "POST", `/api/v1/admin/generated-content/${lesson.id}/image`);
  expect(asked.status).toBe(202);
  const imageId = ((await asked.json()) as { id: string }).id;

  const audioPath = `/api/v1/lessons/${lesson.id}/audio`;
  expect((await app.request(audioPath, { headers: learner.headers })).status).toBe(202);

  const form = new FormData();
  form.append("title_fr", "Schéma");
  form.append("title_en", "Diagram");
  form.append("file", new Blob([await testPng(1)], { type: "image/png" }), "schema.png");
  const media = await app.request(`/api/v1/admin/modules/${course.moduleId}/media/upload`, {
    method: "POST",
    body: form,
    headers: { ...expert.headers, "accept-language": "en" },
  });
  expect(media.status).toBe(201);

  const image = await until(
    () => deps.db.generatedImage.findUniqueOrThrow({ where: { id: imageId } }),
    (row) => row.status === "ready" || row.status === "failed",
    1_200,
  );
  expect(image.status).toBe("ready");
  let audio = await app.request(audioPath, { headers: learner.headers });
  for (let i = 0; i < 2_000 && audio.status === 202; i++) {
    await new Promise((r) => setTimeout(r, 50));
    audio = await app.request(audioPath, { headers: learner.headers });
  }
  expect(audio.status).toBe(200);
  return { lessonId: lesson.id, resourceId, audio: (await audio.json()) as LessonAudio };
}

describe("the cleanup jobs on the worker", { timeout: 180_000 }, () => {
  it("keep every object the product stored however old, remove orphans and stale temporary uploads, then nothing more", async () => {
    const { lessonId, resourceId, audio } = await productObjects();
    const referenced = [...(await referencedStorageKeys(deps.db))].sort();
    // Each kind of key column holds something: document, picture and thumbnail, illustration at
    // two widths, one file per audio section, the module's picture.
    for (const prefix of [
      `courses/${course.courseId}/resources/`,
      `courses/${course.courseId}/images/${resourceId}/`,
      `courses/${course.courseId}/media/`,
      `audio/${lessonId}/`,
    ]) {
      expect(referenced.some((key) => key.startsWith(prefix))).toBe(true);
    }
    const audioRow = await deps.db.generatedAudio.findFirstOrThrow({ where: { contentId: lessonId } });
    const sectionKeys = (audioRow.sections as { key: string }[]).map((s) => s.key);
    expect(sectionKeys).toHaveLength(audio.sections.length);
    expect(referenced).toEqual(expect.arrayContaining([...sectionKeys, audioRow.storageKey]));
    const before = await stored();
    for (const key of before) await age(key, 30 * 24 * HOUR);

    const orphans = [
      await write(`courses/${course.courseId}/resources/${"e".repeat(64)}.pdf`, 48 * HOUR),
      await write(`courses/${course.courseId}/images/${resourceId}/${"f".repeat(16)}-thumb.webp`, 48 * HOUR),
      await write(`courses/${course.courseId}/media/${crypto.randomUUID()}.png`, 30 * HOUR),
      await write(`audio/${lessonId}/espeak-ng_fr/opus/v9/0-${"0".repeat(16)}.opus`, 48 * HOUR),
    ];
    const staleUpload = await write(`tmp/uploads/${crypto.randomUUID()}`, 2 * HOUR);
    const liveUpload = await write(`tmp/uploads/${crypto.randomUUID()}`, 10 * 60_000);
    const young = await write(`courses/${course.courseId}/media/${crypto.randomUUID()}.png`, HOUR);

    const first = await run("cleanup-storage");
    expect(first).toMatchObject({ tempUploads: 1, orphans: orphans.length, referenced: referenced.length });
    expect(await stored()).toEqual([...before, liveUpload, young].sort());
    expect(await deps.storage.stat(staleUpload)).toBeNull();
    expect(logged).toContainEqual(expect.objectContaining({ job: "cleanup-storage", orphans: orphans.length }));

    // Still served: every audio section.
    for (const section of audio.sections) {
      expect((await app.request(section.url, { headers: learner.headers })).status).toBe(200);
    }

    const second = await run("cleanup-storage");
    expect(second).toMatchObject({ tempUploads: 0, orphans: 0, bytes: 0 });
    expect(await stored()).toEqual([...before, liveUpload, young].sort());
  });

  it("run the row and stream cleanups, each logging its counts", async () => {
    const rows = await run("cleanup-rows");
    expect(rows).toMatchObject({ structureProposals: 0, refreshTokens: 0, usageEvents: 0 });
    const streams = await run("cleanup-streams");
    expect(streams).toMatchObject({ finished: 0, abandoned: 0 });
    expect(logged).toContainEqual(expect.objectContaining({ job: "cleanup-rows", idempotencyKeys: 0 }));
    expect(logged).toContainEqual(expect.objectContaining({ job: "cleanup-streams", scanned: streams.scanned }));
  });
});
