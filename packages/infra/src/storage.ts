/**
 * File storage for uploads, extracted images and generated media. Keys are relative, slash-
 * separated paths (`courses/<id>/resources/<sha256>.pdf`). The local directory store is the
 * default; an S3-compatible bucket (`STORAGE_URL`, storage-s3.ts) implements the same interface.
 * `createStorage` picks one from the settings: every process builds its storage there.
 */

import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, type Dir } from "node:fs";
import { mkdir, opendir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Config } from "./config.ts";
import { S3FileStorage } from "./storage-s3.ts";
import { parseStorageUrl } from "./storage-url.ts";

export interface StoredObject {
  key: string;
  size: number;
}

/** One object as listed: its key, its size and when its bytes were last written. */
export interface ListedObject extends StoredObject {
  modifiedAt: Date;
}

export interface ByteRange {
  start: number;
  end: number;
}

/** What a presigned read URL is for: how long it lives, and the headers the store answers with. */
export interface PresignedRead {
  expiresInSeconds: number;
  contentType?: string;
  contentDisposition?: string;
  cacheControl?: string;
}

export interface FileStorage {
  /** Writes the whole source under `key` atomically (readers never see a partial file). */
  put(key: string, source: Uint8Array | AsyncIterable<Uint8Array>): Promise<StoredObject>;
  /**
   * Moves the object at `from` to `to` without copying its bytes through the process (a rename on
   * disk, a server-side copy on an object store); an object already at `to` is replaced atomically.
   */
  move(from: string, to: string): Promise<StoredObject>;
  /**
   * The object's bytes as a stream, or null when there is none. `range` reads bytes `start` to
   * `end` inclusive (an HTTP byte range).
   */
  get(key: string, range?: ByteRange): Promise<Readable | null>;
  stat(key: string): Promise<StoredObject | null>;
  delete(key: string): Promise<void>;
  /** Removes every object whose key starts with `prefix/`. */
  deletePrefix(prefix: string): Promise<void>;
  /**
   * Every object whose key starts with `prefix/` (all of them without a prefix), one at a time, in
   * no particular order; an object written or removed meanwhile may or may not be listed.
   */
  list(prefix?: string): AsyncIterable<ListedObject>;
  /**
   * A URL anyone holding it can GET the object from, for a short while, without this process
   * (object stores only; absent on the local directory). Access is the caller's to check first.
   */
  presignedGetUrl?(key: string, read: PresignedRead): Promise<string>;
}

const KEY_PATTERN = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

export function assertStorageKey(key: string): void {
  if (!KEY_PATTERN.test(key) || key.split("/").some((part) => part === "." || part === "..")) {
    throw new Error(`invalid storage key: ${key}`);
  }
}

export class LocalFileStorage implements FileStorage {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  private path(key: string): string {
    assertStorageKey(key);
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new Error(`invalid storage key: ${key}`);
    return path;
  }

  async put(key: string, source: Uint8Array | AsyncIterable<Uint8Array>): Promise<StoredObject> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    const temp = join(dirname(target), `.${randomUUID()}.part`);
    try {
      const input = source instanceof Uint8Array ? Readable.from([source]) : Readable.from(source);
      await pipeline(input, createWriteStream(temp, { flags: "wx" }));
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return { key, size: (await stat(target)).size };
  }

  async move(from: string, to: string): Promise<StoredObject> {
    const source = this.path(from);
    const target = this.path(to);
    await mkdir(dirname(target), { recursive: true });
    await rename(source, target);
    return { key: to, size: (await stat(target)).size };
  }

  async get(key: string, range?: ByteRange): Promise<Readable | null> {
    const path = this.path(key);
    try {
      await stat(path);
    } catch {
      return null;
    }
    return createReadStream(path, range ? { start: range.start, end: range.end } : undefined);
  }

  async stat(key: string): Promise<StoredObject | null> {
    const path = this.path(key);
    try {
      return { key, size: (await stat(path)).size };
    } catch {
      return null;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async deletePrefix(prefix: string): Promise<void> {
    await rm(this.path(prefix), { recursive: true, force: true });
  }

  /** Walks the directory tree (never all of it in memory); includes a crashed write's `.part` file. */
  async *list(prefix?: string): AsyncIterable<ListedObject> {
    const pending = [prefix === undefined ? this.root : this.path(prefix)];
    while (pending.length > 0) {
      const dir = pending.pop() as string;
      let entries: Dir;
      try {
        entries = await opendir(dir);
      } catch {
        continue; // gone meanwhile, or not a directory
      }
      for await (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          pending.push(path);
          continue;
        }
        if (!entry.isFile()) continue;
        const info = await stat(path).catch(() => null);
        if (!info) continue;
        yield { key: relative(this.root, path).split(sep).join("/"), size: info.size, modifiedAt: info.mtime };
      }
    }
  }
}

export type StorageSettings = Pick<
  Config,
  "STORAGE_DIR" | "STORAGE_URL" | "STORAGE_S3_ACCESS_KEY_ID" | "STORAGE_S3_SECRET_ACCESS_KEY"
>;

/** The bucket STORAGE_URL names when it is set, else the local directory STORAGE_DIR. */
export function createStorage(settings: StorageSettings): FileStorage {
  if (!settings.STORAGE_URL) return new LocalFileStorage(settings.STORAGE_DIR);
  const { STORAGE_S3_ACCESS_KEY_ID: accessKeyId, STORAGE_S3_SECRET_ACCESS_KEY: secretAccessKey } = settings;
  return new S3FileStorage({
    ...parseStorageUrl(settings.STORAGE_URL),
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
  });
}
