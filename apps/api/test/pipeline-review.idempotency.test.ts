/**
 * An Idempotency-Key on a tRPC mutation whose answer would be streamed (`trpc-accept:
 * application/jsonl`, one JSON document a line): such an answer cannot be stored, so a retry would
 * run the work again (a second payout request holding credits twice). The call is refused before
 * it runs, and the key stays unclaimed for the same call sent without streaming.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { closeTestDeps, resetState, signIn, testApp } from "./helpers.ts";

const { app, deps } = testApp();
beforeEach(resetState);
afterAll(closeTestDeps);

describe("Idempotency-Key on a streamed tRPC batch", () => {
  it("is refused before the work runs, and the key serves the same call unstreamed", async () => {
    const learner = await signIn(deps);
    const key = `profile-${randomUUID()}`;
    const send = (streamed: boolean) =>
      app.request("/trpc/users.update?batch=1", {
        method: "POST",
        headers: {
          ...learner.headers,
          "content-type": "application/json",
          "accept-language": "en",
          "idempotency-key": key,
          ...(streamed ? { "trpc-accept": "application/jsonl" } : {}),
        },
        body: JSON.stringify({ 0: { name: "Awa Diop" } }),
      });

    const streamed = await send(true);
    expect(streamed.status).toBe(400);
    expect(await streamed.json()).toMatchObject({
      code: "INVALID_IDEMPOTENCY_KEY",
      detail: expect.stringContaining("jsonl"),
    });
    expect((await deps.db.user.findUniqueOrThrow({ where: { id: learner.userId } })).name).not.toBe("Awa Diop");

    const plain = await send(false);
    expect(plain.status).toBe(200);
    const retry = await send(false);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect((await deps.db.user.findUniqueOrThrow({ where: { id: learner.userId } })).name).toBe("Awa Diop");
  });
});
