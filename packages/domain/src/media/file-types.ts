/**
 * What an uploaded module media really is, from its bytes (file-type's magic numbers): a picture
 * (JPEG, PNG, WebP), audio (Ogg Opus or Vorbis, MP3, M4A) or a PDF. A name or a declared type that
 * says otherwise (a PNG named `cours.pdf`, an `audio/ogg` part holding a PDF) is refused: the
 * bytes decide, and a mismatch is a sign of a mistake or of a disguised file.
 */
import { AppError, MEDIA_MAX_DURATION_MS, type MediaType } from "@sira/contracts";
import { fileTypeFromBuffer } from "file-type";

export interface MediaFileType {
  mediaType: Extract<MediaType, "image" | "audio" | "document">;
  mime: string;
  ext: string;
}

const BY_EXT: Record<string, MediaFileType> = {
  jpg: { mediaType: "image", mime: "image/jpeg", ext: "jpg" },
  png: { mediaType: "image", mime: "image/png", ext: "png" },
  webp: { mediaType: "image", mime: "image/webp", ext: "webp" },
  ogg: { mediaType: "audio", mime: "audio/ogg", ext: "ogg" },
  opus: { mediaType: "audio", mime: "audio/ogg", ext: "ogg" },
  oga: { mediaType: "audio", mime: "audio/ogg", ext: "ogg" },
  mp3: { mediaType: "audio", mime: "audio/mpeg", ext: "mp3" },
  m4a: { mediaType: "audio", mime: "audio/mp4", ext: "m4a" },
  pdf: { mediaType: "document", mime: "application/pdf", ext: "pdf" },
};

/** The family a file name's extension claims, when it names one we know. */
const CLAIMED_BY_EXT: Record<string, MediaFileType["mediaType"] | "other"> = {
  jpg: "image",
  jpeg: "image",
  png: "image",
  webp: "image",
  gif: "other",
  ogg: "audio",
  oga: "audio",
  opus: "audio",
  mp3: "audio",
  m4a: "audio",
  aac: "audio",
  wav: "audio",
  pdf: "document",
  mp4: "other",
  exe: "other",
  html: "other",
  htm: "other",
  svg: "other",
  js: "other",
  zip: "other",
  docx: "other",
};

function notAllowed(what: string, fr: string, en: string): AppError {
  return new AppError("FILE_TYPE_NOT_ALLOWED", {
    fieldErrors: [{ field: "file", code: "type_not_allowed", message: what }],
    details: { fr, en },
  });
}

const ACCEPTED_FR = "Types acceptés : image JPEG, PNG ou WebP, audio Ogg, MP3 ou M4A, document PDF.";
const ACCEPTED_EN = "Accepted: a JPEG, PNG or WebP image, Ogg, MP3 or M4A audio, a PDF document.";

async function sniffType(bytes: Uint8Array): Promise<MediaFileType> {
  const found = await fileTypeFromBuffer(bytes);
  const type = found ? BY_EXT[found.ext] : undefined;
  if (!type) {
    const what = found?.mime ?? "unknown";
    throw notAllowed(what, `Ce fichier est de type ${what}. ${ACCEPTED_FR}`, `This file is ${what}. ${ACCEPTED_EN}`);
  }
  return type;
}

/** Refuses a foreign type from the first bytes, while the upload is still arriving. */
export async function refuseMediaEarly(head: Uint8Array): Promise<void> {
  await sniffType(head);
}

const extensionOf = (filename: string): string => {
  const dot = filename.lastIndexOf(".");
  return dot < 0 ? "" : filename.slice(dot + 1).toLowerCase();
};

/** The family a declared MIME type names (`application/octet-stream` and the like name none). */
function claimedByMime(mime: string | undefined): MediaFileType["mediaType"] | "other" | null {
  const value = (mime ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (!value || value === "application/octet-stream" || value === "binary/octet-stream") return null;
  if (value.startsWith("image/")) return value === "image/svg+xml" ? "other" : "image";
  if (value.startsWith("audio/")) return "audio";
  if (value === "application/pdf") return "document";
  return "other";
}

/** The accepted type of the whole file; FILE_TYPE_NOT_ALLOWED when it is none, or not what it claims. */
export async function detectMediaType(
  bytes: Uint8Array,
  filename: string,
  declaredMime?: string,
): Promise<MediaFileType> {
  const type = await sniffType(bytes);
  const claims = [CLAIMED_BY_EXT[extensionOf(filename)], claimedByMime(declaredMime)];
  for (const claim of claims) {
    if (claim && claim !== type.mediaType) {
      throw notAllowed(
        `content is ${type.mime}, claimed ${claim}`,
        `Le contenu du fichier (${type.mime}) ne correspond pas au type annoncé par son nom ou son en-tête.`,
        `The file's content (${type.mime}) does not match the type its name or header claims.`,
      );
    }
  }
  return type;
}

/** The header of the Ogg page at `at` when it is well formed and the whole page fits in `buf`. */
function oggPage(buf: Buffer, at: number): { granule: bigint; serial: number } | null {
  if (at < 0 || at + 27 > buf.length || buf.toString("latin1", at, at + 4) !== "OggS") return null;
  // Version 0; header type uses only the continued, first and last page flags.
  if (buf[at + 4] !== 0 || (buf[at + 5] ?? 0) & 0xf8) return null;
  const segments = buf[at + 26] ?? 0;
  if (at + 27 + segments > buf.length) return null;
  let body = 0;
  for (let i = 0; i < segments; i++) body += buf[at + 27 + i] ?? 0;
  if (at + 27 + segments + body > buf.length) return null;
  return { granule: buf.readBigInt64LE(at + 6), serial: buf.readUInt32LE(at + 14) };
}

/**
 * The duration of an Ogg stream (Opus or Vorbis) from its last well-formed page of the first
 * page's stream, in ms; null when it cannot be read or exceeds MEDIA_MAX_DURATION_MS (the admin's
 * declared duration is kept then).
 */
export function oggDurationMs(bytes: Uint8Array): number | null {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const first = oggPage(buf, 0);
  if (!first) return null;
  let granule = first.granule;
  for (let at = buf.lastIndexOf("OggS"); at > 0; at = buf.lastIndexOf("OggS", at - 1)) {
    const page = oggPage(buf, at);
    // A granule of -1 marks a page where no packet ends.
    if (page && page.serial === first.serial && page.granule >= 0n) {
      granule = page.granule;
      break;
    }
  }
  if (granule <= 0n) return null;
  let ms: number | null = null;
  const opus = buf.indexOf("OpusHead");
  const vorbis = buf.indexOf("\x01vorbis");
  if (opus >= 0 && opus + 12 <= buf.length) {
    const preSkip = buf.readUInt16LE(opus + 10);
    ms = Math.max(0, Math.round(((Number(granule) - preSkip) / 48_000) * 1000));
  } else if (vorbis >= 0 && vorbis + 16 <= buf.length) {
    const rate = buf.readUInt32LE(vorbis + 12);
    ms = rate > 0 ? Math.round((Number(granule) / rate) * 1000) : null;
  }
  return ms !== null && ms <= MEDIA_MAX_DURATION_MS ? ms : null;
}
