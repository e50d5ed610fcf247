/**
 * Storage cleanup (decision 0047): temporary upload objects left by a request that died between
 * writing and moving them, and stored objects no row names any more. Every object is written
 * before the row that names it commits, so only objects older than a grace period are candidates,
 * and each batch of candidates is checked against the database again just before it is removed.
 */
import type { Config, FileStorage, ListedObject } from "@sira/infra";
import { type Db, Prisma } from "@sira/infra/db";

/** Where an upload streams before its checks pass (`resources/upload.ts`, `receiveUpload`). */
export const TEMP_UPLOAD_PREFIX = "tmp/uploads";
/** A temporary upload lives for one request; one this old belongs to a request long gone. */
export const TEMP_UPLOAD_MAX_AGE_MS = 60 * 60_000;

/**
 * The top-level folders whose objects are named by rows: course documents, extracted and generated
 * images and module media under `courses/<course>/`, lesson audio under `audio/<content>/`. An
 * object anywhere else is never removed by this job.
 */
export const MANAGED_PREFIXES = ["courses", "audio"] as const;

/**
 * Every column that holds a storage key; `sections` is a JSONB array whose elements carry a `key`.
 * A new key column must be added here, or its objects are removed as orphans once past the grace
 * period (`packages/domain/test/cleanup.storage.test.ts` compares this list with the schema).
 */
export const STORAGE_KEY_COLUMNS = [
  { table: "course_resources", column: "storage_key" },
  { table: "source_image", column: "storage_key" },
  { table: "source_image", column: "thumbnail_key" },
  { table: "generated_image", column: "storage_key" },
  { table: "generated_image", column: "thumbnail_key" },
  { table: "module_media", column: "storage_key" },
  { table: "module_media", column: "thumbnail_key" },
  { table: "generated_audio", column: "storage_key" },
  { table: "generated_audio", column: "sections", jsonArrayField: "key" },
] as const satisfies readonly { table: string; column: string; jsonArrayField?: string }[];

/** Candidates checked against the database and removed together. */
const DELETE_BATCH = 500;

export interface StorageCleanupDeps {
  db: Db;
  storage: FileStorage;
  config: Pick<Config, "STORAGE_ORPHAN_GRACE_HOURS">;
}

export interface StorageCleanupReport {
  /** Objects listed. */
  scanned: number;
  /** Temporary uploads older than an hour, removed. */
  tempUploads: number;
  /** Objects no row names, older than the grace period, removed. */
  orphans: number;
  /** Bytes freed by both. */
  bytes: number;
  /** Keys the database names (the size of the referenced-key set). */
  referenced: number;
}

const IDENTIFIER = /^[a-z_]+$/;

/** One SELECT per key column, as `key`; identifiers come from the constant list above. */
function keySelects(): Prisma.Sql[] {
  return STORAGE_KEY_COLUMNS.map((c) => {
    if (![c.table, c.column].every((name) => IDENTIFIER.test(name)))
      throw new Error(`bad column ${c.table}.${c.column}`);
    const table = Prisma.raw(c.table);
    const column = Prisma.raw(c.column);
    if ("jsonArrayField" in c) {
      return Prisma.sql`SELECT element->>${c.jsonArrayField} AS key FROM ${table}
        CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(${column}) = 'array' THEN ${column} ELSE '[]'::jsonb END) AS element`;
    }
    return Prisma.sql`SELECT ${column} AS key FROM ${table}`;
  });
}

/**
 * Every key some row names, in one query (a UNION ALL over the key columns). Held in memory: about
 * 200 bytes a key, so a million stored objects cost some 200 MB (decision 0047 says how to scale).
 */
export async function referencedStorageKeys(db: Db): Promise<Set<string>> {
  const rows = await db.$queryRaw<{ key: string }[]>`
    SELECT DISTINCT key FROM (${Prisma.join(keySelects(), " UNION ALL ")}) AS keys WHERE key IS NOT NULL`;
  return new Set(rows.map((row) => row.key));
}

/** Which of these keys some row names now (the same query, limited to the candidates). */
async function stillReferenced(db: Db, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db.$queryRaw<{ key: string }[]>`
    SELECT DISTINCT key FROM (${Prisma.join(keySelects(), " UNION ALL ")}) AS keys WHERE key = ANY(${keys}::text[])`;
  return new Set(rows.map((row) => row.key));
}

function isManaged(key: string): boolean {
  const top = key.split("/", 1)[0];
  return (MANAGED_PREFIXES as readonly string[]).includes(top ?? "");
}

/**
 * Removes temporary uploads older than an hour, and objects under the managed folders that no row
 * names and that are older than `STORAGE_ORPHAN_GRACE_HOURS`. Safe to run twice and while the API
 * and the worker write: a young object is never a candidate, and a candidate a row names by the
 * time its batch is checked is kept.
 */
export async function cleanStorage(deps: StorageCleanupDeps, now = new Date()): Promise<StorageCleanupReport> {
  const { db, storage } = deps;
  const tempBefore = now.getTime() - TEMP_UPLOAD_MAX_AGE_MS;
  const orphanBefore = now.getTime() - deps.config.STORAGE_ORPHAN_GRACE_HOURS * 3_600_000;
  const referenced = await referencedStorageKeys(db);
  const report: StorageCleanupReport = {
    scanned: 0,
    tempUploads: 0,
    orphans: 0,
    bytes: 0,
    referenced: referenced.size,
  };

  let candidates: ListedObject[] = [];
  const removeCandidates = async () => {
    const batch = candidates;
    candidates = [];
    const named = await stillReferenced(
      db,
      batch.map((object) => object.key),
    );
    for (const object of batch) {
      if (named.has(object.key)) continue;
      await storage.delete(object.key);
      report.orphans += 1;
      report.bytes += object.size;
    }
  };

  for await (const object of storage.list()) {
    report.scanned += 1;
    const written = object.modifiedAt.getTime();
    if (object.key.startsWith(`${TEMP_UPLOAD_PREFIX}/`)) {
      if (written < tempBefore) {
        await storage.delete(object.key);
        report.tempUploads += 1;
        report.bytes += object.size;
      }
      continue;
    }
    if (!isManaged(object.key) || written >= orphanBefore || referenced.has(object.key)) continue;
    candidates.push(object);
    if (candidates.length >= DELETE_BATCH) await removeCandidates();
  }
  await removeCandidates();
  return report;
}
