/**
 * Lesson audio through OpenAI speech: with OPENAI_API_KEY set, the worker asks POST
 * /v1/audio/speech (here a local server that speaks the wire protocol) for 24 kHz PCM of each
 * section, pieces under 4,096 characters, and encodes it locally to Ogg/Opus like the offline engine.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { LessonAudio } from "@sira/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lessonKey, sampleLesson } from "../../../../packages/domain/test/content/fixtures.ts";
import { storeOfflineLesson } from "../content/offline-lessons.ts";
import { closeTestDeps, enrolledLearnerWorld, testApp } from "../helpers.ts";
import { startTestWorkers, type TestWorkers } from "../workers.ts";
import { parseOggOpus } from "./media.ts";

interface SpeechRequest {
  authorization: string | undefined;
  body: { model: string; voice: string; input: string; response_format?: string };
}

let received: SpeechRequest[] = [];
/** Statuses to answer before succeeding, one per request. */
let failures: number[] = [];

const readBody = async (req: IncomingMessage) => {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return JSON.parse(Buffer.concat(parts).toString("utf8"));
};

/** 24 kHz 16-bit mono: a quiet 220 Hz tone, 20 ms per character of input (at most 8 s). */
function tone(chars: number): Buffer {
  const samples = Math.min(8 * 24_000, chars * 480);
  const out = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++)
    out.writeInt16LE(Math.round(6000 * Math.sin((2 * Math.PI * 220 * i) / 24_000)), i * 2);
  return out;
}

const server: Server = createServer(async (req, res) => {
  if (req.method !== "POST" || req.url !== "/v1/audio/speech") {
    res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"message":"not found"}}');
    return;
  }
  const body = await readBody(req);
  received.push({ authorization: req.headers.authorization, body });
  const status = failures.shift();
  if (status) {
    res
      .writeHead(status, { "content-type": "application/json", "retry-after-ms": "1" })
      .end(JSON.stringify({ error: { message: `refused with ${status}`, type: "server_error", code: null } }));
    return;
  }
  res.writeHead(200, { "content-type": "audio/pcm" }).end(tone(body.input.length));
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
const { app, deps } = testApp({ OPENAI_API_KEY: "sk-test-speech", OPENAI_BASE_URL: baseURL, TTS_VOICE: "coral" });
let workers: TestWorkers;

beforeAll(() => {
  workers = startTestWorkers(deps);
});
afterAll(async () => {
  await workers.stop();
  await closeTestDeps();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const world = enrolledLearnerWorld(deps);

describe("lesson audio through OpenAI speech", { timeout: 120_000 }, () => {
  it("sends each section's text (heading first, no citation markers) as PCM requests and serves Ogg/Opus", async () => {
    received = [];
    failures = [503];
    const lesson = sampleLesson("O");
    const longParagraph =
      "Le marché de Sandaga ouvre tôt et les commerçantes fixent leurs prix selon l'arrivage du jour. ".repeat(50);
    lesson.markdown = lesson.markdown.replace("## Synthèse\n\n", `## Synthèse\n\n${longParagraph}\n\n`);
    const stored = await storeOfflineLesson(deps.db, lessonKey(world.course, { level: 2 }), lesson);
    const path = `/api/v1/lessons/${stored.id}/audio`;
    let res = await app.request(path, { headers: world.learner.headers });
    expect(res.status).toBe(202);
    for (let i = 0; i < 2_000 && res.status === 202; i++) {
      await new Promise((r) => setTimeout(r, 50));
      res = await app.request(path, { headers: world.learner.headers });
    }
    expect(res.status).toBe(200);
    const audio = (await res.json()) as LessonAudio;
    expect(audio).toMatchObject({ status: "ready", voice: "openai/gpt-4o-mini-tts/coral", format: "opus" });
    expect(audio.sections).toHaveLength(5);

    // One 503 retried by the SDK, then one request per section, the long one in two pieces.
    const ok = received.slice(1);
    expect(received[0]?.body.input).toBe(ok[0]?.body.input);
    expect(ok).toHaveLength(6);
    for (const r of received) {
      expect(r.authorization).toBe("Bearer sk-test-speech");
      expect(r.body).toMatchObject({ model: "gpt-4o-mini-tts", voice: "coral", response_format: "pcm" });
      expect(r.body.input.length).toBeLessThanOrEqual(4096);
      expect(r.body.input).not.toMatch(/\[\d+\]|\*\*|^#/m);
    }
    expect(ok[0]?.body.input.startsWith("Le prix d'équilibre O.\n\nIntroduction.")).toBe(true);
    expect(ok[1]?.body.input).toContain("Concept 1. Le prix d'équilibre égalise l'offre et la demande (O1).");
    // The synthesis (over 4,096 characters) went in two pieces, each cut after a sentence.
    expect(ok[3]?.body.input.startsWith("Synthèse.")).toBe(true);
    expect(ok[3]?.body.input.endsWith(".")).toBe(true);
    expect(ok[4]?.body.input).toContain("L'équilibre résulte de la rencontre");

    const row = await deps.db.generatedAudio.findFirstOrThrow({ where: { contentId: stored.id } });
    expect(row.provider).toBe("openai");
    const first = audio.sections[0];
    if (!first) throw new Error("no section 0");
    const bytes = new Uint8Array(
      await (await app.request(first.url, { headers: world.learner.headers })).arrayBuffer(),
    );
    const ogg = parseOggOpus(bytes);
    expect(ogg.channels).toBe(1);
    expect(ogg.inputSampleRate).toBe(24_000);
    expect(Math.abs(ogg.durationMs - first.duration_ms)).toBeLessThan(100);
  });
});
