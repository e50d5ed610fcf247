/**
 * Compression for slow links: the negotiation, each coding decoding back to the original, the
 * size threshold, and event streams left alone — proven on a real socket by reading the first
 * SSE event while the producer is still waiting.
 */
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { init as initZstd, decompress as zstdDecompress } from "@bokuweb/zstd-wasm";
import { Hono } from "hono";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AppEnv } from "../src/app-types.ts";
import { compression } from "../src/http/compression.ts";
import { negotiateEncoding } from "../src/http/encoding.ts";
import { sseResponse } from "../src/http/sse.ts";
import { closeTestDeps, listen, resetRedis, SseReader, testApp } from "./helpers.ts";

describe("negotiateEncoding", () => {
  it.each([
    [undefined, null],
    ["", null],
    ["identity", null],
    ["gzip", "gzip"],
    ["gzip, deflate", "gzip"],
    ["zstd", "zstd"],
    ["br, gzip", "br"],
    ["gzip, zstd", "zstd"],
    ["gzip, deflate, br, zstd", "br"],
    ["gzip;q=1.0, br;q=0.5", "gzip"],
    ["br;q=0.2, zstd;q=0.8, gzip;q=0.5", "zstd"],
    ["*", "br"],
    ["br;q=0, *", "zstd"],
    ["br;q=0, zstd;q=0, *;q=0.5", "gzip"],
    ["br;q=0, gzip;q=0", null],
    ["*;q=0", null],
    ["GZIP", "gzip"],
    ["gzip;q=abc", null],
  ])("%j → %s", (header, expected) => {
    expect(negotiateEncoding(header)).toBe(expected);
  });
});

describe("the compression middleware", () => {
  const MIN = 1024;
  const big = { items: Array.from({ length: 60 }, (_, i) => ({ id: i, title: `Leçon ${i} : les fractions` })) };
  const bigText = JSON.stringify(big);
  const app = new Hono<AppEnv>();
  app.use(compression(MIN));
  app.get("/big", (c) => c.json(big));
  app.get("/small", (c) => c.json({ ok: true }));
  app.get("/events", (c) => c.body(`data: ${"x".repeat(4000)}\n\n`, 200, { "content-type": "text/event-stream" }));
  app.get("/png", (c) => c.body(new Uint8Array(4000), 200, { "content-type": "image/png" }));
  app.get("/declared", (c) =>
    c.body(bigText, 200, { "content-type": "application/json", "content-length": String(bigText.length) }),
  );
  app.get("/no-transform", (c) => c.json(big, 200, { "cache-control": "no-transform" }));

  const get = (path: string, acceptEncoding?: string) =>
    app.request(path, { headers: acceptEncoding ? { "accept-encoding": acceptEncoding } : {} });

  beforeAll(async () => {
    await initZstd();
  });

  it("sends brotli that decodes back to the body", async () => {
    const res = await get("/big", "gzip, br");
    expect(res.headers.get("content-encoding")).toBe("br");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes.byteLength).toBeLessThan(bigText.length);
    expect(Number(res.headers.get("content-length"))).toBe(bytes.byteLength);
    expect(brotliDecompressSync(bytes).toString("utf8")).toBe(bigText);
  });

  it("declares the compressed length, not the original one", async () => {
    const res = await get("/declared", "br");
    expect(res.headers.get("content-encoding")).toBe("br");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(Number(res.headers.get("content-length"))).toBe(bytes.byteLength);
    expect(brotliDecompressSync(bytes).toString("utf8")).toBe(bigText);
  });

  it("sends gzip that decodes back to the body", async () => {
    const res = await get("/big", "gzip");
    expect(res.headers.get("content-encoding")).toBe("gzip");
    expect(gunzipSync(new Uint8Array(await res.arrayBuffer())).toString("utf8")).toBe(bigText);
  });

  it("sends zstd that decodes back to the body", async () => {
    const res = await get("/big", "zstd, gzip;q=0.5");
    expect(res.headers.get("content-encoding")).toBe("zstd");
    const decoded = zstdDecompress(new Uint8Array(await res.arrayBuffer()));
    expect(new TextDecoder().decode(decoded)).toBe(bigText);
  });

  it("honours a refused coding", async () => {
    const res = await get("/big", "br;q=0, gzip");
    expect(res.headers.get("content-encoding")).toBe("gzip");
  });

  it("sends identity when the client accepts no coding, but still says it varies", async () => {
    const res = await get("/big");
    expect(res.headers.get("content-encoding")).toBeNull();
    expect(res.headers.get("vary")).toBe("Accept-Encoding");
    expect(await res.text()).toBe(bigText);
  });

  it("leaves bodies below the threshold uncompressed", async () => {
    const res = await get("/small", "br, gzip");
    expect(res.headers.get("content-encoding")).toBeNull();
    expect(res.headers.get("vary")).toBe("Accept-Encoding");
    expect(await res.json()).toEqual({ ok: true });
  });

  it("never compresses an event stream", async () => {
    const res = await get("/events", "br, gzip, zstd");
    expect(res.headers.get("content-encoding")).toBeNull();
    expect(await res.text()).toBe(`data: ${"x".repeat(4000)}\n\n`);
  });

  it("leaves already-compressed media and no-transform answers alone", async () => {
    const png = await get("/png", "br");
    expect(png.headers.get("content-encoding")).toBeNull();
    expect((await png.arrayBuffer()).byteLength).toBe(4000);
    const kept = await get("/no-transform", "br");
    expect(kept.headers.get("content-encoding")).toBeNull();
    expect(await kept.text()).toBe(bigText);
  });
});

describe("SSE through the real app on a socket", () => {
  const { app } = testApp();
  let releaseProducer: () => void = () => {};
  app.get("/test/lesson-stream", (c) =>
    sseResponse(c, async (writer) => {
      writer.send("meta", { title: "Les fractions" });
      await new Promise<void>((resolve) => {
        releaseProducer = resolve;
      });
      writer.send("done", { chars: 0 });
    }),
  );
  let base = "";

  beforeAll(async () => {
    base = await listen(app);
  });
  beforeEach(resetRedis);
  afterAll(async () => {
    releaseProducer();
    await closeTestDeps();
  });

  it("delivers the first event while the producer is still waiting", { timeout: 10_000 }, async () => {
    const res = await fetch(`${base}/test/lesson-stream`, { headers: { "accept-encoding": "br, gzip" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(res.headers.get("content-encoding")).toBeNull();
    const stream = new SseReader(res.body);

    // The producer cannot finish until this first event has arrived: a buffering middleware would hang here.
    const meta = await stream.until((frame) => frame.event === "meta");
    expect(meta.data).toEqual({ title: "Les fractions" });
    expect(stream.done).toBe(false);

    releaseProducer();
    const frames = await stream.rest();
    expect(frames.map((f) => f.event)).toEqual(["meta", "done"]);
  });
});
