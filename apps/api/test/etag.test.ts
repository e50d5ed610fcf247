/** Strong ETags on GET answers and `If-None-Match` → 304, through the real app and its compression. */

import type { MiddlewareHandler } from "hono";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { AppEnv } from "../src/app-types.ts";
import { routeMiddleware } from "../src/definition/rest.ts";
import { ifNoneMatchHits, strongEtag } from "../src/http/etag.ts";
import { closeTestDeps, resetRedis, testApp } from "./helpers.ts";

const STRONG_TAG = /^"[A-Za-z0-9_-]{27}"$/;

describe("ifNoneMatchHits", () => {
  const tag = '"abc"';

  it.each([
    ['"abc"', true],
    ['W/"abc"', true],
    ['"abc-br"', true],
    ['"abc-gzip"', true],
    ['"zzz", "abc-zstd"', true],
    ["*", true],
    ['"abd"', false],
    ['"ab"', false],
    ['"abc-deflate"', false],
    ["", false],
  ])("If-None-Match %s → %s", (header, hit) => {
    expect(ifNoneMatchHits(header, tag)).toBe(hit);
  });
});

describe("ETag through the app", () => {
  const { app } = testApp();
  const catalogue = {
    items: Array.from({ length: 80 }, (_, i) => ({ id: `course-${i}`, title: `Cours ${i} : géométrie` })),
  };
  let version = 1;
  // The route middleware a public GET's definition gets.
  const [tagged] = routeMiddleware({ method: "get", auth: "public" }) as [MiddlewareHandler<AppEnv>];
  app.get("/test/catalogue", tagged, (c) => c.json({ version, ...catalogue }));
  app.post("/test/catalogue", (c) => c.json({ version }));

  const get = (headers: Record<string, string> = {}) => app.request("/test/catalogue", { headers });

  beforeEach(async () => {
    version = 1;
    await resetRedis();
  });
  afterAll(closeTestDeps);

  it("tags a GET JSON answer with the strong hash of its body", async () => {
    const res = await get();
    expect(res.status).toBe(200);
    const tag = res.headers.get("etag");
    expect(tag).toMatch(STRONG_TAG);
    expect(tag).toBe(strongEtag(new Uint8Array(await res.arrayBuffer())));
  });

  it("keeps the tag while the body is the same and changes it with the body", async () => {
    const first = (await get()).headers.get("etag");
    expect((await get()).headers.get("etag")).toBe(first);
    version = 2;
    expect((await get()).headers.get("etag")).not.toBe(first);
  });

  it("answers a matching If-None-Match with 304 and no body", async () => {
    const tag = (await get()).headers.get("etag") ?? "";
    const res = await get({ "if-none-match": tag });
    expect(res.status).toBe(304);
    expect(res.headers.get("etag")).toBe(tag);
    expect(res.headers.get("content-type")).toBeNull();
    expect(await res.text()).toBe("");
  });

  it("answers a stale If-None-Match with the new body", async () => {
    const tag = (await get()).headers.get("etag") ?? "";
    version = 2;
    const res = await get({ "if-none-match": tag });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { version: number }).version).toBe(2);
  });

  it("gives each content coding its own tag and still matches it", async () => {
    const identity = (await get()).headers.get("etag") ?? "";
    const br = await get({ "accept-encoding": "br" });
    expect(br.headers.get("content-encoding")).toBe("br");
    const brTag = br.headers.get("etag") ?? "";
    expect(brTag).toBe(`${identity.slice(0, -1)}-br"`);

    const revalidated = await get({ "accept-encoding": "br", "if-none-match": brTag });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get("content-encoding")).toBeNull();
    expect(await revalidated.text()).toBe("");

    const fromGzipCache = await get({ "accept-encoding": "gzip", "if-none-match": brTag });
    expect(fromGzipCache.status).toBe(304);
  });

  it("does not tag mutations or errors", async () => {
    const post = await app.request("/test/catalogue", { method: "POST" });
    expect(post.status).toBe(200);
    expect(post.headers.get("etag")).toBeNull();
    const missing = await app.request("/test/nothing-here");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("etag")).toBeNull();
  });
});
