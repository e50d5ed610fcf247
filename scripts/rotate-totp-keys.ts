/** `pnpm auth:rotate-totp-keys`: re-seals every TOTP secret with the highest TOTP_ENCRYPTION_KEYS version. */
import { rotateTotpKeys } from "@sira/domain";
import { loadConfig } from "@sira/infra";
import { db, disconnectDb } from "@sira/infra/db";

const moved = await rotateTotpKeys(db(), loadConfig());
console.log(`re-sealed ${moved} TOTP secret(s) with the current key`);
await disconnectDb();
