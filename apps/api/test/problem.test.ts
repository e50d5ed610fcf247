/** One error format: RFC 9457 problem+json with a stable code, a FR/EN detail and the request id. */
import { AppError } from "@sira/contracts";
import { HTTPException } from "hono/http-exception";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { closeTestDeps, resetRedis, testApp } from "./helpers.ts";

const { app } = testApp();
const learnerInput = z.object({ email: z.email(), birth_year: z.number().int().min(1900) });
app.post("/test/learners", async (c) => c.json(learnerInput.parse(await c.req.json()), 201));
app.get("/test/locked", () => {
  throw new AppError("LOCKED");
});
app.get("/test/http-exception", () => {
  throw new HTTPException(401, { message: "no token" });
});
app.get("/test/bug", () => {
  throw new Error("relation users: password for postgres://sira:s3cret@db failed");
});

beforeEach(resetRedis);
afterAll(closeTestDeps);

describe("an unknown route", () => {
  it("is a 404 problem in French by default", async () => {
    const res = await app.request("/api/v1/nowhere");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.headers.get("content-language")).toBe("fr");
    const problem = await res.json();
    expect(problem).toEqual({
      type: "https://sira.africa/problems/route-not-found",
      title: "This address does not exist.",
      status: 404,
      code: "ROUTE_NOT_FOUND",
      detail: "Cette adresse n'existe pas.",
      instance: "/api/v1/nowhere",
      request_id: res.headers.get("x-request-id"),
    });
  });

  it("is in English for Accept-Language: en", async () => {
    const res = await app.request("/api/v1/nowhere", { headers: { "accept-language": "en" } });
    expect(await res.json()).toMatchObject({ code: "ROUTE_NOT_FOUND", detail: "This address does not exist." });
  });
});

describe("the request id", () => {
  it("is generated when the client sends none, and matches the problem's", async () => {
    const res = await app.request("/nowhere");
    const id = res.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await res.json()) as { request_id: string }).request_id).toBe(id);
  });

  it("echoes a well-formed incoming X-Request-Id", async () => {
    const res = await app.request("/nowhere", { headers: { "x-request-id": "pwa-7f3c2a91.retry_2" } });
    expect(res.headers.get("x-request-id")).toBe("pwa-7f3c2a91.retry_2");
    expect(((await res.json()) as { request_id: string }).request_id).toBe("pwa-7f3c2a91.retry_2");
  });

  it.each([
    ["too short", "abc"],
    ["spaces (log field injection)", "ok-id-123 level=error"],
    ["markup", "<script>alert(1)</script>"],
  ])("replaces a malformed one (%s)", async (_, incoming) => {
    const res = await app.request("/nowhere", { headers: { "x-request-id": incoming } });
    expect(res.headers.get("x-request-id")).not.toBe(incoming);
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("thrown errors", () => {
  it("turns a ZodError into VALIDATION_FAILED naming each field", async () => {
    const res = await app.request("/test/learners", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "not-an-email", birth_year: 1850 }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const problem = (await res.json()) as { code: string; errors: { field: string; message: string }[] };
    expect(problem.code).toBe("VALIDATION_FAILED");
    expect(problem.errors.map((e) => e.field).sort()).toEqual(["birth_year", "email"]);
    expect(problem.errors.find((e) => e.field === "birth_year")?.message).toBe("Valeur trop petite (minimum 1900).");
  });

  it("keeps an AppError's status and code", async () => {
    const res = await app.request("/test/locked", { headers: { "accept-language": "en" } });
    expect(res.status).toBe(423);
    expect(await res.json()).toMatchObject({ status: 423, code: "LOCKED", detail: "This content is locked." });
  });

  it("maps Hono's HTTPException to our code for its status", async () => {
    const res = await app.request("/test/http-exception");
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: "UNAUTHENTICATED", detail: "Authentification requise." });
  });

  it("answers an unexpected error as a 500 problem without leaking its message", async () => {
    const res = await app.request("/test/bug");
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ code: "INTERNAL", detail: "Erreur interne du serveur." });
    expect(text).not.toMatch(/s3cret|postgres|password/);
  });

  it("refuses an oversized body with PAYLOAD_TOO_LARGE before the handler reads it", async () => {
    const res = await app.request("/test/learners", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "a@b.co", padding: "x".repeat(1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
  });
});
