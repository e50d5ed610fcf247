/** `pnpm db:migrate`: creates the database if needed, applies pending migrations, and prewarms retrieval's relations. */
import { fileURLToPath } from "node:url";
import { loadConfigOrExit } from "@sira/infra/config";
import { describePrewarm, migrateAndPrewarm } from "./lib/migrate.ts";

process.env.SIRA_SERVICE ??= "sira-migrate";
const { DATABASE_URL } = loadConfigOrExit();
const dir = fileURLToPath(new URL("../prisma/migrations", import.meta.url));
const { created, applied, prewarm } = await migrateAndPrewarm(DATABASE_URL, dir, {
  onWait: () => console.log("another migration holds the lock: waiting for it to finish"),
});
if (created) console.log("created database");
console.log(
  applied.length ? `applied ${applied.length} migration(s): ${applied.join(", ")}` : "database is up to date",
);
console.log(describePrewarm(prewarm));
