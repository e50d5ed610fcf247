/** A stored file as the API serves it (ETag, Range): its size, validator, type and a way to read it. */
import type { Readable } from "node:stream";
import type { ByteRange } from "@sira/infra";

export interface StoredFile {
  size: number;
  /** A strong ETag (quoted). */
  etag: string;
  mimeType: string;
  /** Suggested file name (`Content-Disposition: inline`), when there is one. */
  filename?: string;
  /** The object's key in storage, so that a GET may be sent to the store itself (presigned media). */
  storageKey: string;
  open(range?: ByteRange): Promise<Readable>;
}
