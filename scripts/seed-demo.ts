/** `pnpm seed:demo`: loads the demo data into DATABASE_URL (idempotent). */
import { seedDemo } from "@sira/domain";
import { loadConfig, logger } from "@sira/infra";
import { db, disconnectDb } from "@sira/infra/db";

const result = await seedDemo(db(), loadConfig());
logger().info({ courses: Object.keys(result.courseIds), curriculum: result.curriculumId }, "demo data loaded");
await disconnectDb();
