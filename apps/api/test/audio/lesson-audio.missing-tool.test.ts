/**
 * A server without the speech tools: the job fails at once (no retries) with the Debian package
 * to install recorded on the row, and the API answers 503 AUDIO_UNAVAILABLE (never a 500) until
 * a later request, after the cool-down, tries again.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { audioJobId } from "@sira/domain";
import { getQueue } from "@sira/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lessonKey, sampleLesson } from "../../../../packages/domain/test/content/fixtures.ts";
import { storeOfflineLesson } from "../content/offline-lessons.ts";
import { closeTestDeps, enrolledLearnerWorld, testApp } from "../helpers.ts";
import { startTestWorkers, type TestWorkers, until } from "../workers.ts";

const { app, deps } = testApp();
let workers: TestWorkers;
const realPath = process.env.PATH;

beforeAll(() => {
  // A PATH where espeak-ng, opusenc and lame cannot be found.
  process.env.PATH = mkdtempSync(join(tmpdir(), "sira-no-tools-"));
  workers = startTestWorkers(deps);
});
afterAll(async () => {
  process.env.PATH = realPath;
  await workers.stop();
  await closeTestDeps();
});

const world = enrolledLearnerWorld(deps);

describe("lesson audio without espeak-ng", { timeout: 60_000 }, () => {
  it("fails the job once with the package to install, and answers 503 AUDIO_UNAVAILABLE", async () => {
    const lesson = await storeOfflineLesson(deps.db, lessonKey(world.course, { level: 2 }), sampleLesson("M"));
    const path = `/api/v1/lessons/${lesson.id}/audio`;
    expect((await app.request(path, { headers: world.learner.headers })).status).toBe(202);
    const row = await until(
      () => deps.db.generatedAudio.findFirstOrThrow({ where: { contentId: lesson.id } }),
      (r) => r.status === "failed",
    );
    expect(row.status).toBe("failed");
    expect(row.error).toContain("espeak-ng is not installed: install the Debian package espeak-ng");

    const res = await app.request(path, { headers: { ...world.learner.headers, "accept-language": "en" } });
    expect(res.status).toBe(503);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await res.json()).toMatchObject({ code: "AUDIO_UNAVAILABLE" });
    const section = await app.request(`${path}/sections/0`, { headers: world.learner.headers });
    expect(section.status).toBe(404);

    // One attempt only: a missing tool is a permanent failure.
    const job = await getQueue("audio-generation", { prefix: deps.config.QUEUE_PREFIX }).getJob(audioJobId(row.id, 1));
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason).toContain("espeak-ng");
  });
});
