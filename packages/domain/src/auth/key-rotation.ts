/** Re-seals TOTP secrets under the newest key version, so an old key can then be retired. */
import type { Config } from "@sira/infra/config";
import type { Db } from "@sira/infra/db";
import { openSecret, sealSecret } from "./crypto.ts";
import { authKeys } from "./keys.ts";

/** Re-encrypts every credential not sealed with the current key; returns how many moved. */
export async function rotateTotpKeys(db: Db, config: Config, batchSize = 500): Promise<number> {
  const keys = authKeys(config);
  let moved = 0;
  for (;;) {
    const batch = await db.totpCredential.findMany({
      where: { keyVersion: { not: keys.currentTotpVersion } },
      take: batchSize,
    });
    if (batch.length === 0) return moved;
    for (const row of batch) {
      const secret = openSecret(
        keys,
        { ciphertext: row.secretCiphertext, iv: row.secretIv, tag: row.secretTag, keyVersion: row.keyVersion },
        row.userId,
      );
      const sealed = sealSecret(keys, secret, row.userId);
      // Conditional on the row being unchanged, so a concurrent re-enrolment is never overwritten.
      const { count } = await db.totpCredential.updateMany({
        where: { id: row.id, keyVersion: row.keyVersion, updatedAt: row.updatedAt },
        data: {
          secretCiphertext: sealed.ciphertext,
          secretIv: sealed.iv,
          secretTag: sealed.tag,
          keyVersion: sealed.keyVersion,
        },
      });
      moved += count;
    }
  }
}

/**
 * Proves the configured keyring opens the stored TOTP secrets: one credential per key version in
 * use must open. Returns what is wrong (empty when sound), so a wrong or missing key stops the
 * process at start-up instead of failing every sign-in.
 */
export async function checkTotpKeyring(db: Db, config: Config): Promise<string[]> {
  const keys = authKeys(config);
  const versions = await db.totpCredential.groupBy({ by: ["keyVersion"], orderBy: { keyVersion: "asc" } });
  const problems: string[] = [];
  for (const { keyVersion } of versions) {
    if (!keys.totpKeys.has(keyVersion)) {
      problems.push(`TOTP_ENCRYPTION_KEYS has no version ${keyVersion}, which seals stored secrets`);
      continue;
    }
    const row = await db.totpCredential.findFirstOrThrow({ where: { keyVersion } });
    try {
      openSecret(
        keys,
        { ciphertext: row.secretCiphertext, iv: row.secretIv, tag: row.secretTag, keyVersion },
        row.userId,
      );
    } catch {
      problems.push(`TOTP_ENCRYPTION_KEYS version ${keyVersion} does not open the secrets sealed with it (wrong key)`);
    }
  }
  return problems;
}
