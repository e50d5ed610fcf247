/**
 * Email recovery never resets an admin's or an expert's authenticator (decision 0033), through the
 * API on a port: their requests answer exactly like an unknown address's and issue no link, and a
 * link sent before a promotion no longer works. They recover with a backup code or
 * `pnpm admin:create --reenrol`.
 */
import { describe, expect, it } from "vitest";
import { apiOnPort, sendJson, signIn } from "./helpers.ts";
import { outboxMessage } from "./outbox.ts";

const api = apiOnPort({ RATE_LIMIT_PER_MINUTE: "100000" });
const { deps } = api;

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  sendJson(api.base, path.endsWith("/role") ? "PUT" : "POST", path, body, headers);

describe("recovery by email for staff", () => {
  it("answers admins, experts, learners and unknown addresses alike, and links only the learner", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const expert = await signIn(deps, { role: "expert" });
    const learner = await signIn(deps);
    const answers = [];
    for (const email of [admin.email, expert.email, learner.email, "nobody@example.org"]) {
      answers.push(await post("/api/v1/auth/recovery/request", { email }));
    }
    expect(answers).toEqual(Array(4).fill({ status: 202, body: { status: "accepted" } }));
    await outboxMessage(deps.db, learner.email, "auth.recovery");
    const links = await deps.db.magicLinkToken.findMany({ select: { userId: true } });
    expect(links).toEqual([{ userId: learner.userId }]);
    expect(await deps.db.emailOutbox.count({ where: { toAddress: { in: [admin.email, expert.email] } } })).toBe(0);
  });

  it("refuses a link sent before a promotion like an unknown link, and leaves the authenticator alone", async () => {
    const admin = await signIn(deps, { role: "admin" });
    const learner = await signIn(deps);
    await post("/api/v1/auth/recovery/request", { email: learner.email });
    const mail = await outboxMessage(deps.db, learner.email, "auth.recovery");
    const token = /token=([A-Za-z0-9_-]+)/.exec(mail.textBody)?.[1] as string;

    const promoted = await post(`/api/v1/admin/users/${learner.userId}/role`, { role: "expert" }, admin.headers);
    expect(promoted.status).toBe(200);

    const used = await post("/api/v1/auth/recovery/confirm", { token });
    const unknown = await post("/api/v1/auth/recovery/confirm", { token: "x".repeat(43) });
    const outward = (r: typeof used) => [r.status, r.body.code, r.body.detail];
    expect(outward(used)).toEqual(outward(unknown));
    expect(used.body.code).toBe("MAGIC_LINK_INVALID");
    // Nothing was re-enrolled: no new authenticator, the account still active, no session revoked by it.
    expect(await deps.db.totpCredential.count({ where: { userId: learner.userId } })).toBe(0);
    expect((await deps.db.user.findUniqueOrThrow({ where: { id: learner.userId } })).status).toBe("active");
  });
});
