/**
 * The keys auth needs, from settings. Only NODE_ENV=development or test may run on the fixed public
 * defaults; anywhere else a missing key is refused here too (packages/infra config already fails fast).
 */
import { createHash } from "node:crypto";
import { type Config, usesDevelopmentDefaults } from "@sira/infra/config";

export interface AuthKeys {
  jwtKey: Uint8Array;
  issuer: string;
  audience: string;
  totpKeys: Map<number, Buffer>;
  currentTotpVersion: number;
  pepper: Buffer;
}

const publicDevKey = (label: string) => createHash("sha256").update(`sira-development-only:${label}`).digest();

function devKey(config: Config, setting: string, label: string): Buffer {
  if (!usesDevelopmentDefaults(config)) throw new Error(`${setting} is required outside development and test`);
  return publicDevKey(label);
}

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
      : new Map([[1, devKey(config, "TOTP_ENCRYPTION_KEYS", "totp")]]);
    keys = {
      jwtKey: new TextEncoder().encode(config.JWT_SECRET ?? devKey(config, "JWT_SECRET", "jwt").toString("hex")),
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      totpKeys,
      currentTotpVersion: Math.max(...totpKeys.keys()),
      pepper: config.HASH_PEPPER ? Buffer.from(config.HASH_PEPPER) : devKey(config, "HASH_PEPPER", "pepper"),
    };
    cache.set(config, keys);
  }
  return keys;
}
