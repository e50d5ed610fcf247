/**
 * The OpenAI image generator against a local server that speaks the images API
 * (POST /v1/images/generations, base64 answers), and the offline concept map's SVG.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  conceptMapSvg,
  createDiagramGenerator,
  createImageGenerator,
  DEFAULT_IMAGE_MODEL,
  type IllustrationRequest,
  ImageGenerationError,
  OpenAIImageGenerator,
  wrapText,
} from "../src/images/index.ts";

interface Received {
  authorization: string | undefined;
  url: string | undefined;
  body: { model: string; prompt: string; n?: number; size?: string; response_format?: string };
}

/** A 1×1 PNG: the generator passes bytes through, the caller decodes them. */
const PNG_1X1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

let server: Server;
let baseURL: string;
let received: Received[] = [];
let failures: number[] = [];

const readBody = async (req: IncomingMessage) => {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return JSON.parse(Buffer.concat(parts).toString("utf8"));
};

beforeAll(async () => {
  server = createServer(async (req, res) => {
    if (req.method !== "POST" || req.url !== "/v1/images/generations") {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"message":"not found"}}');
      return;
    }
    const body = await readBody(req);
    received.push({ authorization: req.headers.authorization, url: req.url, body });
    const status = failures.shift();
    if (status) {
      res
        .writeHead(status, { "content-type": "application/json", "retry-after-ms": "1" })
        .end(JSON.stringify({ error: { message: `refused with ${status}`, type: "server_error", code: null } }));
      return;
    }
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ created: 1_700_000_000, data: [{ b64_json: PNG_1X1 }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received = [];
  failures = [];
});

const lesson: IllustrationRequest = {
  title: "Le prix d'équilibre",
  language: "fr",
  concepts: [{ title: "L'offre" }, { title: "La demande" }, { title: "Le prix d'équilibre" }],
  keyTerms: ["offre", "demande"],
  topic: "Économie de marché",
};

describe("OpenAIImageGenerator against the images wire protocol", () => {
  it("sends the model, size, one image and a prompt built from the lesson, and decodes the base64 answer", async () => {
    const images = new OpenAIImageGenerator({ apiKey: "sk-test-key", baseURL, maxRetries: 0 });
    const out = await images.illustrate(lesson);
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request?.authorization).toBe("Bearer sk-test-key");
    expect(request?.body).toMatchObject({ model: DEFAULT_IMAGE_MODEL, n: 1, size: "1024x1024" });
    // GPT image models always answer base64 and refuse response_format.
    expect(request?.body.response_format).toBeUndefined();
    expect(request?.body.prompt).toContain("Lesson: Le prix d'équilibre.");
    expect(request?.body.prompt).toContain("Show these ideas: L'offre; La demande; Le prix d'équilibre.");
    expect(request?.body.prompt).toContain("No text, letters or numbers in the image.");
    expect(out).toMatchObject({ mimeType: "image/png", provider: "openai", model: DEFAULT_IMAGE_MODEL });
    expect(Buffer.from(out.bytes).subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(out.prompt).toBe(request?.body.prompt);
  });

  it("asks a DALL·E model for b64_json explicitly", async () => {
    await new OpenAIImageGenerator({ apiKey: "k", baseURL, model: "dall-e-3", maxRetries: 0 }).illustrate(lesson);
    expect(received[0]?.body).toMatchObject({ model: "dall-e-3", response_format: "b64_json" });
  });

  it("retries a rate-limited request through the SDK, and fails clearly on a refused key", async () => {
    failures = [429];
    await new OpenAIImageGenerator({ apiKey: "k", baseURL, maxRetries: 2 }).illustrate(lesson);
    expect(received).toHaveLength(2);
    received = [];
    failures = [401];
    const error = await new OpenAIImageGenerator({ apiKey: "k", baseURL, maxRetries: 2 })
      .illustrate(lesson)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageGenerationError);
    expect((error as Error).message).toMatch(/OpenAI image request failed \(HTTP 401\)/);
    expect(received).toHaveLength(1);
  });

  it("is chosen when OPENAI_API_KEY is set; the offline concept map otherwise", () => {
    expect(createImageGenerator({ OPENAI_API_KEY: "k", OPENAI_BASE_URL: baseURL }).provider).toBe("openai");
    expect(createImageGenerator({ OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined }).offline).toBe(true);
  });
});

describe("the offline concept map", () => {
  it("escapes every text and keeps the SVG well formed", async () => {
    const svg = conceptMapSvg({
      ...lesson,
      title: `Titre <script>alert("x")</script> & co`,
      concepts: [{ title: "a]]><!ENTITY x", detail: "<img src=x onerror=alert(1)> \u0000 \u0007 fin." }],
    });
    expect(svg).not.toContain("<script>");
    expect(svg).not.toContain("<img");
    expect(svg).not.toContain("<!ENTITY");
    expect(svg.includes("\u0000") || svg.includes("\u0007")).toBe(false);
    expect(svg).toContain("&lt;script&gt;");
    expect(svg).toContain("&amp; co");
    const out = await createDiagramGenerator().illustrate(lesson);
    expect(out.mimeType).toBe("image/svg+xml");
    expect(new TextDecoder().decode(out.bytes)).toContain("Notions clés");
  });

  it("wraps long labels into at most the lines given, with an ellipsis when cut", () => {
    expect(wrapText("Le prix d'équilibre sur les marchés", 12, 3)).toEqual(["Le prix", "d'équilibre", "sur les…"]);
    expect(wrapText("Élasticité-prix", 12, 2)).toEqual(["Élasticité-", "prix"]);
    expect(wrapText("un", 12, 2)).toEqual(["un"]);
  });

  it("draws at most six cards, in the lesson's language", () => {
    const many = Array.from({ length: 9 }, (_, i) => ({ title: `Idea ${i + 1}` }));
    const svg = conceptMapSvg({ title: "Markets", language: "en", concepts: many });
    expect(svg).toContain("Key concepts");
    expect(svg).toContain("Idea 6");
    expect(svg).not.toContain("Idea 7");
  });
});
