/**
 * `pnpm admin:create --email a@b.org [--name "…"] [--country SN] [--language fr] [--reenrol]`:
 * creates the first administrator and prints the authenticator enrolment and backup codes, once.
 */
import { parseArgs } from "node:util";
import { createAdmin, createMailer, createUsageRecorder, redisSessionDenylist } from "@sira/domain";
import { createRedis, loadConfig, logger } from "@sira/infra";
import { db, disconnectDb } from "@sira/infra/db";

const { values } = parseArgs({
  options: {
    email: { type: "string" },
    name: { type: "string", default: "Administrator" },
    country: { type: "string", default: "SN" },
    language: { type: "string", default: "fr" },
    reenrol: { type: "boolean", default: false },
  },
});
if (!values.email) {
  console.error(
    'usage: pnpm admin:create --email admin@example.org [--name "…"] [--country SN] [--language fr|en] [--reenrol]',
  );
  process.exit(2);
}
const config = loadConfig();
const log = logger();
// A re-enrolment ends the account's sessions, whose access tokens are then refused through Redis.
const redis = createRedis(config.REDIS_URL);
const env = {
  db: db(),
  config,
  logger: log,
  mailer: createMailer({ config, db: db(), logger: log }),
  denylist: redisSessionDenylist(redis, config, log, db()),
  meta: { ip: null, userAgent: "admin:create", requestId: null, now: new Date() },
  usage: createUsageRecorder(db(), log, config),
};
try {
  const enrolment = await createAdmin(
    env,
    {
      email: values.email.trim().toLowerCase(),
      name: values.name,
      country: values.country.toUpperCase(),
      preferredLanguage: values.language === "en" ? "en" : "fr",
    },
    values.reenrol,
  );
  console.log(`Administrator ${values.email} created. Add this to an authenticator app, then confirm with`);
  console.log("POST /api/v1/auth/totp/confirm {email, code}.\n");
  console.log(`  secret:      ${enrolment.totp.secret}`);
  console.log(`  otpauth URI: ${enrolment.totp.otpauth_uri}\n`);
  console.log("Backup codes (each works once; store them offline):");
  for (const code of enrolment.backup_codes) console.log(`  ${code}`);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await env.usage.close();
  redis.disconnect();
  await disconnectDb();
}
