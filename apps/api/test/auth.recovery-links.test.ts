/**
 * A completed recovery spends every recovery link of the account, not only the one used: a second
 * link still waiting in the inbox must not reset the new authenticator again.
 */
import { describe, expect, it } from "vitest";
import { apiOnPort, sendJson, signIn } from "./helpers.ts";
import { until } from "./workers.ts";

const api = apiOnPort({ RATE_LIMIT_PER_MINUTE: "100000" });
const { deps } = api;

const post = (path: string, body: unknown) => sendJson(api.base, "POST", path, body);

/** Asks for a recovery link and returns the token its email carries. */
async function requestLink(email: string): Promise<string> {
  const where = { toAddress: email.toLowerCase(), template: "auth.recovery" };
  const before = await deps.db.emailOutbox.count({ where });
  expect((await post("/api/v1/auth/recovery/request", { email })).status).toBe(202);
  const read = () => deps.db.emailOutbox.findMany({ where, orderBy: { createdAt: "desc" } });
  const mails = await until(read, (m) => m.length > before, 100);
  const token = /token=([A-Za-z0-9_-]+)/.exec(mails[0]?.textBody ?? "")?.[1];
  if (!token) throw new Error("no recovery link was emailed");
  return token;
}

describe("recovery links", () => {
  it("are all spent once one of them completes a recovery", async () => {
    const learner = await signIn(deps);
    const first = await requestLink(learner.email);
    const second = await requestLink(learner.email);
    expect(second).not.toBe(first);

    const completed = await post("/api/v1/auth/recovery/confirm", { token: second });
    expect(completed.status).toBe(200);
    const secretOf = async () =>
      Buffer.from(
        (await deps.db.totpCredential.findUniqueOrThrow({ where: { userId: learner.userId } })).secretCiphertext,
      ).toString("hex");
    const handedOut = await secretOf();

    const stale = await post("/api/v1/auth/recovery/confirm", { token: first });
    expect([stale.status, stale.body.code]).toEqual([410, "MAGIC_LINK_USED"]);
    // The authenticator handed out by the completed recovery is still the one on file.
    expect(await secretOf()).toBe(handedOut);
    expect(await deps.db.magicLinkToken.count({ where: { userId: learner.userId, usedAt: null } })).toBe(0);
  });

  it("confirmed at the same moment: one recovery, the other link spent, never a 500", async () => {
    const learner = await signIn(deps);
    const tokens = [
      await requestLink(learner.email),
      await requestLink(learner.email),
      await requestLink(learner.email),
    ];
    const answers = await Promise.all(tokens.map((token) => post("/api/v1/auth/recovery/confirm", { token })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 410, 410]);
    expect(
      await deps.db.auditLog.count({ where: { action: "auth.recovery_completed", targetId: learner.userId } }),
    ).toBe(1);
  });
});
