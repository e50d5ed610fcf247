/**
 * An Idempotency-Key on a tRPC mutation whose answer is streamed (`trpc-accept: application/jsonl`,
 * one JSON document a line): the answer cannot be stored, so the key is released as for any stream,
 * instead of a 500 after the work ran and a key left "in progress".
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, resetState, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

describe("Idempotency-Key on a streamed tRPC batch", () => {
  it("answers the stream and leaves the key free for the retry", async () => {
    const learner = await signIn(deps);
    const headers = {
      ...learner.headers,
      "content-type": "application/json",
      "trpc-accept": "application/jsonl",
      "idempotency-key": `profile-${randomUUID()}`,
    };
    const send = () =>
      app.request("/trpc/users.update?batch=1", {
        method: "POST",
        headers,
        body: JSON.stringify({ 0: { name: "Awa Diop" } }),
      });

    const first = await send();
    expect(first.status).toBe(200);
    expect(await first.text()).toContain("Awa Diop");
    const retry = await send();
    expect(retry.status).toBe(200);
    expect((await deps.db.user.findUniqueOrThrow({ where: { id: learner.userId } })).name).toBe("Awa Diop");
  });
});
