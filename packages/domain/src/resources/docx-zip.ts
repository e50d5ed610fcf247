/**
 * A DOCX is a zip. Before mammoth (JSZip) inflates it, its central directory is read and every
 * entry is inflated once with an output cap: too many entries, an entry or a total past the
 * limits, a compression ratio typical of a bomb, or an entry that inflates to more than it
 * declares is refused with FILE_DECOMPRESSION_BOMB, without ever holding more than the caps.
 */
import { inflateRawSync } from "node:zlib";
import { AppError } from "@sira/contracts/errors";
import { ZIP_LIMITS } from "./extraction-limits.ts";

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_MIN_BYTES = 22;
const MAX_COMMENT_BYTES = 0xffff;

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

function bomb(why: string): AppError {
  return new AppError("FILE_DECOMPRESSION_BOMB", {
    fieldErrors: [{ field: "file", code: "decompression_bomb", message: why }],
  });
}

function corrupt(why: string): AppError {
  return new AppError("FILE_CORRUPT", {
    fieldErrors: [{ field: "file", code: "corrupt", message: `the DOCX cannot be read: ${why}` }],
  });
}

function endOfCentralDirectory(buf: Buffer): number {
  const stop = Math.max(0, buf.length - EOCD_MIN_BYTES - MAX_COMMENT_BYTES);
  for (let at = buf.length - EOCD_MIN_BYTES; at >= stop; at -= 1) {
    if (buf.readUInt32LE(at) === EOCD_SIGNATURE) return at;
  }
  throw corrupt("no end of central directory");
}

/** The entries as the central directory declares them (the place JSZip reads sizes from too). */
export function zipEntries(bytes: Uint8Array): ZipEntry[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < EOCD_MIN_BYTES) throw corrupt("too short");
  const eocd = endOfCentralDirectory(buf);
  const count = buf.readUInt16LE(eocd + 10);
  const directoryOffset = buf.readUInt32LE(eocd + 16);
  // Zip64 markers: no real DOCX needs 4 GiB or 65,535 parts.
  if (count === 0xffff || directoryOffset === 0xffffffff) throw bomb("zip64 archive");
  if (count > ZIP_LIMITS.maxEntries) throw bomb(`${count} parts`);
  const entries: ZipEntry[] = [];
  let at = directoryOffset;
  for (let i = 0; i < count; i += 1) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== CENTRAL_SIGNATURE) throw corrupt("bad central directory");
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    entries.push({
      flags: buf.readUInt16LE(at + 8),
      method: buf.readUInt16LE(at + 10),
      compressedSize: buf.readUInt32LE(at + 20),
      uncompressedSize: buf.readUInt32LE(at + 24),
      localHeaderOffset: buf.readUInt32LE(at + 42),
      name: buf.toString("utf8", at + 46, Math.min(buf.length, at + 46 + nameLength)),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The entry's compressed bytes, located through its local header as JSZip does. */
function entryData(buf: Buffer, entry: ZipEntry): Buffer {
  const at = entry.localHeaderOffset;
  if (at + 30 > buf.length || buf.readUInt32LE(at) !== LOCAL_SIGNATURE)
    throw corrupt(`bad local header for ${entry.name}`);
  const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  if (start + entry.compressedSize > buf.length) throw corrupt(`${entry.name} runs past the end`);
  return buf.subarray(start, start + entry.compressedSize);
}

/** Throws FILE_DECOMPRESSION_BOMB (or FILE_CORRUPT) unless the zip stays within ZIP_LIMITS. */
export function assertSafeZip(bytes: Uint8Array): void {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries = zipEntries(bytes);
  let total = 0;
  for (const entry of entries) {
    if (entry.uncompressedSize === 0xffffffff || entry.compressedSize === 0xffffffff) throw bomb("zip64 entry");
    if (entry.uncompressedSize > ZIP_LIMITS.maxEntryBytes) throw bomb(`${entry.name} is too large unpacked`);
    total += entry.uncompressedSize;
    if (total > ZIP_LIMITS.maxTotalBytes) throw bomb("the parts are too large unpacked");
    if (
      entry.uncompressedSize > ZIP_LIMITS.ratioFromBytes &&
      entry.uncompressedSize > ZIP_LIMITS.maxRatio * Math.max(1, entry.compressedSize)
    ) {
      throw bomb(
        `${entry.name} is compressed ${Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize))}×`,
      );
    }
    if (entry.flags & 0x1) throw corrupt("encrypted zip entries");
    const data = entryData(buf, entry);
    if (entry.method === 0) {
      if (entry.compressedSize !== entry.uncompressedSize) throw corrupt(`${entry.name} has inconsistent sizes`);
    } else if (entry.method === 8) {
      // The declared size is the cap: a part that inflates to more than it says is a bomb.
      try {
        inflateRawSync(data, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
      } catch (error) {
        if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
          throw bomb(`${entry.name} inflates past its declared size`);
        }
        throw corrupt(`${entry.name} does not inflate`);
      }
    } else {
      throw corrupt(`compression method ${entry.method}`);
    }
  }
}
