/** The list helpers every REST route shares: the page envelope, `?fields=` and `?since=`. */
import { AppError } from "@sira/contracts";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { deltaEnvelope, pageEnvelope, parseFields, parseSince, pickFields } from "../src/http/lists.ts";
import { closeTestDeps, resetRedis, testApp } from "./helpers.ts";

function thrown(work: () => unknown): AppError {
  try {
    work();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected an AppError, nothing was thrown");
}

describe("pageEnvelope", () => {
  it("wraps the items with page, limit and total", () => {
    expect(pageEnvelope(["a", "b"], 42, { page: 2, limit: 2 })).toEqual({
      items: ["a", "b"],
      page: 2,
      limit: 2,
      total: 42,
      has_more: true,
    });
  });

  it.each([
    { page: 1, limit: 20, total: 0, has_more: false },
    { page: 1, limit: 20, total: 19, has_more: false },
    { page: 1, limit: 20, total: 20, has_more: false },
    { page: 1, limit: 20, total: 21, has_more: true },
    { page: 2, limit: 20, total: 40, has_more: false },
    { page: 2, limit: 20, total: 41, has_more: true },
    { page: 5, limit: 20, total: 41, has_more: false },
  ])("page $page of $limit with total $total: has_more is $has_more", ({ page, limit, total, has_more }) => {
    expect(pageEnvelope([], total, { page, limit }).has_more).toBe(has_more);
  });
});

describe("parseFields", () => {
  const allowed = ["id", "title", "title_fr", "title_en", "level"] as const;

  it("returns null when no selection is asked for", () => {
    expect(parseFields(undefined, allowed)).toBeNull();
    expect(parseFields(null, allowed)).toBeNull();
    expect(parseFields("  ", allowed)).toBeNull();
  });

  it("always keeps id, trims spaces and drops duplicates", () => {
    expect(parseFields("title, level,title", allowed)).toEqual(["id", "title", "level"]);
    expect(parseFields("level,id", allowed)).toEqual(["level", "id"]);
  });

  it("does not invent an id the resource does not have", () => {
    expect(parseFields("name", ["name", "code"])).toEqual(["name"]);
  });

  it("refuses unknown fields with UNKNOWN_FIELDS naming each of them", () => {
    const error = thrown(() => parseFields("title,password_hash,role", allowed));
    expect(error.code).toBe("UNKNOWN_FIELDS");
    expect(error.status).toBe(400);
    expect(error.fieldErrors).toEqual([
      { field: "fields", code: "unknown_field", message: "password_hash" },
      { field: "fields", code: "unknown_field", message: "role" },
    ]);
    expect(error.detail("fr")).toContain("Champs inconnus : password_hash, role.");
    expect(error.detail("en")).toContain("Unknown fields: password_hash, role.");
  });
});

describe("pickFields", () => {
  const course = { id: "c1", title: "Algèbre", level: 2, secret: "x" };

  it("keeps only the selected fields", () => {
    expect(pickFields(course, ["id", "level"])).toEqual({ id: "c1", level: 2 });
  });

  it("returns the whole object without a selection", () => {
    expect(pickFields(course, null)).toEqual(course);
  });

  it("skips selected fields the item does not carry", () => {
    expect(pickFields({ id: "c1" }, ["id", "title"])).toEqual({ id: "c1" });
  });
});

describe("parseSince", () => {
  const now = new Date("2025-06-15T12:00:00.000Z");

  it("returns null without a value", () => {
    expect(parseSince(undefined, now)).toBeNull();
    expect(parseSince(null, now)).toBeNull();
    expect(parseSince("", now)).toBeNull();
  });

  it("parses ISO-8601 instants, offsets included", () => {
    expect(parseSince("2025-06-01T08:30:00Z", now)?.toISOString()).toBe("2025-06-01T08:30:00.000Z");
    expect(parseSince("2025-06-01T08:30:00.250+01:00", now)?.toISOString()).toBe("2025-06-01T07:30:00.250Z");
  });

  it("tolerates a client clock up to five minutes ahead", () => {
    expect(parseSince("2025-06-15T12:04:59Z", now)?.toISOString()).toBe("2025-06-15T12:04:59.000Z");
  });

  it.each([
    ["a date without a time", "2025-06-01"],
    ["a time without an offset", "2025-06-01T08:30:00"],
    ["not a date", "yesterday"],
    ["epoch milliseconds", "1717228800000"],
    ["an impossible month", "2025-13-01T00:00:00Z"],
    ["an impossible day", "2025-02-30T00:00:00Z"],
    ["the future beyond the clock skew", "2025-06-15T12:05:01Z"],
  ])("refuses %s with INVALID_SINCE", (_, value) => {
    expect(thrown(() => parseSince(value, now)).code).toBe("INVALID_SINCE");
  });
});

describe("through the app", () => {
  const { app } = testApp();
  app.get("/test/courses", (c) => {
    const fields = parseFields(c.req.query("fields"), ["id", "title"]);
    const items = [{ id: "c1", title: "Algèbre" }].map((item) => pickFields(item, fields));
    return c.json(pageEnvelope(items, 1, { page: 1, limit: 20 }));
  });

  beforeEach(resetRedis);
  afterAll(closeTestDeps);

  it("trims items to the selected fields", async () => {
    const res = await app.request("/test/courses?fields=id");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ items: [{ id: "c1" }], page: 1, limit: 20, total: 1, has_more: false });
  });

  it("answers unknown fields with a 400 problem naming them", async () => {
    const res = await app.request("/test/courses?fields=title,owner_email", {
      headers: { "accept-language": "en" },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const problem = await res.json();
    expect(problem).toMatchObject({
      code: "UNKNOWN_FIELDS",
      detail: "Unknown fields: owner_email. Allowed: id, title.",
      errors: [{ field: "fields", code: "unknown_field", message: "owner_email" }],
    });
  });
});

describe("deltaEnvelope", () => {
  const startedAt = new Date("2026-03-10T12:00:00.000Z");
  const newest = new Date("2026-03-09T08:00:00.000Z");
  const tomb = {
    id: "7f1f6c3e-1d0c-4a58-9f57-1b2b7f0f3a11",
    entity: "lesson_reading",
    deleted_at: newest.toISOString(),
  };

  it("hands back the request's start as the next cursor when the domain gives none", () => {
    const delta = deltaEnvelope([{ id: "a" }], [tomb], { startedAt, hasMore: false, reset: false });
    expect(delta).toEqual({
      items: [{ id: "a" }],
      deleted: [tomb],
      server_time: startedAt.toISOString(),
      has_more: false,
      reset: false,
    });
  });

  it("hands back the domain's cursor when it gives one, so the next page starts there", () => {
    const delta = deltaEnvelope([], [], { startedAt, hasMore: true, reset: false, cursor: newest });
    expect(delta.server_time).toBe(newest.toISOString());
    expect(delta.has_more).toBe(true);
  });

  it("tells the client to resync from scratch when asked", () => {
    expect(deltaEnvelope([], [], { startedAt, hasMore: false, reset: true }).reset).toBe(true);
  });
});
