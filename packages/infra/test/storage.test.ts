/**
 * One storage suite, run against both drivers: the local directory and an S3 bucket on a local
 * s3rver (started here, on 127.0.0.1 at a free port). Whole and ranged reads, streamed writes
 * larger than a multipart part, a write that fails midway leaving nothing, moves, listings longer
 * than one page, prefix deletes, missing and invalid keys; then what only the bucket does:
 * presigned read URLs, and the driver chosen by STORAGE_URL.
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type LocalS3, startLocalS3 } from "../../../test/s3rver.ts";
import { ConfigError, parseConfig } from "../src/config.ts";
import { createStorage, type FileStorage, type ListedObject, LocalFileStorage } from "../src/storage.ts";
import { S3_PART_SIZE_BYTES, S3FileStorage } from "../src/storage-s3.ts";
import { parseStorageUrl } from "../src/storage-url.ts";

const MiB = 1024 * 1024;
/** S3's smallest part, so that the multipart test needs only a few MiB. */
const PART = 5 * MiB;
/** Listing pages of 3 objects: a dozen objects take several pages. */
const PAGE = 3;

let s3: LocalS3;
const adminClient = () =>
  new S3Client({
    region: "us-east-1",
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });

beforeAll(async () => {
  s3 = await startLocalS3();
});
afterAll(async () => {
  await s3.close();
});

interface Driver {
  name: string;
  /** A fresh, empty store and its disposal. */
  make(): Promise<{ storage: FileStorage; dispose(): Promise<void> }>;
}

const drivers: Driver[] = [
  {
    name: "local directory",
    make: async () => {
      const root = await mkdtemp(join(tmpdir(), "sira-storage-"));
      return { storage: new LocalFileStorage(root), dispose: () => rm(root, { recursive: true, force: true }) };
    },
  },
  {
    name: "S3 bucket (s3rver)",
    make: async () => {
      // A bucket per test, so that a listing sees only what the test wrote.
      const bucket = `sira-${randomUUID().slice(0, 8)}`;
      const client = adminClient();
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      client.destroy();
      const storage = new S3FileStorage({
        ...parseStorageUrl(s3.settings.STORAGE_URL.replace("sira-test", bucket)),
        credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
        partSizeBytes: PART,
        listPageSize: PAGE,
      });
      return { storage, dispose: () => storage.close() };
    },
  },
];

const bytes = (text: string) => new TextEncoder().encode(text);

async function read(stream: Readable | null): Promise<Buffer> {
  if (!stream) throw new Error("no such object");
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

async function collect(listing: AsyncIterable<ListedObject>): Promise<ListedObject[]> {
  const found: ListedObject[] = [];
  for await (const object of listing) found.push(object);
  return found.sort((a, b) => a.key.localeCompare(b.key));
}

/** `total` pseudo-random bytes in 64 KiB chunks (not a multiple of the part size); throws after `failAfter` bytes. */
async function* generated(total: number, failAfter = Number.POSITIVE_INFINITY): AsyncGenerator<Uint8Array> {
  let sent = 0;
  let seed = 1;
  while (sent < total) {
    if (sent >= failAfter) throw new Error("the client went away");
    const size = Math.min(64 * 1024, total - sent);
    const chunk = Buffer.alloc(size);
    for (let i = 0; i < size; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      chunk[i] = seed >>> 24;
    }
    sent += size;
    yield chunk;
  }
}

async function expected(total: number): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of generated(total)) parts.push(chunk);
  return Buffer.concat(parts);
}

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

describe.each(drivers)("FileStorage on the $name", (driver) => {
  let storage: FileStorage;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ storage, dispose } = await driver.make());
  });
  afterAll(async () => {
    await dispose();
  });
  afterEach(async () => {
    for (const object of await collect(storage.list())) await storage.delete(object.key);
  });

  it("writes bytes and streams, reads them whole, and replaces an object in one piece", async () => {
    expect(await storage.put("docs/a.txt", bytes("first version"))).toEqual({ key: "docs/a.txt", size: 13 });
    expect((await read(await storage.get("docs/a.txt"))).toString()).toBe("first version");
    expect(await storage.stat("docs/a.txt")).toEqual({ key: "docs/a.txt", size: 13 });

    async function* parts() {
      yield bytes("second ");
      yield bytes("version, ");
      yield bytes("streamed");
    }
    expect(await storage.put("docs/a.txt", parts())).toEqual({ key: "docs/a.txt", size: 24 });
    expect((await read(await storage.get("docs/a.txt"))).toString()).toBe("second version, streamed");
    expect(await storage.put("docs/empty", new Uint8Array(0))).toEqual({ key: "docs/empty", size: 0 });
    expect(await read(await storage.get("docs/empty"))).toHaveLength(0);
  });

  it("reads byte ranges, inclusive, and nothing past the end", async () => {
    await storage.put("audio/section.opus", bytes("0123456789abcdef"));
    const range = async (start: number, end: number) =>
      (await read(await storage.get("audio/section.opus", { start, end }))).toString();
    // (s3rver reads `bytes=0-0` as the whole object, so the suite starts at 0-1.)
    expect(await range(0, 1)).toBe("01");
    expect(await range(5, 5)).toBe("5");
    expect(await range(3, 7)).toBe("34567");
    expect(await range(10, 15)).toBe("abcdef");
    expect(await range(14, 99)).toBe("ef");
    expect(await range(16, 20)).toBe("");
  });

  it("streams an upload larger than a multipart part, and reads across the part boundary", async () => {
    const total = 2 * PART + 123_457;
    const written = await storage.put("courses/c/resources/big.pdf", generated(total));
    expect(written).toEqual({ key: "courses/c/resources/big.pdf", size: total });
    expect(await storage.stat("courses/c/resources/big.pdf")).toEqual(written);
    const whole = await expected(total);
    expect(sha256(await read(await storage.get("courses/c/resources/big.pdf")))).toBe(sha256(whole));
    const across = await read(await storage.get("courses/c/resources/big.pdf", { start: PART - 10, end: PART + 9 }));
    expect(across.equals(whole.subarray(PART - 10, PART + 10))).toBe(true);
  });

  it("leaves nothing behind when the source fails midway, and passes the source's own error on", async () => {
    await expect(storage.put("tmp/uploads/broken", generated(3 * PART, PART + 65_536))).rejects.toThrow(
      "the client went away",
    );
    await expect(storage.put("tmp/uploads/small", generated(PART, 65_536))).rejects.toThrow("the client went away");
    expect(await storage.stat("tmp/uploads/broken")).toBeNull();
    expect(await storage.stat("tmp/uploads/small")).toBeNull();
    expect(await collect(storage.list())).toEqual([]);
  });

  it("moves an object, replacing one already at the target; moving a missing object fails", async () => {
    await storage.put("tmp/uploads/one", bytes("the upload"));
    await storage.put("courses/c/resources/doc.pdf", bytes("an older document"));
    expect(await storage.move("tmp/uploads/one", "courses/c/resources/doc.pdf")).toEqual({
      key: "courses/c/resources/doc.pdf",
      size: 10,
    });
    expect(await storage.stat("tmp/uploads/one")).toBeNull();
    expect((await read(await storage.get("courses/c/resources/doc.pdf"))).toString()).toBe("the upload");
    await expect(storage.move("tmp/uploads/gone", "courses/c/resources/other.pdf")).rejects.toThrow();
    expect(await storage.stat("courses/c/resources/other.pdf")).toBeNull();
  });

  it("answers null for a missing object, and deleting one that is not there succeeds", async () => {
    expect(await storage.get("courses/none/file.pdf")).toBeNull();
    expect(await storage.get("courses/none/file.pdf", { start: 0, end: 9 })).toBeNull();
    expect(await storage.stat("courses/none/file.pdf")).toBeNull();
    await expect(storage.delete("courses/none/file.pdf")).resolves.toBeUndefined();
    await expect(storage.deletePrefix("courses/none")).resolves.toBeUndefined();
    expect(await collect(storage.list("courses/none"))).toEqual([]);
  });

  it("lists every object over several pages, under a prefix or all, with sizes and write times", async () => {
    const before = Date.now();
    const keys = Array.from({ length: 11 }, (_, i) => `audio/lesson/opus/${String(i).padStart(2, "0")}.opus`);
    for (const [i, key] of keys.entries()) await storage.put(key, new Uint8Array(i + 1));
    await storage.put("audio/lessons-elsewhere.txt", bytes("not under audio/lesson/"));
    await storage.put("courses/c/media/m.png", new Uint8Array(4));

    const listed = await collect(storage.list("audio/lesson"));
    expect(listed.map(({ key, size }) => ({ key, size }))).toEqual(keys.map((key, i) => ({ key, size: i + 1 })));
    for (const object of listed) {
      // Object stores keep whole seconds.
      expect(object.modifiedAt.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
      expect(object.modifiedAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    }
    expect((await collect(storage.list())).map((o) => o.key)).toEqual(
      [...keys, "audio/lessons-elsewhere.txt", "courses/c/media/m.png"].sort(),
    );
    expect(await collect(storage.list("audio/less"))).toEqual([]);
  });

  it("deletes everything under a prefix, over several pages, and nothing that only shares its first letters", async () => {
    const doomed = Array.from({ length: 8 }, (_, i) => `courses/c1/images/${i}.webp`);
    for (const key of doomed) await storage.put(key, bytes(key));
    await storage.put("courses/c1/resources/r.pdf", bytes("r"));
    await storage.put("courses/c10/resources/r.pdf", bytes("kept"));
    await storage.put("courses/c2.txt", bytes("kept"));
    await storage.deletePrefix("courses/c1");
    expect((await collect(storage.list())).map((o) => o.key)).toEqual([
      "courses/c10/resources/r.pdf",
      "courses/c2.txt",
    ]);
  });

  it("refuses keys outside the store, in every operation", async () => {
    const invalid = ["../escape", "/absolute", "a//b", "a/../b", "a/./b", "", "a b", "a/", "é.txt", "a\\b"];
    for (const key of invalid) {
      await expect(storage.put(key, bytes("x")), key).rejects.toThrow(/invalid storage key/);
      await expect(storage.get(key), key).rejects.toThrow(/invalid storage key/);
      await expect(storage.stat(key), key).rejects.toThrow(/invalid storage key/);
      await expect(storage.delete(key), key).rejects.toThrow(/invalid storage key/);
      await expect(storage.deletePrefix(key), key).rejects.toThrow(/invalid storage key/);
      await expect(storage.move("tmp/x", key), key).rejects.toThrow(/invalid storage key/);
      await expect(storage.move(key, "tmp/x"), key).rejects.toThrow(/invalid storage key/);
      await expect(collect(storage.list(key)), key).rejects.toThrow(/invalid storage key/);
    }
    expect(await collect(storage.list())).toEqual([]);
  });
});

describe("the S3 driver alone", () => {
  let storage: S3FileStorage;
  beforeAll(() => {
    storage = createStorage(parseConfig({ NODE_ENV: "test", ...s3.settings })) as S3FileStorage;
  });
  afterAll(async () => {
    await storage.close();
  });

  it("is what STORAGE_URL chooses, on the bucket it names; the local directory has no presigned URLs", async () => {
    expect(storage).toBeInstanceOf(S3FileStorage);
    expect(storage.bucket).toBe("sira-test");
    await storage.put("courses/c/media/note.txt", bytes("through the factory"));
    expect((await read(await storage.get("courses/c/media/note.txt"))).toString()).toBe("through the factory");
    await storage.delete("courses/c/media/note.txt");
    const local = createStorage(parseConfig({ NODE_ENV: "test", STORAGE_DIR: tmpdir() }));
    expect(local).toBeInstanceOf(LocalFileStorage);
    expect(local.presignedGetUrl).toBeUndefined();
  });

  it("writes a large stream as a multipart upload, a small one in one request", async () => {
    await storage.put("courses/c/resources/parts.pdf", generated(2 * S3_PART_SIZE_BYTES + 1));
    await storage.put("courses/c/resources/whole.pdf", generated(S3_PART_SIZE_BYTES));
    const to = (key: string) => s3.requests.filter((r) => r.includes(`/sira-test/courses/c/resources/${key}?`));
    expect(to("parts.pdf").filter((r) => r.startsWith("POST") && r.includes("?uploads"))).toHaveLength(1);
    expect(to("parts.pdf").filter((r) => r.startsWith("PUT") && r.includes("partNumber="))).toHaveLength(3);
    expect(to("whole.pdf").map((r) => r.split("?")[0])).toEqual(["PUT /sira-test/courses/c/resources/whole.pdf"]);
    expect(await storage.stat("courses/c/resources/parts.pdf")).toMatchObject({ size: 2 * S3_PART_SIZE_BYTES + 1 });
    await storage.deletePrefix("courses/c");
  });

  it("signs GET URLs that serve the object, ranges included, with the headers asked for", async () => {
    await storage.put("audio/l/opus/v1/0.opus", bytes("OggS and some audio"));
    const read = {
      expiresInSeconds: 3600,
      contentType: "audio/ogg",
      contentDisposition: 'inline; filename="lesson-1-0.opus"',
      cacheControl: "private, max-age=31536000, immutable",
    };
    const url = await storage.presignedGetUrl("audio/l/opus/v1/0.opus", read);
    const signed = new URL(url);
    expect(signed.origin).toBe(s3.endpoint);
    expect(signed.pathname).toBe("/sira-test/audio/l/opus/v1/0.opus");
    expect(signed.searchParams.get("X-Amz-Expires")).toBe("3600");
    // The signing time is rounded down to half the lifetime: the same URL for half an hour.
    const signedAt = signed.searchParams.get("X-Amz-Date") ?? "";
    expect(signedAt).toMatch(/^\d{8}T(\d{2})(00|30)00Z$/);
    expect(await storage.presignedGetUrl("audio/l/opus/v1/0.opus", read)).toBe(url);

    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(await whole.text()).toBe("OggS and some audio");
    expect(whole.headers.get("content-type")).toBe("audio/ogg");
    expect(whole.headers.get("cache-control")).toBe(read.cacheControl);
    expect(whole.headers.get("content-disposition")).toBe(read.contentDisposition);
    const part = await fetch(url, { headers: { range: "bytes=5-7" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 5-7/19");
    expect(await part.text()).toBe("and");
    await storage.delete("audio/l/opus/v1/0.opus");
    expect((await fetch(url)).status).toBe(404);
  });
});

describe("STORAGE_URL and the storage settings at start-up", () => {
  const refusal = (env: Record<string, string>) => {
    try {
      parseConfig({ NODE_ENV: "test", ...env });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error("accepted");
  };

  it("reads the bucket, endpoint, region and path style; the local directory when unset", () => {
    expect(parseStorageUrl("s3://media.sira-prod?endpoint=https://abc.r2.cloudflarestorage.com/&region=auto")).toEqual({
      bucket: "media.sira-prod",
      endpoint: "https://abc.r2.cloudflarestorage.com",
      region: "auto",
      forcePathStyle: false,
    });
    expect(parseStorageUrl("s3://sira-media")).toEqual({
      bucket: "sira-media",
      region: "us-east-1",
      forcePathStyle: false,
    });
    const config = parseConfig({ NODE_ENV: "test", STORAGE_URL: "" });
    expect(config.STORAGE_URL).toBeUndefined();
    expect(config.STORAGE_PRESIGNED_MEDIA).toBe(false);
    expect(config.STORAGE_PRESIGNED_TTL_SECONDS).toBe(300);
  });

  it("refuses a malformed STORAGE_URL, saying what is wrong", () => {
    const cases: [string, RegExp][] = [
      ["minio:9000/sira", /STORAGE_URL: uses minio:/],
      ["not a url", /STORAGE_URL: is not a URL/],
      ["https://s3.amazonaws.com/sira", /STORAGE_URL: uses https: \(only s3:\/\/<bucket>/],
      ["s3://Sira_Media", /STORAGE_URL: names the bucket "Sira_Media"/],
      ["s3://ab", /names the bucket "ab"/],
      ["s3://key:secret@sira-media", /must not carry credentials/],
      ["s3://sira-media/uploads", /has a path after the bucket/],
      ["s3://sira-media:9000", /has a port after the bucket/],
      ["s3://sira-media?endpiont=http://127.0.0.1:9000", /unknown parameters endpiont/],
      ["s3://sira-media?endpoint=127.0.0.1:9000", /endpoint=127.0.0.1:9000, which is not an http\(s\) URL/],
      ["s3://sira-media?endpoint=http://127.0.0.1:9000/sira", /with a path/],
      ["s3://sira-media?region=EU%20West", /region=EU West/],
      ["s3://sira-media?force_path_style=yes", /force_path_style=yes \(true or false\)/],
      ["s3://sira-media?region=a&region=b", /gives region more than once/],
    ];
    for (const [url, message] of cases) expect(refusal({ STORAGE_URL: url }), url).toMatch(message);
  });

  it("refuses half a key pair, and presigned media without a bucket", () => {
    expect(refusal({ ...s3.settings, STORAGE_S3_SECRET_ACCESS_KEY: "" })).toMatch(
      /STORAGE_S3_ACCESS_KEY_ID, STORAGE_S3_SECRET_ACCESS_KEY: set both or neither/,
    );
    expect(refusal({ STORAGE_PRESIGNED_MEDIA: "true" })).toMatch(/STORAGE_PRESIGNED_MEDIA: needs STORAGE_URL/);
    expect(refusal({ ...s3.settings, STORAGE_PRESIGNED_MEDIA: "yes" })).toMatch(
      /STORAGE_PRESIGNED_MEDIA: must be true or false/,
    );
    expect(refusal({ ...s3.settings, STORAGE_PRESIGNED_TTL_SECONDS: "86400" })).toMatch(
      /STORAGE_PRESIGNED_TTL_SECONDS/,
    );
    const config = parseConfig({ NODE_ENV: "test", ...s3.settings, STORAGE_PRESIGNED_MEDIA: "true" });
    expect(config.STORAGE_PRESIGNED_MEDIA).toBe(true);
  });
});
