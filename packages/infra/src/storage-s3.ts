/**
 * The FileStorage of an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2…), through the AWS SDK
 * v3 (decision 0058). An object appears whole or not at all: a small put is one PutObject, a
 * larger stream a multipart upload completed only when every part is in. A move is a server-side
 * copy then a delete. The SDK is loaded on first use, so processes on the local directory never
 * pay for it.
 */
import { Readable } from "node:stream";
import type { GetObjectCommandInput, S3Client } from "@aws-sdk/client-s3";
import {
  assertStorageKey,
  type ByteRange,
  type FileStorage,
  type ListedObject,
  type PresignedRead,
  type StoredObject,
} from "./storage.ts";
import type { S3Location } from "./storage-url.ts";

export interface S3StorageOptions extends S3Location {
  /** Unset: the SDK's default chain (AWS_ACCESS_KEY_ID…, profiles, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Bytes per part of a multipart upload (at least 5 MiB, S3's minimum); smaller streams are one PutObject. */
  partSizeBytes?: number;
  /** Parts of one upload in flight at once; one upload holds up to (this + 1) parts in memory. */
  partsInFlight?: number;
  /** Objects per listing request (S3's maximum, 1000, by default; smaller in tests). */
  listPageSize?: number;
}

/** 8 MiB parts, two in flight: a 50 MiB document is 7 parts and an upload holds at most 24 MiB. */
export const S3_PART_SIZE_BYTES = 8 * 1024 * 1024;
const S3_PARTS_IN_FLIGHT = 2;
/** DeleteObjects takes at most 1000 keys. */
const DELETE_BATCH = 1000;

type Sdk = typeof import("@aws-sdk/client-s3");

function isMissing(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.$metadata?.httpStatusCode === 404 || e?.name === "NoSuchKey" || e?.name === "NotFound";
}

export class S3FileStorage implements FileStorage {
  readonly bucket: string;
  private readonly options: S3StorageOptions;
  private loaded: Promise<{ sdk: Sdk; client: S3Client }> | undefined;

  constructor(options: S3StorageOptions) {
    this.options = options;
    this.bucket = options.bucket;
    const partSize = options.partSizeBytes ?? S3_PART_SIZE_BYTES;
    if (partSize < 5 * 1024 * 1024) throw new Error("S3 multipart parts must be at least 5 MiB");
  }

  private client(): Promise<{ sdk: Sdk; client: S3Client }> {
    this.loaded ??= import("@aws-sdk/client-s3").then((sdk) => {
      const { bucket: _bucket, endpoint, region, forcePathStyle, credentials } = this.options;
      const client = new sdk.S3Client({
        region,
        forcePathStyle,
        ...(endpoint ? { endpoint } : {}),
        ...(credentials ? { credentials } : {}),
        // The SDK's default since 2025 adds CRC32 checksums (aws-chunked bodies) to every upload,
        // which several S3-compatible stores do not accept: only where the API requires one.
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
      });
      return { sdk, client };
    });
    return this.loaded;
  }

  async put(key: string, source: Uint8Array | AsyncIterable<Uint8Array>): Promise<StoredObject> {
    assertStorageKey(key);
    const { sdk, client } = await this.client();
    if (source instanceof Uint8Array) {
      await client.send(new sdk.PutObjectCommand({ Bucket: this.bucket, Key: key, Body: source }));
      return { key, size: source.byteLength };
    }
    let size = 0;
    const chunks: AsyncIterable<Uint8Array> = source;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of chunks) {
        size += chunk.byteLength;
        yield chunk;
      }
    }
    const { Upload } = await import("@aws-sdk/lib-storage");
    const upload = new Upload({
      client,
      params: { Bucket: this.bucket, Key: key, Body: Readable.from(counted()) },
      partSize: this.options.partSizeBytes ?? S3_PART_SIZE_BYTES,
      queueSize: this.options.partsInFlight ?? S3_PARTS_IN_FLIGHT,
      // Aborted below, so that the caller sees its own error (FILE_TOO_LARGE…), not the abort's.
      leavePartsOnError: true,
    });
    try {
      await upload.done();
    } catch (error) {
      if (upload.uploadId) {
        const abort = new sdk.AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: upload.uploadId });
        // Parts an abort misses are removed by the bucket's lifecycle rule (decision 0058).
        await client.send(abort).catch(() => undefined);
      }
      throw error;
    }
    return { key, size };
  }

  async move(from: string, to: string): Promise<StoredObject> {
    assertStorageKey(from);
    assertStorageKey(to);
    const { sdk, client } = await this.client();
    if (from !== to) {
      // Copy then delete: both keys exist for a moment, and a crash between leaves the source
      // (a temporary upload, removed by the cleanup job). CopyObject handles up to 5 GiB.
      await client.send(
        new sdk.CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource: `${this.bucket}/${from}` }),
      );
      await client.send(new sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: from }));
    }
    const stored = await this.stat(to);
    if (!stored) throw new Error(`moved object not found: ${to}`);
    return stored;
  }

  async get(key: string, range?: ByteRange): Promise<Readable | null> {
    assertStorageKey(key);
    const { sdk, client } = await this.client();
    const input: GetObjectCommandInput = { Bucket: this.bucket, Key: key };
    if (range) input.Range = `bytes=${range.start}-${range.end}`;
    try {
      const answer = await client.send(new sdk.GetObjectCommand(input));
      return answer.Body instanceof Readable ? answer.Body : Readable.from([]);
    } catch (error) {
      if (isMissing(error)) return null;
      // A range past the end reads nothing, as a file read past its end does.
      if ((error as { name?: string }).name === "InvalidRange") return Readable.from([]);
      throw error;
    }
  }

  async stat(key: string): Promise<StoredObject | null> {
    assertStorageKey(key);
    const { sdk, client } = await this.client();
    try {
      const head = await client.send(new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, size: head.ContentLength ?? 0 };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertStorageKey(key);
    const { sdk, client } = await this.client();
    await client.send(new sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async deletePrefix(prefix: string): Promise<void> {
    assertStorageKey(prefix);
    const { sdk, client } = await this.client();
    let batch: string[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const answer = await client.send(
        new sdk.DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      batch = [];
      const failed = answer.Errors ?? [];
      if (failed.length > 0) {
        throw new Error(
          `could not delete ${failed.length} objects under ${prefix}/: ${failed[0]?.Code} ${failed[0]?.Key}`,
        );
      }
    };
    // Listing and deleting the same prefix: each page is read before its keys go.
    for await (const object of this.listKeys(`${prefix}/`)) {
      batch.push(object.key);
      if (batch.length >= DELETE_BATCH) await flush();
    }
    await flush();
  }

  async *list(prefix?: string): AsyncIterable<ListedObject> {
    if (prefix !== undefined) assertStorageKey(prefix);
    yield* this.listKeys(prefix === undefined ? undefined : `${prefix}/`);
  }

  /**
   * ListObjectsV2, page after page (continuation tokens). Keys outside Sira's key pattern (another
   * tool's objects, "folder/" markers) are skipped: nothing here may address them.
   */
  private async *listKeys(prefix: string | undefined): AsyncGenerator<ListedObject> {
    const { sdk, client } = await this.client();
    let token: string | undefined;
    do {
      const page = await client.send(
        new sdk.ListObjectsV2Command({
          Bucket: this.bucket,
          ...(prefix ? { Prefix: prefix } : {}),
          ...(token ? { ContinuationToken: token } : {}),
          MaxKeys: this.options.listPageSize ?? 1000,
        }),
      );
      for (const object of page.Contents ?? []) {
        const key = object.Key;
        if (!key || !isStorageKey(key)) continue;
        yield { key, size: object.Size ?? 0, modifiedAt: object.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /**
   * A GET URL for the object signed for `expiresInSeconds`, its response headers set by the
   * signature. The signing time is rounded down to half the lifetime, so every URL for the same
   * object and headers is the same string for that long (clients' caches, keyed by URL, hit) and
   * stays valid between half and the whole of the lifetime.
   */
  async presignedGetUrl(key: string, read: PresignedRead): Promise<string> {
    assertStorageKey(key);
    const { sdk, client } = await this.client();
    const { getSignedUrl } = await import("@aws-sdk/s3-request-presigner");
    const windowMs = Math.max(1, Math.floor(read.expiresInSeconds / 2)) * 1000;
    const signingDate = new Date(Math.floor(Date.now() / windowMs) * windowMs);
    const command = new sdk.GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ...(read.contentType ? { ResponseContentType: read.contentType } : {}),
      ...(read.contentDisposition ? { ResponseContentDisposition: read.contentDisposition } : {}),
      ...(read.cacheControl ? { ResponseCacheControl: read.cacheControl } : {}),
    });
    return getSignedUrl(client, command, { expiresIn: read.expiresInSeconds, signingDate });
  }

  /** Closes the client's sockets. */
  async close(): Promise<void> {
    if (!this.loaded) return;
    (await this.loaded).client.destroy();
  }
}

function isStorageKey(key: string): boolean {
  try {
    assertStorageKey(key);
    return true;
  } catch {
    return false;
  }
}
