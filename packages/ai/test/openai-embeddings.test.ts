/** The OpenAI embedder against a local server that speaks the embeddings API (POST /v1/embeddings). */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EmbeddingError, hashingVector, OpenAIEmbedder } from "../src/embeddings/index.ts";
import { MAX_INPUTS_PER_REQUEST, MAX_TOKENS_PER_REQUEST } from "../src/embeddings/openai.ts";
import { countTokens } from "../src/text/tokenizer.ts";

interface Received {
  authorization: string | undefined;
  body: { model: string; input: string[]; dimensions?: number; encoding_format?: string };
}

let server: Server;
let baseURL: string;
let received: Received[] = [];
/** Status codes to answer before succeeding, consumed one per request. */
let failures: number[] = [];

const readBody = async (req: IncomingMessage) => {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return JSON.parse(Buffer.concat(parts).toString("utf8"));
};

function base64Floats(values: number[]): string {
  return Buffer.from(new Float32Array(values).buffer).toString("base64");
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    if (req.method !== "POST" || req.url !== "/v1/embeddings") {
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
    // Answer in reverse order: the client must put vectors back by `index`.
    const data = body.input
      .map((text: string, index: number) => {
        const vector = hashingVector(text, body.dimensions ?? 1536);
        const embedding = body.encoding_format === "base64" ? base64Floats(vector) : vector;
        return { object: "embedding", index, embedding };
      })
      .reverse();
    const tokens = body.input.reduce((n: number, t: string) => n + countTokens(t), 0);
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        object: "list",
        data,
        model: body.model,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  received = [];
  failures = [];
});

const embedder = () => new OpenAIEmbedder({ apiKey: "sk-test-key", baseURL, maxRetries: 2 });

describe("OpenAIEmbedder against the embeddings wire protocol", () => {
  it("sends the model, 1536 dimensions and the key, and decodes the SDK's default base64 answer in input order", async () => {
    const texts = ["Le paludisme au Sahel", "Malaria in the Sahel", "", "Coopératives de karité"];
    const vectors = await embedder().embed(texts);

    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request?.authorization).toBe("Bearer sk-test-key");
    expect(request?.body.model).toBe("text-embedding-3-small");
    expect(request?.body.dimensions).toBe(1536);
    expect(request?.body.encoding_format).toBe("base64");
    expect(request?.body.input).toEqual([
      "Le paludisme au Sahel",
      "Malaria in the Sahel",
      " ",
      "Coopératives de karité",
    ]);

    expect(vectors).toHaveLength(4);
    texts.forEach((text, i) => {
      const expected = hashingVector(text.trim() ? text : " ");
      const got = vectors[i] as number[];
      expect(got).toHaveLength(1536);
      for (let d = 0; d < 1536; d += 97) expect(got[d]).toBeCloseTo(expected[d] as number, 6);
    });
  });

  it("splits many inputs into requests of at most 2048 inputs, keeping the order", async () => {
    const texts = Array.from({ length: MAX_INPUTS_PER_REQUEST + 52 }, (_, i) => `passage ${i}`);
    const vectors = await embedder().embed(texts);
    expect(received.map((r) => r.body.input.length)).toEqual([MAX_INPUTS_PER_REQUEST, 52]);
    expect(received[1]?.body.input[0]).toBe(`passage ${MAX_INPUTS_PER_REQUEST}`);
    const last = vectors[texts.length - 1] as number[];
    expect(last[5]).toBeCloseTo(hashingVector(`passage ${texts.length - 1}`)[5] as number, 6);
  });

  it("splits inputs so that no request carries more than its token budget", async () => {
    const text = "santé communautaire ".repeat(100).trim();
    const perText = countTokens(text);
    const budget = 1_000;
    const texts = Array.from({ length: 12 }, () => text);
    await new OpenAIEmbedder({ apiKey: "k", baseURL, maxTokensPerRequest: budget }).embed(texts);
    expect(received.length).toBe(Math.ceil(12 / Math.floor(budget / perText)));
    for (const r of received) expect(r.body.input.length * perText).toBeLessThanOrEqual(budget);
    expect(received.reduce((n, r) => n + r.body.input.length, 0)).toBe(12);
    expect(MAX_TOKENS_PER_REQUEST).toBe(250_000);
  });

  it("retries a rate-limited or failed request through the SDK", async () => {
    failures = [429, 500];
    const [vector] = await embedder().embed(["réessayer"]);
    expect(received).toHaveLength(3);
    expect(vector?.[0]).toBeCloseTo(hashingVector("réessayer")[0] as number, 6);
  });

  it("fails with a clear error when the key is refused, without retrying", async () => {
    failures = [401];
    const error = await embedder()
      .embed(["bonjour"])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbeddingError);
    expect((error as Error).message).toMatch(/OpenAI embeddings request failed \(HTTP 401\)/);
    expect(received).toHaveLength(1);
  });

  it("refuses an input longer than the model accepts before calling the API", async () => {
    const tooLong = "mot ".repeat(9000);
    await expect(embedder().embed(["court", tooLong])).rejects.toThrow(/Input 1 has \d+ tokens/);
    expect(received).toHaveLength(0);
  });
});
