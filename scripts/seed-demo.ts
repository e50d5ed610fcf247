/** `pnpm seed:demo`: loads the demo data and the demo courses' documents into DATABASE_URL (idempotent). */
import { DemoSeedRefused, seedDemo, seedDemoDocuments } from "@sira/demo";
import { closeQueues, createStorage, loadConfigOrExit, logger } from "@sira/infra";
import { db, disconnectDb } from "@sira/infra/db";

const config = loadConfigOrExit();
const log = logger();
const result = await seedDemo(db(), config).catch(async (error: unknown) => {
  if (!(error instanceof DemoSeedRefused)) throw error;
  log.fatal(error.message);
  await disconnectDb();
  process.exit(1);
});
const documents = await seedDemoDocuments({ db: db(), storage: createStorage(config), config, logger: log }, result);
log.info({ courses: Object.keys(result.courseIds), curriculum: result.curriculumId, documents }, "demo data loaded");
// Codes are stored as keyed hashes: this first run is the only one that can show them.
if (result.codes.length) log.info({ codes: result.codes }, "demo activation codes (shown once)");
await closeQueues();
await disconnectDb();
