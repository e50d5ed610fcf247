/**
 * Text PostgreSQL cannot store (a NUL, a lone UTF-16 surrogate) is a 400 naming where it was, on
 * REST and tRPC alike, before any work: it used to fail inside a query as a 500.
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { unstorableInJson } from "../src/http/storable-text.ts";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp();
let learner: SignedIn;
beforeEach(async () => {
  await resetState();
  learner = await signIn(deps, { name: "Awa Ndiaye" });
});
afterAll(closeTestDeps);

const patchName = (body: string, lang = "en") =>
  app.request("/api/v1/users/me", {
    method: "PATCH",
    headers: { ...learner.headers, "content-type": "application/json", "accept-language": lang },
    body,
  });

async function refusal(res: Response) {
  expect(res.status).toBe(400);
  const problem = (await res.json()) as { code: string; errors: { field: string; code: string; message: string }[] };
  expect(problem.code).toBe("VALIDATION_FAILED");
  return problem.errors[0];
}

const storedName = async () => (await deps.db.user.findUniqueOrThrow({ where: { id: learner.userId } })).name;

describe("unstorableInJson", () => {
  it.each([
    [JSON.stringify({ a: "x\u0000y" }), true],
    ['{"a":"x\u0000"}', true],
    [JSON.stringify({ a: "x\ud800y" }), true],
    [JSON.stringify({ a: "x\udc00y" }), true],
    [String.raw`{"a":"\\\u0000"}`, true],
    [String.raw`{"a":"\ud800\u0041"}`, true],
    [String.raw`{"a":"\ud83d\ude00"}`, false],
    [JSON.stringify({ a: "😀 héllo" }), false],
    [String.raw`{"a":"\\u0000"}`, false],
    [String.raw`{"a":"\\ud800"}`, false],
    [`{"a":"${"\\".repeat(100_000)}"}`, false],
  ])("%s → %s", (text, unstorable) => {
    expect(unstorableInJson(text)).toBe(unstorable);
  });
});

describe("unstorable text", () => {
  it("refuses a NUL in a JSON body, in the request's language, changing nothing", async () => {
    const error = await refusal(await patchName(JSON.stringify({ name: "Awa\u0000Ndiaye" }), "fr"));
    expect(error).toMatchObject({ field: "(body)", code: "invalid_characters" });
    expect(error?.message).toContain("Caractère interdit");
    expect(await storedName()).toBe("Awa Ndiaye");
  });

  it("refuses a lone surrogate, high or low, but keeps a real pair and an escaped backslash", async () => {
    await refusal(await patchName('{"name":"Awa \\ud800"}'));
    await refusal(await patchName('{"name":"Awa \\udc00 Ndiaye"}'));
    expect((await patchName('{"name":"Awa \\ud83d\\ude00"}')).status).toBe(200);
    expect(await storedName()).toBe("Awa 😀");
    expect((await patchName(JSON.stringify({ name: "Awa \\u0000" }))).status).toBe(200);
    expect(await storedName()).toBe("Awa \\u0000");
  });

  it("refuses a NUL in the query and in a path id", async () => {
    expect(await refusal(await app.request("/api/v1/courses?search=a%00b"))).toMatchObject({ field: "(query)" });
    const path = await app.request("/api/v1/curricula/a%00b");
    expect(await refusal(path)).toMatchObject({ field: "(path)" });
  });

  it("refuses it over tRPC, in a mutation body and in a query's input", async () => {
    const mutation = await app.request("/trpc/users.update", {
      method: "POST",
      headers: { ...learner.headers, "content-type": "application/json" },
      body: JSON.stringify({ name: "Awa\u0000" }),
    });
    expect(mutation.status).toBe(400);
    const input = encodeURIComponent(JSON.stringify({ search: "a\u0000b" }));
    expect((await app.request(`/trpc/courses.list?input=${input}`)).status).toBe(400);
    expect(await storedName()).toBe("Awa Ndiaye");
  });
});
