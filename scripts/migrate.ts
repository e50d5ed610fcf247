/** `pnpm db:migrate`: creates the database if needed and applies pending migrations. */
import { fileURLToPath } from "node:url";
import { loadConfigOrExit } from "@sira/infra/config";
import { ensureDatabase, migrate } from "@sira/infra/migrator";

process.env.SIRA_SERVICE ??= "sira-migrate";
const { DATABASE_URL } = loadConfigOrExit();
const dir = fileURLToPath(new URL("../prisma/migrations", import.meta.url));
if (await ensureDatabase(DATABASE_URL)) console.log("created database");
const applied = await migrate(DATABASE_URL, dir, {
  onWait: () => console.log("another migration holds the lock: waiting for it to finish"),
});
console.log(
  applied.length ? `applied ${applied.length} migration(s): ${applied.join(", ")}` : "database is up to date",
);
