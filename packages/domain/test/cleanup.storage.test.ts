/**
 * Storage cleanup on the real database and a storage directory of its own: objects the product
 * wrote and rows name are kept however old; objects no row names go once past the grace period;
 * temporary uploads go after an hour; a second run removes nothing. The list of key columns is
 * checked against the schema, so a new key column cannot be forgotten.
 */
import { mkdtemp, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalFileStorage } from "@sira/infra";
import { truncateAll } from "@sira/infra/testing";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { cleanStorage, referencedStorageKeys, STORAGE_KEY_COLUMNS } from "../src/cleanup/index.ts";
import { indexResourceImages, uploadCourseResource } from "../src/resources/index.ts";
import { buildTestPdf } from "./fixtures/pdf.ts";
import { makeUser } from "./fixtures/users.ts";
import { makeCourse, resourceTestDeps, SAMPLE_TEXT, streamOf } from "./resources/helpers.ts";

const base = resourceTestDeps();
let root: string;
let deps: typeof base & { config: typeof base.config };
const HOUR = 3_600_000;

beforeEach(async () => {
  await truncateAll(process.env.DATABASE_URL as string);
  if (root) await rm(root, { recursive: true, force: true });
  root = await mkdtemp(join(tmpdir(), "sira-cleanup-"));
  deps = { ...base, storage: new LocalFileStorage(root), config: { ...base.config, STORAGE_ORPHAN_GRACE_HOURS: 24 } };
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await base.close();
});

/** Sets a stored object's modification time `ms` in the past. */
async function age(key: string, ms: number): Promise<void> {
  const at = new Date(Date.now() - ms);
  await utimes(join(root, key), at, at);
}

async function write(key: string, agedMs: number): Promise<string> {
  await deps.storage.put(key, new TextEncoder().encode(`bytes of ${key}`));
  await age(key, agedMs);
  return key;
}

async function keys(): Promise<string[]> {
  const found: string[] = [];
  for await (const object of deps.storage.list()) found.push(object.key);
  return found.sort();
}

/** A course document with two pictures, uploaded and its images extracted by the product's code. */
async function illustratedDocument() {
  const admin = { userId: await makeUser(deps.db, "admin"), role: "admin" as const };
  const courseId = await makeCourse(deps.db);
  const pdf = await buildTestPdf({
    pages: [
      { text: [SAMPLE_TEXT.fr], image: { width: 640, height: 400, seed: 3 } },
      { text: [SAMPLE_TEXT.en], image: { width: 320, height: 240, seed: 4 } },
    ],
  });
  const res = await uploadCourseResource(
    deps,
    admin,
    { courseId, filename: "atlas.pdf", content: streamOf(pdf) },
    { requestId: null, ip: null },
  );
  expect(await indexResourceImages(deps, res.id)).toMatchObject({ status: "done", added: 2 });
  return { courseId, resourceId: res.id };
}

describe("cleanStorage", () => {
  it("removes old objects no row names and never one a row names, however old; a second run removes nothing", async () => {
    const { courseId, resourceId } = await illustratedDocument();
    const referenced = [...(await referencedStorageKeys(deps.db))].sort();
    // The document, two images and their two thumbnails.
    expect(referenced).toHaveLength(5);
    expect(await keys()).toEqual(referenced);
    for (const key of referenced) await age(key, 30 * 24 * HOUR);

    const orphans = [
      await write(`courses/${courseId}/resources/${"a".repeat(64)}.pdf`, 48 * HOUR),
      await write(`courses/${courseId}/images/${resourceId}/${"b".repeat(16)}.webp`, 25 * HOUR),
      await write(`audio/${crypto.randomUUID()}/espeak-ng_fr/opus/v1/0-${"c".repeat(16)}.opus`, 48 * HOUR),
      // A write that crashed before its rename leaves its temporary file.
      await write(`courses/${courseId}/media/.${crypto.randomUUID()}.part`, 48 * HOUR),
    ];
    const young = await write(`courses/${courseId}/media/${crypto.randomUUID()}.png`, 23 * HOUR);
    const elsewhere = await write("exports/report.csv", 48 * HOUR);

    const first = await cleanStorage(deps);
    expect(first).toMatchObject({ scanned: 11, tempUploads: 0, orphans: 4, referenced: 5 });
    expect(first.bytes).toBeGreaterThan(0);
    expect(await keys()).toEqual([...referenced, young, elsewhere].sort());
    for (const key of orphans) expect(await deps.storage.stat(key)).toBeNull();

    expect(await cleanStorage(deps)).toEqual({ scanned: 7, tempUploads: 0, orphans: 0, bytes: 0, referenced: 5 });

    // Past the grace period, the young orphan goes too; the named objects still stay.
    const later = await cleanStorage(deps, new Date(Date.now() + 2 * HOUR));
    expect(later).toMatchObject({ orphans: 1 });
    expect(await keys()).toEqual([...referenced, elsewhere].sort());
  });

  it("keeps an object whose row commits while the run is going (checked again before removal)", async () => {
    const { courseId } = await illustratedDocument();
    const key = await write(`courses/${courseId}/resources/${"d".repeat(64)}.pdf`, 48 * HOUR);
    // The referenced-key set is read first; the row naming the object commits during the listing.
    const listing = deps.storage.list.bind(deps.storage);
    let named = false;
    const racing = {
      ...deps,
      storage: Object.assign(Object.create(deps.storage), {
        async *list(prefix?: string) {
          if (!named) {
            named = true;
            const other = await deps.db.courseResource.findFirstOrThrow();
            await deps.db.courseResource.update({ where: { id: other.id }, data: { storageKey: key } });
          }
          yield* listing(prefix);
        },
      }),
    };
    const report = await cleanStorage(racing);
    expect(report.orphans).toBe(0);
    expect(await deps.storage.stat(key)).not.toBeNull();
  });

  it("removes temporary uploads older than an hour, whatever the grace period", async () => {
    const old = await write(`tmp/uploads/${crypto.randomUUID()}`, 61 * 60_000);
    const current = await write(`tmp/uploads/${crypto.randomUUID()}`, 30 * 60_000);
    const report = await cleanStorage(deps);
    expect(report).toMatchObject({ scanned: 2, tempUploads: 1, orphans: 0 });
    expect(await keys()).toEqual([current]);
    expect(await deps.storage.stat(old)).toBeNull();
    expect(await cleanStorage(deps)).toMatchObject({ tempUploads: 0, orphans: 0 });
  });

  it("knows every column of the schema that holds a storage key", async () => {
    const notStorageKeys = ["idempotency_key", "concept_key", "client_key"];
    const columns = await deps.db.$queryRaw<{ name: string }[]>`
      SELECT table_name || '.' || column_name AS name FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name LIKE '%\\_key' AND NOT (column_name = ANY(${notStorageKeys}::text[]))`;
    const known = STORAGE_KEY_COLUMNS.filter((c) => !("jsonArrayField" in c)).map((c) => `${c.table}.${c.column}`);
    expect(columns.map((c) => c.name).sort()).toEqual([...known].sort());
  });
});
