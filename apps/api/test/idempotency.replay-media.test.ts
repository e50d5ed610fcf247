/**
 * A replay is the first answer as it was sent: status, body, content type and language. A tRPC
 * refusal used to come back as problem+json, and every replay named the replaying request's
 * language over a body written in the first one's.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, resetState, type SignedIn, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

const UNKNOWN = "6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f";

function sender(learner: SignedIn, path: string, body: unknown) {
  const key = `replay-${randomUUID()}`;
  return async (lang: string) => {
    const res = await app.request(path, {
      method: "POST",
      headers: {
        ...learner.headers,
        "content-type": "application/json",
        "accept-language": lang,
        "idempotency-key": key,
      },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      type: res.headers.get("content-type"),
      language: res.headers.get("content-language"),
      replayed: res.headers.get("idempotent-replayed"),
      body: (await res.json()) as unknown,
    };
  };
}

describe("a replayed answer", () => {
  it("is a tRPC refusal in tRPC's shape and type, in the first call's language", async () => {
    const learner = await signIn(deps);
    const send = sender(learner, "/trpc/courses.enroll", { id_or_slug: UNKNOWN });
    const first = await send("fr");
    expect(first).toMatchObject({ status: 404, type: "application/json", language: "fr", replayed: null });
    expect(first.body).toMatchObject({ error: { data: { code: "NOT_FOUND" } } });

    const replay = await send("en");
    expect(replay).toEqual({ ...first, replayed: "true" });
  });

  it("is a REST refusal as the same problem, in the first call's language", async () => {
    const learner = await signIn(deps);
    const send = sender(learner, `/api/v1/courses/${UNKNOWN}/enroll`, undefined);
    const first = await send("en");
    expect(first).toMatchObject({ status: 404, type: "application/problem+json", language: "en", replayed: null });
    expect(first.body).toMatchObject({ code: "NOT_FOUND", detail: expect.any(String) });

    const replay = await send("fr");
    expect(replay).toEqual({ ...first, replayed: "true" });
  });

  it("is a success with the first answer's type and language", async () => {
    const learner = await signIn(deps);
    const send = sender(learner, "/trpc/users.update", { name: "Awa Diop" });
    const first = await send("fr");
    expect(first).toMatchObject({ status: 200, type: "application/json", language: "fr" });
    const replay = await send("en");
    expect(replay).toEqual({ ...first, replayed: "true" });
  });
});
