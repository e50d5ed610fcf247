/**
 * The documented backup is the tested one: a database loaded by the demo seed, its documents
 * indexed by the indexing job, is dumped by scripts/backup.sh and restored into a fresh database by
 * scripts/restore.sh. Every table comes back row for row, both vector search paths find the same
 * passages in the restored chunks, and the API started on the restore signs the demo learner in
 * with the authenticator code, serves the catalogue, the credits and the seeded enrollment, and
 * takes new writes.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  DEMO_COURSES,
  DEMO_LEARNER_CREDITS,
  DEMO_TOTP_SECRETS,
  DEMO_USERS,
  seedDemo,
  seedDemoDocuments,
} from "@sira/demo";
import { indexResource } from "@sira/domain";
import { closeQueues, createLogger, createStorage, parseConfig } from "@sira/infra";
import { createDb, type Db } from "@sira/infra/db";
import { dropDatabase, truncateAll, withDatabase } from "@sira/infra/testing";
import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAiProviders, createRetriever } from "../packages/ai/src/index.ts";
import { callJson } from "./e2e/http.ts";
import { freePort, type Service, startService, waitFor } from "./e2e/processes.ts";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
const base = process.env.DATABASE_URL_BASE ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const restoredName = `sira_test_${process.env.SIRA_TEST_RUN}_restored_${process.env.VITEST_POOL_ID ?? "1"}`;
const restoredUrl = withDatabase(base, restoredName);
const sourceUrl = process.env.DATABASE_URL as string;

const config = parseConfig(process.env);
const logger = createLogger("test", "silent");
const source = createDb({ url: sourceUrl });
let restored: Db;
let dir: string;
let dump: string;
let api: Service | undefined;
let courseIds: Record<string, string>;

/** Rows per application table (and the migrations ledger), read with exact counts. */
async function rowCounts(db: Db): Promise<Record<string, number>> {
  // query_to_xml runs one count per table inside the server, so no statement text is built here.
  const rows = await db.$queryRaw<{ name: string; n: number }[]>`
    SELECT tablename AS name,
           (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I', tablename), false, true, '')))[1]::text::int AS n
    FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`;
  return Object.fromEntries(rows.map((r) => [r.name, r.n]));
}

beforeAll(async () => {
  await truncateAll(sourceUrl);
  await dropDatabase(base, restoredName);
  dir = await mkdtemp(join(tmpdir(), "sira-backup-"));
  dump = join(dir, "sira.dump");

  // The product's own paths: the demo seed, its documents uploaded as an admin would, and the
  // indexing job's body for each (chunks with their half-precision embeddings and bits).
  const ai = createAiProviders({ config, db: source, logger });
  const storage = createStorage(config);
  const seeded = await seedDemo(source, config);
  courseIds = seeded.courseIds;
  const documents = await seedDemoDocuments({ db: source, storage, config, logger }, seeded);
  for (const { resourceId } of documents) {
    expect(await indexResource({ db: source, storage, config, logger, ai }, resourceId)).toMatchObject({
      status: "done",
    });
  }
}, 120_000);

afterAll(async () => {
  await api?.stop();
  await restored?.$disconnect();
  await source.$disconnect();
  await closeQueues();
  await dropDatabase(base, restoredName);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("scripts/backup.sh and scripts/restore.sh", () => {
  it("dump the seeded database and restore every row of it into a fresh database", async () => {
    const backup = await run("bash", ["scripts/backup.sh", dump], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: sourceUrl },
    });
    expect(backup.stdout.trim()).toBe(dump);

    const restore = await run("bash", ["scripts/restore.sh", dump, restoredUrl], { cwd: root, env: process.env });
    expect(restore.stdout).toContain(`restored ${dump} into ${restoredName}`);
    restored = createDb({ url: restoredUrl });

    const before = await rowCounts(source);
    expect(before.document_chunks).toBeGreaterThan(0);
    expect(before.users).toBe(Object.keys(DEMO_USERS).length);
    expect(await rowCounts(restored)).toEqual(before);
  });

  it("refuses to restore over an existing database, and leaves it as it was", async () => {
    const again = run("bash", ["scripts/restore.sh", dump, restoredUrl], { cwd: root, env: process.env });
    await expect(again).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining("already exists") });
    expect((await rowCounts(restored)).users).toBe(Object.keys(DEMO_USERS).length);
  });

  it("restores the vector data: both search paths find the same passages as in the source", async () => {
    const courseId = courseIds["sante-publique-epidemiologie"] as string;
    const question = { courseId, topK: 3, language: "fr" as const };
    for (const mode of ["quantized", "index"] as const) {
      const search = async (db: Db) =>
        (
          await createRetriever(db, createAiProviders({ config, db, logger }).embedder).search(
            "Comment mesurer l'incidence d'une maladie ?",
            { ...question, mode },
          )
        ).map((c) => [c.id, c.score.toFixed(6)]);
      const found = await search(restored);
      expect(found.length, mode).toBeGreaterThan(0);
      expect(found, mode).toEqual(await search(source));
    }
  });

  it("serves the restored data through the API: the demo learner signs in, reads and writes", async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    api = startService("api", {
      DATABASE_URL: restoredUrl,
      REDIS_URL: process.env.REDIS_URL as string,
      QUEUE_PREFIX: process.env.QUEUE_PREFIX as string,
      STORAGE_DIR: config.STORAGE_DIR,
      PORT: String(port),
      WEB_CONCURRENCY: "1",
    });
    await waitFor(`${origin}/health`, api);

    const learner = DEMO_USERS.learner;
    const login = await callJson<{ access_token: string }>(origin, "/api/v1/auth/login", {
      method: "POST",
      body: JSON.stringify({
        email: learner.email,
        code: await generate({ secret: DEMO_TOTP_SECRETS[learner.email] as string }),
      }),
    });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    const as = { headers: { authorization: `Bearer ${login.body.access_token}` } };

    const catalog = await callJson<{ items: { slug: string }[] }>(origin, "/api/v1/courses", as);
    expect(catalog.body.items.map((c) => c.slug).sort()).toEqual(DEMO_COURSES.map((c) => c.slug).sort());
    const balance = await callJson<{ balance: number }>(origin, "/api/v1/credits/balance", as);
    expect(balance.body.balance).toBe(DEMO_LEARNER_CREDITS);

    const free = DEMO_COURSES.find((c) => c.priceCredits === 0) as (typeof DEMO_COURSES)[number];
    const enrolled = async () =>
      (
        await callJson<{ items: { status: string; course: { slug: string } }[] }>(
          origin,
          "/api/v1/courses/my-enrollments",
          as,
        )
      ).body.items.map((e) => `${e.course.slug}: ${e.status}`);
    // The seed's enrollment came back; leaving and re-joining writes to the restored database.
    expect(await enrolled()).toContain(`${free.slug}: active`);
    const course = `/api/v1/courses/${courseIds[free.slug]}`;
    expect((await callJson(origin, `${course}/unenroll`, { method: "POST", ...as })).status).toBe(200);
    expect(await enrolled()).toContain(`${free.slug}: dropped`);
    expect((await callJson(origin, `${course}/enroll`, { method: "POST", ...as })).status).toBe(200);
    expect(await enrolled()).toContain(`${free.slug}: active`);
  });
});
