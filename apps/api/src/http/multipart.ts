/**
 * A multipart upload read as a stream (busboy): the text fields sent before the `file` part, and
 * that part's bytes, never buffered whole. Every refusal is a 400 naming the field.
 */
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { AppError, type Language } from "@sira/contracts";
import busboy from "busboy";

export interface UploadForm {
  /** Text fields sent before the file part. */
  fields: Record<string, string>;
  filename: string;
  mimeType: string;
  content: AsyncIterable<Uint8Array>;
  /** Stops reading the request body (after a refusal, the rest of the upload is not wanted). */
  discard(): void;
}

export interface UploadLimits {
  fields: number;
  fieldSize: number;
  /** The filename when the part has none. */
  defaultName: string;
}

const MESSAGES = {
  notMultipart: {
    en: "Send multipart/form-data with a `file` part",
    fr: "Envoyez un formulaire multipart/form-data avec une partie `file`",
  },
  noBoundary: { en: "The multipart body has no boundary", fr: "Le corps multipart n'a pas de délimiteur (boundary)" },
  tooLong: { en: "This field is too long", fr: "Ce champ est trop long" },
  truncated: { en: "The upload ended before the file did", fr: "L'envoi s'est arrêté avant la fin du fichier" },
  malformed: { en: "The multipart body is malformed", fr: "Le corps multipart est mal formé" },
  noFile: { en: "The form has no `file` part", fr: "Le formulaire n'a pas de partie `file`" },
} satisfies Record<string, Record<Language, string>>;
type Message = keyof typeof MESSAGES;

function invalid(field: string, message: Message, lang: Language, code = "invalid"): AppError {
  return new AppError("VALIDATION_FAILED", { fieldErrors: [{ field, code, message: MESSAGES[message][lang] }] });
}

/** The upload's form; refusals name their field in `lang`. */
export function uploadForm(request: Request, limits: UploadLimits, lang: Language): Promise<UploadForm> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!contentType.startsWith("multipart/form-data") || !request.body) {
    return Promise.reject(invalid("file", "notMultipart", lang, "required"));
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { "content-type": contentType },
        defParamCharset: "utf8",
        limits: { files: 1, fields: limits.fields, fieldSize: limits.fieldSize, parts: limits.fields + 2 },
      });
    } catch {
      reject(invalid("file", "noBoundary", lang));
      return;
    }
    const fields: Record<string, string> = {};
    let found = false;
    let tooLong: string | null = null;
    parser.on("field", (name, value, info) => {
      if (found) return;
      if (info.valueTruncated) tooLong = name;
      fields[name] = value;
    });
    parser.on("file", (name, stream, info) => {
      if (name !== "file" || found) {
        stream.resume();
        return;
      }
      found = true;
      // Errors surface where the part is read (readPart); this only keeps them from going unhandled.
      stream.on("error", () => undefined);
      const discard = () => {
        source.unpipe(parser);
        source.destroy();
        stream.destroy();
      };
      if (tooLong) {
        discard();
        reject(invalid(tooLong, "tooLong", lang, "too_big"));
        return;
      }
      resolve({
        fields,
        filename: info.filename ?? limits.defaultName,
        mimeType: info.mimeType,
        content: readPart(stream, lang),
        discard,
      });
    });
    let cut = false;
    parser.on("error", () => {
      if (found) return;
      reject(cut ? invalid("file", "truncated", lang, "truncated") : invalid("file", "malformed", lang));
    });
    parser.on("close", () => {
      if (!found) reject(invalid("file", "noFile", lang, "required"));
    });
    const source = Readable.fromWeb(request.body as WebReadableStream);
    // A connection dropped mid-upload errors the body; `pipe` leaves that unhandled (the process
    // would exit). The parser takes it: before the file part, a refusal; after, the part's error.
    source.on("error", (error) => {
      cut = true;
      parser.destroy(error);
    });
    source.pipe(parser);
  });
}

/** The part's bytes; a body cut short is the client's error, not ours. */
async function* readPart(stream: Readable, lang: Language): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of stream) yield chunk as Uint8Array;
  } catch (error) {
    throw new AppError("VALIDATION_FAILED", {
      cause: error,
      fieldErrors: [{ field: "file", code: "truncated", message: MESSAGES.truncated[lang] }],
    });
  }
}
