/**
 * A known path asked with a method none of its routes takes is a 405 problem naming the methods it
 * takes in `Allow`; an unknown path stays a 404. Preflights, HEAD, the OpenAPI document and tRPC
 * answer as before, and working out the 405 adds nothing to the router's kept answers.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { MemoRouter } from "../src/http/memo-router.ts";
import { closeTestDeps, resetRedis, testApp } from "./helpers.ts";

const { app } = testApp({ RATE_LIMIT_PER_MINUTE: "100000", CORS_ORIGINS: "https://app.example.org" });
beforeEach(resetRedis);
afterAll(closeTestDeps);

const COURSE = "6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f";

async function refusal(method: string, path: string, lang = "en") {
  const res = await app.request(path, { method, headers: { "accept-language": lang } });
  const body = (await res.json()) as Record<string, unknown>;
  return {
    status: res.status,
    allow: res.headers.get("allow"),
    type: res.headers.get("content-type"),
    language: res.headers.get("content-language"),
    code: body.code,
    detail: body.detail,
    instance: body.instance,
  };
}

describe("a wrong method on a known path", () => {
  it("is a 405 problem with Allow, in the request's language", async () => {
    expect(await refusal("POST", "/api/v1/courses/taxonomy")).toEqual({
      status: 405,
      allow: "GET, HEAD, OPTIONS",
      type: "application/problem+json",
      language: "en",
      code: "METHOD_NOT_ALLOWED",
      detail: "Method not allowed.",
      instance: "/api/v1/courses/taxonomy",
    });
    expect(await refusal("DELETE", "/api/v1/auth/register", "fr")).toMatchObject({
      status: 405,
      allow: "POST, OPTIONS",
      language: "fr",
      code: "METHOD_NOT_ALLOWED",
      detail: "Méthode non autorisée.",
    });
  });

  it("lists every method of every route the path matches, parameterised ones included", async () => {
    expect(await refusal("POST", "/api/v1/users/me")).toMatchObject({
      status: 405,
      allow: "GET, HEAD, PATCH, DELETE, OPTIONS",
    });
    expect(await refusal("GET", `/api/v1/courses/${COURSE}/enroll`)).toMatchObject({
      status: 405,
      allow: "POST, OPTIONS",
    });
    expect(await refusal("PUT", `/api/v1/admin/courses/${COURSE}`)).toMatchObject({
      status: 405,
      allow: "GET, HEAD, PATCH, DELETE, OPTIONS",
    });
    // The static path and the parameterised one beside it both take GET.
    expect(await refusal("DELETE", "/api/v1/courses/taxonomy")).toMatchObject({
      status: 405,
      allow: "GET, HEAD, OPTIONS",
    });
    expect(await refusal("POST", "/health")).toMatchObject({ status: 405, allow: "GET, HEAD, OPTIONS" });
    expect(await refusal("DELETE", "/openapi.json")).toMatchObject({ status: 405, allow: "GET, HEAD, OPTIONS" });
  });

  it("leaves unknown paths, and /metrics without its token, a 404", async () => {
    for (const [method, path] of [
      ["GET", "/api/v1/nowhere"],
      ["POST", "/api/v1/nowhere"],
      ["DELETE", `/api/v1/users/${COURSE}`],
      ["POST", "/metrics"],
      ["GET", "/docs/assets/nothing.css"],
    ] as const) {
      expect(await refusal(method, path), `${method} ${path}`).toMatchObject({
        status: 404,
        allow: null,
        code: "ROUTE_NOT_FOUND",
      });
    }
  });

  it("leaves HEAD, preflights, the OpenAPI document and tRPC as they were", async () => {
    const head = await app.request("/api/v1/courses/taxonomy", { method: "HEAD" });
    expect(head.status).toBe(200);
    const preflight = await app.request("/api/v1/courses/taxonomy", {
      method: "OPTIONS",
      headers: { origin: "https://app.example.org", "access-control-request-method": "GET" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://app.example.org");
    const doc = await app.request("/openapi.json");
    expect(doc.status).toBe(200);
    expect(((await doc.json()) as { paths: Record<string, unknown> }).paths).toHaveProperty([
      "/api/v1/courses/taxonomy",
    ]);
    // tRPC answers methods itself, in its own shape.
    const unknown = await app.request("/trpc/catalog.nothing", { headers: { "accept-language": "en" } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { data: { code: "ROUTE_NOT_FOUND" } } });
    const mutation = await app.request("/trpc/users.update", { headers: { "accept-language": "en" } });
    expect(mutation.status).toBe(405);
    expect(mutation.headers.get("content-type")).toBe("application/json");
    expect(await mutation.json()).toMatchObject({ error: { data: { code: "METHOD_NOT_ALLOWED" } } });
  });

  it("is worked out without the router keeping anything more than the request's own match", async () => {
    const router = app.router as MemoRouter<unknown>;
    const before = router.size;
    for (let i = 0; i < 20; i++) {
      const id = `6f1c2a4e-8d3b-4c5a-9e7f-${String(i).padStart(12, "0")}`;
      expect((await app.request(`/api/v1/courses/${id}/enroll`)).status).toBe(405);
    }
    expect(router.size - before).toBe(20);
  });
});
