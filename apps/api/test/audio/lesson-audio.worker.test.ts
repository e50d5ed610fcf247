/**
 * Lesson audio end to end, on the real API and a real worker with the offline engine (espeak-ng,
 * opusenc, lame): 202 with the sections made so far, then 200 with the manifest; concurrent first
 * requests make one row and one job; the Ogg/Opus and MP3 files checked by reading their headers;
 * byte ranges; the lesson's access rules; a play counted once; audio retired when the lesson is
 * regenerated.
 */

import type { LessonAudio } from "@sira/contracts";
import { generateLessonAudio, recordAudioFailure } from "@sira/domain";
import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replaceGeneratedContent } from "../../../../packages/domain/src/content/cache.ts";
import { lessonKey, sampleLesson } from "../../../../packages/domain/test/content/fixtures.ts";
import { storeOfflineLesson } from "../content/offline-lessons.ts";
import { closeTestDeps, enrolledLearnerWorld, type SignedIn, signIn, testApp } from "../helpers.ts";
import { siraCodeOf } from "../learner-problems.ts";
import { callerAs } from "../trpc-caller.ts";
import { startTestWorkers, type TestWorkers, until } from "../workers.ts";
import { firstMp3Frame, parseOggOpus } from "./media.ts";

// untilReady asks every 50 ms, far sooner than the Retry-After a client waits (3 s): while espeak-ng
// shares a loaded machine, that is more calls a minute than the default budget, so this file has its own.
const { app, deps } = testApp({ RATE_LIMIT_PER_MINUTE: "100000" });
let workers: TestWorkers;
/**
 * Audio jobs that read a lesson aloud. A poll that read the row still generating may queue the job
 * again just after the first one finished and was removed: that run finds the row ready and does
 * nothing ("already-ready"), so it is not counted.
 */
const audioJobs: string[] = [];

beforeAll(() => {
  workers = startTestWorkers(deps);
  for (const worker of workers.workers) {
    worker.on("completed", (job: Job, result: { status?: string } | undefined) => {
      if (job.name === "generate-audio" && result?.status !== "already-ready") audioJobs.push(String(job.id));
    });
  }
});
afterAll(async () => {
  await workers.stop();
  await closeTestDeps();
});

const world = enrolledLearnerWorld(deps);

/** A lesson of the course as the offline generator stores it (French, with citation markers). */
async function storedLesson(marker = "A") {
  return storeOfflineLesson(deps.db, lessonKey(world.course, { level: 2 }), sampleLesson(marker));
}

const get = (user: SignedIn, path: string, headers: Record<string, string> = {}) =>
  app.request(path, { headers: { ...user.headers, ...headers } });

/** Asks for the manifest until it is ready; returns every answer's status and the last body. */
async function untilReady(
  user: SignedIn,
  path: string,
): Promise<{ statuses: number[]; audio: LessonAudio; etag: string | null }> {
  const statuses: number[] = [];
  let res = await get(user, path);
  statuses.push(res.status);
  for (let i = 0; i < 2_000 && res.status === 202; i++) {
    await new Promise((r) => setTimeout(r, 50));
    res = await get(user, path);
    statuses.push(res.status);
  }
  return { statuses, audio: (await res.json()) as LessonAudio, etag: res.headers.get("etag") };
}

async function bytesOf(user: SignedIn, url: string, headers: Record<string, string> = {}) {
  const res = await get(user, url, headers);
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

// espeak-ng and the encoders share the machine with the rest of a parallel test run.
describe("lesson audio on the worker (espeak-ng offline)", { timeout: 120_000 }, () => {
  it("answers 202 while sections are made, then 200 with every section in lesson order as Ogg/Opus mono", async () => {
    const lesson = await storedLesson();
    const path = `/api/v1/lessons/${lesson.id}/audio`;
    const first = await get(world.learner, path);
    expect(first.status).toBe(202);
    expect(Number(first.headers.get("retry-after"))).toBeGreaterThan(0);
    const pending = (await first.json()) as LessonAudio;
    expect(pending).toMatchObject({ status: "generating", content_id: lesson.id, version: 1, format: "opus" });
    expect(pending.sections_total).toBe(5);

    const { statuses, audio, etag } = await untilReady(world.learner, path);
    expect(statuses.at(-1)).toBe(200);
    expect(audio).toMatchObject({
      status: "ready",
      language: "fr",
      voice: "espeak-ng/fr",
      format: "opus",
      mime_type: "audio/ogg",
      sections_total: 5,
    });
    expect(audio.sections.map((s) => s.index)).toEqual([0, 1, 2, 3, 4]);
    expect(audio.sections.map((s) => s.heading)).toEqual([
      "Introduction",
      "Concepts clés",
      "Exemple en contexte",
      "Synthèse",
      "Points clés",
    ]);
    expect(audio.duration_ms).toBe(audio.sections.reduce((n, s) => n + s.duration_ms, 0));
    expect(audio.bytes).toBe(audio.sections.reduce((n, s) => n + s.bytes, 0));
    expect(etag).toMatch(/^"/);
    expect((await get(world.learner, path, { "if-none-match": etag as string })).status).toBe(304);

    for (const section of audio.sections) {
      expect(section.url).toBe(`/api/v1/lessons/${lesson.id}/audio/sections/${section.index}?format=opus&v=1`);
      const { res, bytes } = await bytesOf(world.learner, section.url);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("audio/ogg");
      expect(res.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
      expect(res.headers.get("accept-ranges")).toBe("bytes");
      expect(bytes.length).toBe(section.bytes);
      const ogg = parseOggOpus(bytes);
      expect(ogg.channels).toBe(1);
      expect(Math.abs(ogg.durationMs - section.duration_ms)).toBeLessThan(100);
      // About 2–3.5 KB per second of speech: 20 kbit/s plus the Ogg framing.
      const perSecond = bytes.length / (section.duration_ms / 1000);
      expect(perSecond).toBeGreaterThan(1_500);
      expect(perSecond).toBeLessThan(3_600);
    }
    // Without `v` the address outlives a new version: revalidated by its ETag, not cached for good.
    const bare = await bytesOf(world.learner, `/api/v1/lessons/${lesson.id}/audio/sections/0?format=opus`);
    expect(bare.res.status).toBe(200);
    expect(bare.res.headers.get("cache-control")).toBe("private, no-cache");
    expect(bare.res.headers.get("etag")).toMatch(/^"/);
    const row = await deps.db.generatedAudio.findFirstOrThrow({ where: { contentId: lesson.id } });
    expect(row).toMatchObject({
      status: "ready",
      provider: "espeak-ng",
      contentVersion: 1,
      durationMs: audio.duration_ms,
    });
    expect(row.storageKey).toMatch(new RegExp(`^audio/${lesson.id}/espeak-ng_fr/opus/v1$`));
  });

  it("lists the first sections while the rest are made, so section 0 plays early", async () => {
    const lesson = await storedLesson("B");
    const path = `/api/v1/lessons/${lesson.id}/audio`;
    const early = await until(
      async () => {
        const res = await get(world.learner, path);
        return { status: res.status, audio: (await res.json()) as LessonAudio };
      },
      (r) => r.audio.sections.length > 0,
      2_000,
    );
    const section = early.audio.sections[0];
    if (!section) throw new Error("no section was listed");
    const { res, bytes } = await bytesOf(world.learner, section.url);
    expect(res.status).toBe(200);
    expect(parseOggOpus(bytes).channels).toBe(1);
    await untilReady(world.learner, path);
  });

  it("makes one row and one job for concurrent first requests", async () => {
    const lesson = await storedLesson("C");
    const path = `/api/v1/lessons/${lesson.id}/audio`;
    const before = audioJobs.length;
    const answers = await Promise.all(Array.from({ length: 8 }, () => get(world.learner, path)));
    expect(answers.every((r) => r.status === 202)).toBe(true);
    await untilReady(world.learner, path);
    expect(await deps.db.generatedAudio.count({ where: { contentId: lesson.id } })).toBe(1);
    const row = await deps.db.generatedAudio.findFirstOrThrow({ where: { contentId: lesson.id } });
    expect(audioJobs.slice(before).filter((id) => id.includes(row.id))).toHaveLength(1);
  });

  it("serves byte ranges: 206 slices, If-Range, and 416 past the end", async () => {
    const lesson = await storedLesson("D");
    const { audio } = await untilReady(world.learner, `/api/v1/lessons/${lesson.id}/audio`);
    const section = audio.sections[1];
    if (!section) throw new Error("no section 1");
    const { res: whole, bytes } = await bytesOf(world.learner, section.url);
    const etag = whole.headers.get("etag") as string;

    const { res: part, bytes: slice } = await bytesOf(world.learner, section.url, { range: "bytes=100-1099" });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 100-1099/${bytes.length}`);
    expect(Buffer.from(slice).equals(Buffer.from(bytes.subarray(100, 1100)))).toBe(true);

    const { res: tail, bytes: suffix } = await bytesOf(world.learner, section.url, { range: "bytes=-500" });
    expect(tail.status).toBe(206);
    expect(Buffer.from(suffix).equals(Buffer.from(bytes.subarray(bytes.length - 500)))).toBe(true);

    const sameTag = await get(world.learner, section.url, { range: "bytes=0-9", "if-range": etag });
    expect(sameTag.status).toBe(206);
    const staleTag = await bytesOf(world.learner, section.url, { range: "bytes=0-9", "if-range": '"old"' });
    expect(staleTag.res.status).toBe(200);
    expect(staleTag.bytes.length).toBe(bytes.length);

    const past = await get(world.learner, section.url, { range: `bytes=${bytes.length}-` });
    expect(past.status).toBe(416);
    expect(past.headers.get("content-type")).toContain("application/problem+json");
    expect(past.headers.get("content-range")).toBe(`bytes */${bytes.length}`);
    expect(await past.json()).toMatchObject({ code: "RANGE_NOT_SATISFIABLE" });

    expect((await get(world.learner, section.url, { "if-none-match": etag })).status).toBe(304);
  });

  it("counts a play once, when section 0 is fetched from its start, not for HEAD or a probe", async () => {
    const lesson = await storedLesson("E");
    const { audio } = await untilReady(world.learner, `/api/v1/lessons/${lesson.id}/audio`);
    const [zero, one] = audio.sections;
    if (!zero || !one) throw new Error("sections missing");
    // HEAD and a player's probe of the first bytes are not plays.
    expect((await app.request(zero.url, { method: "HEAD", headers: world.learner.headers })).status).toBe(200);
    expect((await get(world.learner, zero.url, { range: "bytes=0-1" })).status).toBe(206);
    await get(world.learner, zero.url, { range: "bytes=0-" });
    await get(world.learner, zero.url, { range: "bytes=2000-" }); // seeking: no new play
    await get(world.learner, one.url); // another section: no new play
    await deps.usage.flush();
    const plays = await deps.db.usageEvent.findMany({ where: { userId: world.learner.userId, kind: "audio_play" } });
    expect(plays).toHaveLength(1);
    expect(plays[0]).toMatchObject({
      courseId: world.course.courseId,
      quantity: Math.round(audio.duration_ms / 1000),
      metadata: { content_id: lesson.id, format: "opus" },
    });
  });

  it("serves MP3 on ?format=mp3 (MPEG frames, mono)", async () => {
    const lesson = await storedLesson("F");
    const { statuses, audio } = await untilReady(world.learner, `/api/v1/lessons/${lesson.id}/audio?format=mp3`);
    expect(statuses[0]).toBe(202);
    expect(audio).toMatchObject({ status: "ready", format: "mp3", mime_type: "audio/mpeg" });
    const section = audio.sections[0];
    if (!section) throw new Error("no section 0");
    expect(section.url).toContain("format=mp3");
    const { res, bytes } = await bytesOf(world.learner, section.url);
    expect(res.headers.get("content-type")).toBe("audio/mpeg");
    const frame = firstMp3Frame(bytes);
    expect(frame.layer).toBe(3);
    expect(frame.mono).toBe(true);
    expect(await deps.db.generatedAudio.count({ where: { contentId: lesson.id, format: "mp3" } })).toBe(1);
  });

  it("refuses a learner not enrolled (403), an unknown lesson (404), and answers the course's expert and admins", async () => {
    const lesson = await storedLesson("G");
    const path = `/api/v1/lessons/${lesson.id}/audio`;
    const stranger = await signIn(deps, { role: "learner" });
    const refused = await get(stranger, path);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: "NOT_ENROLLED" });
    expect((await get(stranger, `${path}/sections/0`)).status).toBe(403);
    expect((await get(world.learner, `/api/v1/lessons/${crypto.randomUUID()}/audio`)).status).toBe(404);
    expect(await deps.db.generatedAudio.count({ where: { contentId: lesson.id } })).toBe(0);

    const admin = await signIn(deps, { role: "admin" });
    expect((await get(admin, path)).status).toBe(202);
    const expert = await signIn(deps, { role: "expert" });
    await deps.db.course.update({ where: { id: world.course.courseId }, data: { expertId: expert.userId } });
    expect([200, 202]).toContain((await get(expert, path)).status);
    await untilReady(admin, path);
  });

  it("answers the same manifest over tRPC (lessons.audio), with the REST refusals", async () => {
    const lesson = await storedLesson("T");
    const pending = await (await callerAs(deps, world.learner)).lessons.audio({ id: lesson.id });
    expect(pending).toMatchObject({ status: "generating", content_id: lesson.id, format: "opus", sections_total: 5 });
    const { audio } = await untilReady(world.learner, `/api/v1/lessons/${lesson.id}/audio`);
    const ready = await (await callerAs(deps, world.learner)).lessons.audio({ id: lesson.id, format: "opus" });
    expect(ready).toEqual(audio);
    const stranger = await signIn(deps, { role: "learner" });
    expect(await siraCodeOf((await callerAs(deps, stranger)).lessons.audio({ id: lesson.id }))).toBe("NOT_ENROLLED");
  });

  it("retires the audio when the lesson is regenerated, makes it again, then deletes the old files", async () => {
    const lesson = await storedLesson("H");
    const path = `/api/v1/lessons/${lesson.id}/audio`;
    const { audio: v1 } = await untilReady(world.learner, path);
    const oldRow = await deps.db.generatedAudio.findFirstOrThrow({ where: { contentId: lesson.id } });
    const oldKeys = (oldRow.sections as { key: string }[]).map((s) => s.key);
    for (const key of oldKeys) expect(await deps.storage.stat(key)).not.toBeNull();

    const regenerated = sampleLesson("H2");
    regenerated.markdown = regenerated.markdown.replace("## Synthèse", "## Synthèse\n\nUne phrase de plus [2].");
    await replaceGeneratedContent(deps.db, lesson.id, 1, {
      content: regenerated,
      sourcesCited: [],
      model: "offline-extractive",
      metadata: { offline: true },
    });
    expect((await deps.db.generatedAudio.findUniqueOrThrow({ where: { id: oldRow.id } })).status).toBe("retired");
    // The old section URL names version 1: gone for good.
    expect((await get(world.learner, v1.sections[0]?.url as string)).status).toBe(404);

    const { statuses, audio: v2 } = await untilReady(world.learner, path);
    expect(statuses[0]).toBe(202);
    expect(v2).toMatchObject({ status: "ready", version: 2 });
    expect(v2.sections[0]?.url).toContain("v=2");
    const newRow = await deps.db.generatedAudio.findUniqueOrThrow({ where: { id: oldRow.id } });
    expect(newRow.contentVersion).toBe(2);
    // The job deletes the old files right after it marks the new audio ready.
    const left = await until(
      async () => (await Promise.all(oldKeys.map((key) => deps.storage.stat(key)))).filter(Boolean),
      (stats) => stats.length === 0,
    );
    expect(left).toEqual([]);
    for (const s of newRow.sections as { key: string }[]) expect(await deps.storage.stat(s.key)).not.toBeNull();
  });

  it("leaves a row to its current version's job: a job of an older version neither claims nor fails it", async () => {
    const lesson = await storedLesson("J");
    await untilReady(world.learner, `/api/v1/lessons/${lesson.id}/audio`);
    const row = await deps.db.generatedAudio.findFirstOrThrow({ where: { contentId: lesson.id } });
    await replaceGeneratedContent(deps.db, lesson.id, 1, {
      content: sampleLesson("J2"),
      sourcesCited: [],
      model: "offline-extractive",
      metadata: { offline: true },
    });
    // The version 1 job, still queued when the lesson was regenerated, runs now.
    expect(await generateLessonAudio(deps, row.id, undefined, 1)).toEqual({ status: "superseded", audioId: row.id });
    expect(await deps.db.generatedAudio.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: "retired",
      contentVersion: 1,
    });
    // The version 2 job is running; the old job's last failure does not mark it failed.
    await deps.db.generatedAudio.update({ where: { id: row.id }, data: { status: "generating", contentVersion: 2 } });
    await recordAudioFailure(deps, row.id, new Error("stale attempt"), 1);
    expect((await deps.db.generatedAudio.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("generating");
  });
});
