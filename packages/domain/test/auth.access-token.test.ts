/**
 * Access tokens: a token verified once is not verified again, but its expiry still holds on every
 * presentation, and a token changed by one character is refused however often the original passed.
 */
import { parseConfig } from "@sira/infra";
import { describe, expect, it } from "vitest";
import { issueAccessToken, rememberedClaims, verifyAccessToken } from "../src/auth/access-token.ts";
import { authKeys } from "../src/auth/keys.ts";

const keys = authKeys(parseConfig({ NODE_ENV: "test" }));
const claims = {
  userId: "6a1f3c52-6f4e-4a55-9d5e-2d6f7f0c9b11",
  role: "learner" as const,
  preferredLanguage: "fr" as const,
  country: "SN",
  sessionId: "0b8e2a4e-1c7d-4f3a-9e61-5a2b7c9d3e10",
};

describe("verifyAccessToken", () => {
  it("answers the same claims each time, and TOKEN_EXPIRED once the token has expired", async () => {
    const issued = new Date("2026-06-01T10:00:00Z");
    const token = await issueAccessToken(keys, claims, 900, issued);
    expect(await verifyAccessToken(keys, token, issued)).toEqual(claims);
    expect(await verifyAccessToken(keys, token, new Date("2026-06-01T10:14:59Z"))).toEqual(claims);
    await expect(verifyAccessToken(keys, token, new Date("2026-06-01T10:15:00Z"))).rejects.toMatchObject({
      code: "TOKEN_EXPIRED",
    });
  });

  it("refuses a forged token whatever was verified before it", async () => {
    const now = new Date();
    const token = await issueAccessToken(keys, claims, 900, now);
    await verifyAccessToken(keys, token, now);
    const [header, payload, signature] = token.split(".");
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload as string, "base64url").toString()), role: "admin" }),
    ).toString("base64url");
    await expect(verifyAccessToken(keys, `${header}.${forgedPayload}.${signature}`, now)).rejects.toMatchObject({
      code: "TOKEN_INVALID",
    });
  });

  it("hands each caller its own copy of the claims", async () => {
    const now = new Date();
    const token = await issueAccessToken(keys, claims, 900, now);
    const first = await verifyAccessToken(keys, token, now);
    first.role = "admin";
    expect((await verifyAccessToken(keys, token, now)).role).toBe("learner");
  });

  it("remembers the claims of a verified token only, for reading ahead", async () => {
    const now = new Date();
    const token = await issueAccessToken(keys, claims, 900, now);
    expect(rememberedClaims(keys, token)).toBeNull();
    await expect(verifyAccessToken(keys, `${token}x`, now)).rejects.toMatchObject({ code: "TOKEN_INVALID" });
    expect(rememberedClaims(keys, `${token}x`)).toBeNull();
    await verifyAccessToken(keys, token, now);
    expect(rememberedClaims(keys, token)).toEqual(claims);
    const otherKeys = authKeys(
      parseConfig({ NODE_ENV: "test", JWT_SECRET: "another-secret-of-at-least-32-characters!" }),
    );
    expect(rememberedClaims(otherKeys, token)).toBeNull();
  });
});
