/**
 * Per vitest worker: its own database (copied from the template), its own Redis database number
 * and queue prefix, so test files run in parallel without seeing each other.
 */
import { workerDatabase } from "@sira/infra/testing";

const workerId = process.env.VITEST_POOL_ID ?? "1";
const base =
  process.env.DATABASE_URL_BASE ?? process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
process.env.DATABASE_URL_BASE = base;
process.env.DATABASE_URL = await workerDatabase(base, workerId);
const redisBase = new URL(process.env.REDIS_URL_BASE ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
process.env.REDIS_URL_BASE = redisBase.toString();
redisBase.pathname = `/${(Number(workerId) % 15) + 1}`;
process.env.REDIS_URL = redisBase.toString();
process.env.QUEUE_PREFIX = `sira-test-${process.env.SIRA_TEST_RUN}-${workerId}`;
process.env.JWT_SECRET ??= "test-secret-test-secret-test-secret-0123";
process.env.STORAGE_DIR = `${(await import("node:os")).tmpdir()}/sira-test-${process.env.SIRA_TEST_RUN}-${workerId}/storage`;
