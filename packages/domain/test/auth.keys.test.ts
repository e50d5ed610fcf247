import { randomBytes } from "node:crypto";
import { parseConfig } from "@sira/infra/config";
import { createDb } from "@sira/infra/db";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { AuthEnv } from "../src/auth/context.ts";
import { openSecret, sealSecret } from "../src/auth/crypto.ts";
import { enrolAuthenticator } from "../src/auth/enrolment.ts";
import { checkTotpKeyring, rotateTotpKeys } from "../src/auth/key-rotation.ts";
import { authKeys } from "../src/auth/keys.ts";

const db = createDb({ url: process.env.DATABASE_URL as string });
beforeEach(() => truncateAll(process.env.DATABASE_URL as string));
afterAll(() => db.$disconnect());

const key = () => randomBytes(32).toString("base64");
const k1 = key();
const k2 = key();
const v1 = parseConfig({ NODE_ENV: "test", TOTP_ENCRYPTION_KEYS: `1:${k1}` });
const v1and2 = parseConfig({ NODE_ENV: "test", TOTP_ENCRYPTION_KEYS: `1:${k1},2:${k2}` });
const v2only = parseConfig({ NODE_ENV: "test", TOTP_ENCRYPTION_KEYS: `2:${k2}` });

describe("TOTP secrets at rest", () => {
  it("are sealed with AES-GCM bound to their user: another user id or a flipped bit cannot open them", () => {
    const keys = authKeys(v1);
    const sealed = sealSecret(keys, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "user-a");
    expect(openSecret(keys, sealed, "user-a")).toBe("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
    expect(() => openSecret(keys, sealed, "user-b")).toThrow();
    const tampered = { ...sealed, ciphertext: new Uint8Array(sealed.ciphertext) };
    tampered.ciphertext[0] = (tampered.ciphertext[0] ?? 0) ^ 1;
    expect(() => openSecret(keys, tampered, "user-a")).toThrow();
  });

  it("move to a new key version by rotation, after which the old key can be dropped", async () => {
    const user = await db.user.create({
      data: { email: "rot@example.org", name: "R", preferredLanguage: "fr", country: "SN", professionalRole: "x" },
    });
    const sealed = sealSecret(authKeys(v1), "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU", user.id);
    await db.totpCredential.create({
      data: {
        userId: user.id,
        secretCiphertext: sealed.ciphertext,
        secretIv: sealed.iv,
        secretTag: sealed.tag,
        keyVersion: sealed.keyVersion,
      },
    });
    expect(authKeys(v1and2).currentTotpVersion).toBe(2);
    expect(await rotateTotpKeys(db, v1and2)).toBe(1);
    expect(await rotateTotpKeys(db, v1and2)).toBe(0);

    const row = await db.totpCredential.findUniqueOrThrow({ where: { userId: user.id } });
    expect(row.keyVersion).toBe(2);
    const stored = {
      ciphertext: row.secretCiphertext,
      iv: row.secretIv,
      tag: row.secretTag,
      keyVersion: row.keyVersion,
    };
    expect(openSecret(authKeys(v2only), stored, user.id)).toBe("KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU");
  });

  it("refuse production without real secrets", () => {
    expect(() => parseConfig({ NODE_ENV: "production" })).toThrow(/JWT_SECRET: required in production/);
    expect(() => parseConfig({ NODE_ENV: "test", TOTP_ENCRYPTION_KEYS: "1:short" })).toThrow(/TOTP_ENCRYPTION_KEYS/);
  });

  it("are checked against the keyring: a missing or wrong key is named, the right one passes", async () => {
    const user = await db.user.create({
      data: { email: "ring@example.org", name: "K", preferredLanguage: "fr", country: "SN", professionalRole: "x" },
    });
    const env = { config: v1 } as AuthEnv; // enrolAuthenticator reads only the keys from env
    await db.$transaction((tx) => enrolAuthenticator(tx, env, user));

    expect(await checkTotpKeyring(db, v1)).toEqual([]);
    expect(await checkTotpKeyring(db, v1and2)).toEqual([]);
    expect(await checkTotpKeyring(db, v2only)).toEqual([
      "TOTP_ENCRYPTION_KEYS has no version 1, which seals stored secrets",
    ]);
    const wrongV1 = parseConfig({ NODE_ENV: "test", TOTP_ENCRYPTION_KEYS: `1:${k2}` });
    expect(await checkTotpKeyring(db, wrongV1)).toEqual([
      "TOTP_ENCRYPTION_KEYS version 1 does not open the secrets sealed with it (wrong key)",
    ]);
  });

  it("never fall back to the public development keys outside development and test", () => {
    const production = { ...parseConfig({ NODE_ENV: "test" }), NODE_ENV: "production" as const };
    expect(() => authKeys(production)).toThrow(/required outside development and test/);
    expect(authKeys(parseConfig({ NODE_ENV: "development" })).currentTotpVersion).toBe(1);
  });
});
