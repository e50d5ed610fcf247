/**
 * tRPC requests refused before tRPC builds their context (an unsupported method or content type, a
 * badly encoded path, a batch mixing queries and mutations): they answer a 4xx in the request's
 * language, as JSON, with the request's id, like every other tRPC error.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp();
let learner: SignedIn;

beforeAll(async () => {
  await resetState();
  learner = await signIn(deps, { preferredLanguage: "fr" });
});
afterAll(closeTestDeps);

interface TrpcErrorBody {
  error: { message: string; data: { code: string; httpStatus: number; request_id?: string } };
}

async function refused(path: string, init: RequestInit) {
  const res = await app.request(path, init);
  const body = (await res.json()) as TrpcErrorBody;
  return { res, body };
}

describe("a tRPC request refused before its context exists", () => {
  const english = () => ({ ...learner.headers, "accept-language": "en" });

  it("answers a body of an unsupported content type with 415, not a 500", async () => {
    const { res, body } = await refused("/trpc/users.update", {
      method: "POST",
      headers: { ...english(), "content-type": "text/plain" },
      body: "name=Awa",
    });
    expect(res.status).toBe(415);
    expect(body.error.data).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE", httpStatus: 415 });
    expect(body.error.message).toBe("Unsupported content type.");
  });

  it("answers a PUT or DELETE without a body with a 4xx, not a 500", async () => {
    for (const method of ["PUT", "DELETE", "PATCH"]) {
      const { res, body } = await refused("/trpc/users.me", { method, headers: english() });
      expect(res.status, method).toBeLessThan(500);
      expect(body.error.data.httpStatus, method).toBe(res.status);
      expect(body.error.message, method).not.toMatch(/[àéè]|requête|serveur/);
    }
  });

  it("speaks the request's language, names the request and says it is JSON", async () => {
    const mixed = await refused("/trpc/users.me,users.update?batch=1", {
      method: "POST",
      headers: { ...english(), "content-type": "application/json" },
      body: JSON.stringify({ 1: { name: "Awa" } }),
    });
    expect(mixed.res.status).toBe(400);
    expect(mixed.body.error.message).toBe("The request contains invalid data.");
    expect(mixed.body.error.data.request_id).toBe(mixed.res.headers.get("x-request-id"));
    expect(mixed.res.headers.get("content-type")).toBe("application/json");

    const badPath = await refused("/trpc/%E0%A4%A", { headers: { "accept-language": "en" } });
    expect(badPath.res.status).toBe(400);
    expect(badPath.body.error.message).toBe("The request contains invalid data.");
    expect(badPath.res.headers.get("content-type")).toBe("application/json");
  });

  it("still answers in the caller's own language when the request names none", async () => {
    const { body } = await refused("/trpc/users.update", {
      method: "POST",
      headers: { ...learner.headers, "content-type": "text/plain" },
      body: "x",
    });
    expect(body.error.message).toBe("Type de contenu non pris en charge.");
  });
});
