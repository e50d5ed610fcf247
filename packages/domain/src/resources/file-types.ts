/**
 * What an uploaded file really is, from its bytes: PDF, DOCX, JPEG and PNG by magic bytes (file-type), and
 * plain text (TXT, CSV, Markdown) only when the bytes are valid UTF-8 without NULs and the name
 * ends in .txt, .csv, .md or .markdown (text formats have no magic bytes to check).
 */
import { AppError, type ResourceKind } from "@sira/contracts";
import { fileTypeFromBuffer } from "file-type";

export interface DocumentType {
  kind: ResourceKind;
  mime: string;
  ext: string;
}

const TYPES = {
  pdf: { kind: "pdf", mime: "application/pdf", ext: "pdf" },
  docx: {
    kind: "docx",
    mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ext: "docx",
  },
  csv: { kind: "csv", mime: "text/csv", ext: "csv" },
  txt: { kind: "txt", mime: "text/plain", ext: "txt" },
  md: { kind: "md", mime: "text/markdown", ext: "md" },
  jpg: { kind: "image", mime: "image/jpeg", ext: "jpg" },
  png: { kind: "image", mime: "image/png", ext: "png" },
} satisfies Record<string, DocumentType>;

const TEXT_EXTENSIONS: Record<string, "txt" | "csv" | "md"> = { txt: "txt", csv: "csv", md: "md", markdown: "md" };

/** Enough bytes for file-type to recognise every binary format it knows by its header. */
export const TYPE_SNIFF_BYTES = 4100;

function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf(".");
  return dot < 0 ? "" : filename.slice(dot + 1).toLowerCase();
}

/** The kind stored for a MIME type (rows keep the MIME type; the API shows the kind). */
export function kindOfMime(mime: string): ResourceKind {
  const found = (Object.values(TYPES) as DocumentType[]).find((t) => t.mime === mime);
  return found?.kind ?? "txt";
}

function notAllowed(what: string): AppError {
  return new AppError("FILE_TYPE_NOT_ALLOWED", {
    fieldErrors: [{ field: "file", code: "type_not_allowed", message: what }],
    details: {
      en: `This file is ${what}. Accepted: PDF, DOCX, CSV, TXT, Markdown, or a JPEG or PNG photo of a handout.`,
      fr: `Ce fichier est de type ${what}. Types acceptés : PDF, DOCX, CSV, TXT, Markdown, ou une photo JPEG ou PNG d'un document.`,
    },
  });
}

/** A password-protected DOCX is an OLE container holding an EncryptionInfo stream. */
function isEncryptedOffice(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(
    Buffer.from("EncryptionInfo", "utf16le"),
  );
}

function isUtf8Text(bytes: Uint8Array, complete: boolean): boolean {
  if (bytes.includes(0)) return false;
  try {
    // A head cut mid-character is still text: let the decoder drop the last incomplete sequence.
    new TextDecoder("utf-8", { fatal: true }).decode(bytes, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}

/**
 * A quick refusal from the first bytes, while the upload is still arriving: a file that is
 * clearly not an accepted type is rejected before it is all read. Passing does not accept it.
 */
export async function refuseEarly(head: Uint8Array, filename: string): Promise<void> {
  const found = await fileTypeFromBuffer(head);
  if (found) {
    if (["pdf", "docx", "zip", "cfb", "jpg", "png"].includes(found.ext)) return;
    throw notAllowed(found.mime);
  }
  if (!(extensionOf(filename) in TEXT_EXTENSIONS)) throw notAllowed("unknown");
  if (!isUtf8Text(head, false)) throw notAllowed("binary data");
}

/** The accepted type of the whole file, or FILE_TYPE_NOT_ALLOWED / FILE_ENCRYPTED. */
export async function detectDocumentType(bytes: Uint8Array, filename: string): Promise<DocumentType> {
  const found = await fileTypeFromBuffer(bytes);
  if (found?.ext === "pdf") return TYPES.pdf;
  if (found?.ext === "docx") return TYPES.docx;
  if (found?.ext === "jpg") return TYPES.jpg;
  if (found?.ext === "png") return TYPES.png;
  if (found?.ext === "cfb" && isEncryptedOffice(bytes)) {
    throw new AppError("FILE_ENCRYPTED", {
      fieldErrors: [{ field: "file", code: "encrypted", message: "password-protected Office document" }],
    });
  }
  if (found) throw notAllowed(found.mime);
  const textKind = TEXT_EXTENSIONS[extensionOf(filename)];
  if (!textKind) throw notAllowed("unknown");
  if (!isUtf8Text(bytes, true)) throw notAllowed("not UTF-8 text");
  return TYPES[textKind];
}
