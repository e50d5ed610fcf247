/**
 * The keys auth needs, from settings. Development and tests run on fixed public defaults, which
 * production refuses (packages/infra config fails fast without the real ones).
 */
import { createHash } from "node:crypto";
import type { Config } from "@sira/infra/config";

export interface AuthKeys {
  jwtKey: Uint8Array;
  issuer: string;
  audience: string;
  totpKeys: Map<number, Buffer>;
  currentTotpVersion: number;
  pepper: Buffer;
}

const devKey = (label: string) => createHash("sha256").update(`sira-development-only:${label}`).digest();

const cache = new WeakMap<Config, AuthKeys>();

/** Parses `1:base64,2:base64` into versioned 32-byte keys. */
export function parseKeyring(spec: string): Map<number, Buffer> {
  const ring = new Map<number, Buffer>();
  for (const pair of spec.split(",")) {
    const [version, key] = pair.split(":");
    const bytes = Buffer.from(key ?? "", "base64");
    if (bytes.length !== 32) throw new Error(`TOTP key version ${version} is not 32 bytes`);
    ring.set(Number(version), bytes);
  }
  return ring;
}

export function authKeys(config: Config): AuthKeys {
  let keys = cache.get(config);
  if (!keys) {
    const totpKeys = config.TOTP_ENCRYPTION_KEYS
      ? parseKeyring(config.TOTP_ENCRYPTION_KEYS)
      : new Map([[1, devKey("totp")]]);
    keys = {
      jwtKey: new TextEncoder().encode(config.JWT_SECRET ?? devKey("jwt").toString("hex")),
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      totpKeys,
      currentTotpVersion: Math.max(...totpKeys.keys()),
      pepper: config.HASH_PEPPER ? Buffer.from(config.HASH_PEPPER) : devKey("pepper"),
    };
    cache.set(config, keys);
  }
  return keys;
}
