/**
 * The real engine end to end: with OPENAI_API_KEY set, the worker asks an image model (a local
 * server speaking OpenAI's images API) for the lesson's illustration, and the API serves it as
 * WebP at both widths within budget. The request sent is checked: model, size, and a prompt made
 * of the lesson's title and concepts.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { IMAGE_BYTE_BUDGET } from "@sira/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lessonKey, makeCourse, sampleLesson } from "../../../../packages/domain/test/content/fixtures.ts";
import { testPng } from "../../../../packages/domain/test/fixtures/pdf.ts";
import { imageInfo } from "../../../../packages/domain/test/resources/helpers.ts";
import { storeOfflineLesson } from "../content/offline-lessons.ts";
import { closeTestDeps, jsonSender, resetState, signIn, testApp } from "../helpers.ts";
import { startTestWorkers, type TestWorkers, until } from "../workers.ts";

interface Received {
  authorization: string | undefined;
  body: { model: string; prompt: string; n: number; size: string };
}

let server: Server;
const received: Received[] = [];
let png: Buffer;

const readBody = async (req: IncomingMessage) => {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return JSON.parse(Buffer.concat(parts).toString("utf8"));
};

server = createServer(async (req, res) => {
  if (req.method !== "POST" || req.url !== "/v1/images/generations") {
    res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"message":"not found"}}');
    return;
  }
  received.push({ authorization: req.headers.authorization, body: await readBody(req) });
  res
    .writeHead(200, { "content-type": "application/json" })
    .end(JSON.stringify({ created: 1_700_000_000, data: [{ b64_json: png.toString("base64") }] }));
});
const port = await new Promise<number>((resolve) =>
  server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
);

const { app, deps } = testApp({ OPENAI_API_KEY: "sk-image-test", OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1` });
const send = jsonSender(app, "images-openai");
let workers: TestWorkers;

beforeAll(async () => {
  png = await testPng(3, 1024, 1024);
  workers = startTestWorkers(deps);
  await resetState();
});
afterAll(async () => {
  await workers.stop();
  await closeTestDeps();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("an illustration from the OpenAI image model", () => {
  it("sends the lesson's prompt to images.generate and serves the answer as WebP at 640 and 320 px", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const course = await makeCourse(deps.db);
    const stored = await storeOfflineLesson(deps.db, lessonKey(course, { level: 2 }), sampleLesson("B"));
    const asked = await send(admin, "POST", `/api/v1/admin/generated-content/${stored.id}/image`);
    expect(asked.status).toBe(202);
    const { id } = (await asked.json()) as { id: string };
    const row = await until(
      () => deps.db.generatedImage.findUniqueOrThrow({ where: { id } }),
      (r) => r.status === "ready" || r.status === "failed",
    );
    expect(row).toMatchObject({ status: "ready", provider: "openai", model: "gpt-image-1", width: 640, height: 640 });
    expect(row.altFr).toBe("Illustration de « Le prix d'équilibre B » : Concept 1 ; Concept 2 ; Concept 3.");

    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request?.authorization).toBe("Bearer sk-image-test");
    expect(request?.body).toMatchObject({ model: "gpt-image-1", n: 1, size: "1024x1024" });
    expect(request?.body.prompt).toContain("Lesson: Le prix d'équilibre B.");
    expect(request?.body.prompt).toContain("Show these ideas: Concept 1; Concept 2; Concept 3.");
    expect(row.prompt).toBe(request?.body.prompt);

    const view = (await (await send(admin, "GET", `/api/v1/admin/images/${id}`)).json()) as {
      url: string;
      thumbnail_url: string;
    };
    for (const [url, width] of [
      [view.url, 640],
      [view.thumbnail_url, 320],
    ] as const) {
      const res = await app.request(url, { headers: admin.headers });
      expect(res.status).toBe(200);
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(await imageInfo(bytes)).toMatchObject({ format: "webp", width });
      expect(bytes.byteLength).toBeLessThanOrEqual(IMAGE_BYTE_BUDGET[width]);
    }
  });
});
