/** The language order: `?lang=`, then Accept-Language, then the user's preferred language, then French. */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { fromAcceptLanguage, resolveLanguage } from "../src/http/language.ts";
import { closeTestDeps, resetRedis, testApp } from "./helpers.ts";

describe("fromAcceptLanguage", () => {
  it.each([
    ["en", "en"],
    ["EN-gb", "en"],
    ["fr-CI,fr;q=0.9", "fr"],
    ["en-US,en;q=0.9,fr;q=0.8", "en"],
    ["fr;q=0.5, en;q=0.9", "en"],
    ["de-DE, wo;q=0.9, en;q=0.1", "en"],
    ["en;q=0.8, fr;q=0.8", "en"],
    ["fr;q=0.8, en;q=0.8", "fr"],
  ])("%s → %s", (header, expected) => {
    expect(fromAcceptLanguage(header)).toBe(expected);
  });

  it.each([
    ["no header", undefined],
    ["an empty header", ""],
    ["only unsupported languages", "de, wo;q=0.9"],
    ["a refused language (q=0)", "en;q=0"],
    ["a malformed q-value", "en;q=abc"],
    ["the wildcard", "*"],
  ])("gives no language for %s", (_, header) => {
    expect(fromAcceptLanguage(header)).toBeNull();
  });
});

describe("resolveLanguage", () => {
  it("puts ?lang= first, case-insensitively", () => {
    expect(resolveLanguage({ query: "EN", acceptLanguage: "fr", userLanguage: "fr", fallback: "fr" })).toBe("en");
  });

  it("ignores an unsupported ?lang= and uses Accept-Language", () => {
    expect(resolveLanguage({ query: "de", acceptLanguage: "en", userLanguage: "fr", fallback: "fr" })).toBe("en");
  });

  it("puts Accept-Language before the user's preferred language", () => {
    expect(resolveLanguage({ acceptLanguage: "fr", userLanguage: "en", fallback: "fr" })).toBe("fr");
  });

  it("uses the user's preferred language when the request names none it supports", () => {
    expect(resolveLanguage({ acceptLanguage: "de", userLanguage: "en", fallback: "fr" })).toBe("en");
    expect(resolveLanguage({ userLanguage: "en", fallback: "fr" })).toBe("en");
  });

  it("falls back to the default for an unknown preferred language", () => {
    expect(resolveLanguage({ userLanguage: "es", fallback: "fr" })).toBe("fr");
    expect(resolveLanguage({ fallback: "en" })).toBe("en");
  });
});

describe("through the app", () => {
  const { app } = testApp();
  beforeEach(resetRedis);
  afterAll(closeTestDeps);

  async function notFound(init: { query?: string; headers?: Record<string, string> }) {
    const res = await app.request(`/no-such-page${init.query ?? ""}`, { headers: init.headers ?? {} });
    const problem = (await res.json()) as { code: string; detail: string };
    return { res, problem };
  }

  it("answers in French by default", async () => {
    const { res, problem } = await notFound({});
    expect(res.headers.get("content-language")).toBe("fr");
    expect(problem.detail).toBe("Cette adresse n'existe pas.");
  });

  it("answers in English for Accept-Language: en", async () => {
    const { res, problem } = await notFound({ headers: { "accept-language": "en-GB,en;q=0.9" } });
    expect(res.headers.get("content-language")).toBe("en");
    expect(problem).toMatchObject({ code: "ROUTE_NOT_FOUND", detail: "This address does not exist." });
  });

  it("lets ?lang= override Accept-Language", async () => {
    const { res, problem } = await notFound({ query: "?lang=fr", headers: { "accept-language": "en" } });
    expect(res.headers.get("content-language")).toBe("fr");
    expect(problem.detail).toBe("Cette adresse n'existe pas.");
  });

  it("sets Content-Language and Vary: Accept-Language on successful answers too", async () => {
    const res = await app.request("/api/v1/courses?lang=en");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-language")).toBe("en");
    expect(res.headers.get("vary")?.split(/\s*,\s*/)).toContain("Accept-Language");
  });
});
